"""Keel vs ``mlflow models serve`` scoring benchmark.

The package registers one small sklearn model, serves it with ``mlflow models
serve`` and with Keel (``keel serve`` and a deployment inside ``keel server``),
checks that all of them predict the same thing, then drives each with the same
``wrk`` load (same payload, same client counts) and reports the ratios against
Keel's goals. See ../README.md.
"""
