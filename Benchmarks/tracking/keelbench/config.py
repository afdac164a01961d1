"""Workload sizes, with the full defaults and the ``--quick`` smoke variant.

Defaults follow the issue: a 5 s HTTP floor (GET /health) with the same 8
writers, then 8 writers for 20 s (MLflow manages a few hundred
runs in that time, enough to measure it; Keel should do far more), a 200-run
search corpus searched 50 times, a 5,000-point history read 30 times, a
1,000-model registry searched 30 times per query, and a 1k → 100k scaling
check for Keel. ``--quick`` shrinks everything so a full
two-server run fits in under a minute (figures are then only indicative).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Config:
    writers: int = 8
    floor_seconds: float = 5.0
    ingest_seconds: float | None = 20.0
    ingest_runs_per_writer: int | None = None
    metric_steps: int = 50
    corpus_runs: int = 200
    search_repeats: int = 50
    history_points: int = 5000
    history_repeats: int = 30
    registry_models: int = 1_000  # 0 skips the registry phase
    registry_repeats: int = 30
    scale_base_runs: int = 1_000
    scale_runs: int = 100_000
    scale_search_repeats: int = 20
    memory_interval: float = 0.25
    settle_seconds: float = 90.0  # max wait for a started server's process tree to go idle
    load_driver: str | None = None  # keel-load-driver for the floor and ingest; None: the Python driver


QUICK = Config(floor_seconds=1.0, ingest_seconds=3.0, corpus_runs=50, search_repeats=10, history_points=2000, history_repeats=5,
               registry_models=200, registry_repeats=10,
               scale_base_runs=1_000, scale_runs=10_000, scale_search_repeats=10, settle_seconds=15.0)


def build(quick: bool, **overrides) -> Config:
    """Start from the full or quick preset and apply command-line overrides that were given."""
    base = QUICK if quick else Config()
    given = {k: v for k, v in overrides.items() if v is not None}
    if "ingest_runs_per_writer" in given:
        given["ingest_seconds"] = None  # a fixed count replaces the fixed duration
    return replace(base, **given)
