"""Deterministic run contents shared by every phase.

Both servers must receive byte-for-byte comparable data so that the search
phase can demand *identical* hits, and so that the expected answer can be
computed locally (a check that catches a server that is fast because it is
wrong). Each run is derived from a string-seeded ``random.Random``, which is
stable across processes and Python versions (string seeds are hashed with
SHA-512, not with the randomised ``hash()``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass

PARAM_COUNT = 20
TAG_COUNT = 5
METRIC_KEYS = ("m0", "m1")
BASE_TIMESTAMP_MS = 1_750_000_000_000

SEARCH_FILTER = "metrics.m0 > 0.5 and params.p3 = 'v1'"
SEARCH_ORDER_BY = ["metrics.m1 DESC"]
SEARCH_MAX_RESULTS = 100


@dataclass(frozen=True)
class RunSpec:
    """Everything logged for one run; ``metrics`` holds one series per key."""

    index: int
    name: str
    params: dict[str, str]
    tags: dict[str, str]
    metrics: dict[str, list[float]]

    @property
    def start_time(self) -> int:
        return BASE_TIMESTAMP_MS + self.index * 1000

    def latest(self, key: str) -> float:
        """The value MLflow search compares: the one at the highest step."""
        return self.metrics[key][-1]


def make_run(namespace: str, index: int, steps: int) -> RunSpec:
    """Build run ``index`` of ``namespace`` with ``steps`` points per metric."""
    rng = random.Random(f"{namespace}-{index}")
    params = {f"p{k}": f"v{rng.randrange(2 if k == 3 else 10)}" for k in range(PARAM_COUNT)}
    tags = {f"t{k}": f"tag-{rng.randrange(100)}" for k in range(TAG_COUNT)}
    metrics = {key: [rng.random() for _ in range(steps)] for key in METRIC_KEYS}
    return RunSpec(index, f"{namespace}-{index:06d}", params, tags, metrics)


def create_payload(experiment_id: str, spec: RunSpec) -> dict:
    """Body of ``runs/create`` for ``spec``."""
    return {"experiment_id": experiment_id, "run_name": spec.name, "start_time": spec.start_time,
            "tags": [{"key": "mlflow.user", "value": "bench"}]}


def log_batch_payload(run_id: str, spec: RunSpec) -> dict:
    """Body of the single ``runs/log-batch`` carrying all params, tags and metrics."""
    metrics = [
        {"key": key, "value": value, "timestamp": spec.start_time + step, "step": step}
        for key, series in spec.metrics.items()
        for step, value in enumerate(series)
    ]
    return {
        "run_id": run_id,
        "params": [{"key": k, "value": v} for k, v in spec.params.items()],
        "tags": [{"key": k, "value": v} for k, v in spec.tags.items()],
        "metrics": metrics,
    }


_RUN_ID_PLACEHOLDER = "@@RUN_ID@@"


class LogBatchTemplate:
    """``log_batch_payload`` serialised once, with the run id spliced in per use.

    The ingest loop sends the same 125-entry batch shape thousands of times;
    re-encoding it each time would be the client's largest cost.
    """

    def __init__(self, spec: RunSpec):
        rendered = json.dumps(log_batch_payload(_RUN_ID_PLACEHOLDER, spec)).encode()
        self.head, self.tail = rendered.split(_RUN_ID_PLACEHOLDER.encode())

    def render(self, run_id: str) -> bytes:
        return self.head + run_id.encode() + self.tail


def finish_payload(run_id: str, spec: RunSpec) -> dict:
    """Body of ``runs/update`` marking the run FINISHED."""
    return {"run_id": run_id, "run_uuid": run_id, "status": "FINISHED",
            "end_time": spec.start_time + 60_000}


def expected_hits(specs: Iterable[RunSpec]) -> list[str]:
    """Run names the search phase must return, computed without any server.

    Mirrors ``SEARCH_FILTER`` / ``SEARCH_ORDER_BY`` / ``SEARCH_MAX_RESULTS``.
    Values are uniform random doubles, so ties in the ordering key do not occur.
    """
    matching = [(s.latest("m1"), s.name) for s in specs if s.latest("m0") > 0.5 and s.params["p3"] == "v1"]
    matching.sort(reverse=True)
    return [name for _, name in matching[:SEARCH_MAX_RESULTS]]


def search_payload(experiment_id: str) -> dict:
    """Body of the measured ``runs/search`` request."""
    return {"experiment_ids": [experiment_id], "filter": SEARCH_FILTER, "run_view_type": "ACTIVE_ONLY",
            "max_results": SEARCH_MAX_RESULTS, "order_by": SEARCH_ORDER_BY}
