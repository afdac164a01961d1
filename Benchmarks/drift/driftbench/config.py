"""Workload sizes and repetitions, with the full defaults and the ``--quick`` smoke variant.

Defaults follow the issue: a 100,000-row reference against 1,000,000 current
rows, each side measured 3 times and the median reported. ``--quick`` uses
10,000 / 100,000 rows (still above Evidently's 1,000-row reference limit, so
every column gets the same test as in the full run) and one run per side;
its figures are only indicative.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# Goals from the issue, judged on medians.
SPEED_GOAL = 20.0        # Evidently end-to-end wall time / Keel wall time
MEMORY_GOAL = 4.0        # Evidently peak RSS / Keel peak RSS (Keel <= 1/4 of Evidently)


@dataclass(frozen=True)
class Config:
    reference_rows: int = 100_000
    current_rows: int = 1_000_000
    repeats: int = 3                 # runs per side; the median is reported
    seed: int = 20_240_917
    timeout_seconds: float = 3600.0  # per measured process
    memory_interval: float = 0.1     # /proc sampling period (a cross-check of the kernel's peak)


QUICK = Config(reference_rows=10_000, current_rows=100_000, repeats=1)


def build(quick: bool, **overrides) -> Config:
    """Start from the full or quick preset and apply the command-line overrides that were given."""
    base = QUICK if quick else Config()
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})
