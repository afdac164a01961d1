"""Keel vs Evidently offline data drift benchmark.

The package writes one seeded synthetic workload (a reference and a current
CSV file, 15 numeric and 5 categorical columns, some of them drifted) to a
cache directory, runs ``keel drift REF CUR --json`` and Evidently 0.7.23's
legacy ``Report(metrics=[DataDriftTable(), DatasetDriftMetric()])`` on the
same files, one process after the other on the same machine, checks that
both reach the same verdicts, and reports wall time and peak memory ratios
against Keel's goals. See ../README.md.
"""
