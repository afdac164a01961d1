"""Phase 2 — ``runs/search`` latency and correctness on a fixed corpus.

The request combines a metric and a param filter, orders by a metric and asks
for 100 rows — the shape of a typical UI/leaderboard query. Latency is
time-to-last-byte measured sequentially on one connection after a few
unmeasured warm-up calls; JSON decoding happens outside the timed window so
the (identical) client cost does not dilute the ratio.
"""

from __future__ import annotations

from . import dataset
from .http_client import RestClient
from .stats import latency_summary

WARMUP_CALLS = 3


def hit_names(answer: dict) -> list[str]:
    """Run names of a ``runs/search`` answer, in the server's order."""
    return [run["info"].get("run_name", "") for run in answer.get("runs", [])]


def measure_search(url: str, experiment_id: str, repeats: int, expected: list[str]) -> dict:
    """Repeat the search; return latency percentiles and the hits it produced."""
    client = RestClient(url)
    payload = dataset.search_payload(experiment_id)
    try:
        for _ in range(WARMUP_CALLS):
            client.post_raw("runs/search", payload)
        answers = [client.post_raw("runs/search", payload) for _ in range(repeats)]
    finally:
        client.close()
    hits = hit_names(answers[0].json())
    stable = all(hit_names(a.json()) == hits for a in answers[1:])
    return {
        "latency": latency_summary([a.elapsed for a in answers]),
        "response_bytes": len(answers[0].body),
        "hits": hits,
        "hit_count": len(hits),
        "matches_expected": hits == expected,
        "stable_across_repeats": stable,
    }
