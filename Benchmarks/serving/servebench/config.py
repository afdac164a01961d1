"""Load sizes, with the full defaults and the ``--quick`` smoke variant.

Defaults follow the issue: a latency measurement at a modest, fixed
concurrency (8 clients) and a throughput measurement at 64 clients, each
10 s after a 3 s warm-up. ``--quick`` shortens every measurement to 3 s and
the warm-up to 1 s (figures are then only indicative).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Config:
    latency_clients: int = 8        # (a) p50/p99 at a modest, fixed concurrency
    throughput_clients: int = 64    # (b) max throughput and p50/p99 under load
    duration_seconds: float = 10.0  # per measurement
    warmup_seconds: float = 3.0     # per target, before its first measurement
    pause_seconds: float = 1.0      # between measurements, so queues drain
    wrk_threads: int = 2            # capped at the client count (wrk needs connections >= threads)
    wrk_timeout_seconds: float = 30.0  # wrk drops slower answers from its histogram: keep it far above any p99
    ready_timeout_seconds: float = 180.0
    memory_interval: float = 0.25
    mlflow_workers: int = 1         # `mlflow models serve` default, the reference
    keel_workers: int = 1           # same number of Python model processes as MLflow by default

    def levels(self) -> list[tuple[str, int]]:
        """(name, clients) of every measurement, in the order they run."""
        return [("latency", self.latency_clients), ("throughput", self.throughput_clients)]


QUICK = Config(duration_seconds=3.0, warmup_seconds=1.0, pause_seconds=0.5)


def build(quick: bool, **overrides) -> Config:
    """Start from the full or quick preset and apply the command-line overrides that were given."""
    base = QUICK if quick else Config()
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})
