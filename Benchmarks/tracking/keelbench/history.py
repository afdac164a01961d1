"""Phase 3 — ``metrics/get-history`` of one long metric.

One run gets a 5,000-point metric, logged the way the client chunks it
(log-batch, 1,000 metrics per request, the reference server's limit). The
history is then read back with ``max_results=25000`` (the client's page size)
repeatedly. The answer is checked to hold every point, so a server cannot win
by truncating.
"""

from __future__ import annotations

import math

from .http_client import RestClient
from .stats import latency_summary

BATCH_LIMIT = 1000
WARMUP_CALLS = 2
METRIC_KEY = "loss"


def history_value(step: int) -> float:
    """Deterministic, non-trivial series (a decaying loss with a wobble)."""
    return 1.0 / (1 + step / 100) + 0.01 * math.sin(step)


def log_history(client: RestClient, experiment_id: str, points: int) -> str:
    run_id = client.post("runs/create", {"experiment_id": experiment_id, "run_name": "history",
                                         "start_time": 1_750_000_000_000})["run"]["info"]["run_id"]
    for first in range(0, points, BATCH_LIMIT):
        metrics = [{"key": METRIC_KEY, "value": history_value(s), "timestamp": 1_750_000_000_000 + s, "step": s}
                   for s in range(first, min(points, first + BATCH_LIMIT))]
        client.post("runs/log-batch", {"run_id": run_id, "metrics": metrics})
    return run_id


def _points(answer: dict) -> list[tuple[int, float]]:
    """(step, value) pairs sorted by step; JSON doubles round-trip exactly, so compare exactly."""
    return sorted((int(p.get("step", 0)), float(p["value"])) for p in answer.get("metrics", []))


def measure_history(url: str, experiment_id: str, points: int, repeats: int) -> dict:
    """Log the long metric, then time repeated full reads of it."""
    client = RestClient(url)
    try:
        run_id = log_history(client, experiment_id, points)
        query = {"run_id": run_id, "run_uuid": run_id, "metric_key": METRIC_KEY, "max_results": 25000}
        for _ in range(WARMUP_CALLS):
            client.get_raw("metrics/get-history", query)
        answers = [client.get_raw("metrics/get-history", query) for _ in range(repeats)]
    finally:
        client.close()
    first = answers[0].json()
    returned = _points(first)
    expected = [(s, history_value(s)) for s in range(points)]
    return {
        "latency": latency_summary([a.elapsed for a in answers]),
        "response_bytes": len(answers[0].body),
        "points_returned": len(returned),
        "complete": returned == expected and "next_page_token" not in first,
    }
