"""Keel vs MLflow tracking-server benchmark.

The package drives two servers with the *same* raw-HTTP workload (MLflow REST
API, no fluent client) so that client-side cost is identical and small, and
reports the ratios against the goals set for Keel. See ../README.md.
"""
