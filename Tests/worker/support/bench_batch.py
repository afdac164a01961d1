"""Micro-benchmark: per-item cost of ``InvocationsScorer.score_batch``.

Why in-process and not through a worker socket: the question is how much CPU
the worker spends per /invocations body, without framing, socket and gateway
noise. The workload is the one seen under load: many one-row
``dataframe_split`` requests against an sklearn LogisticRegression on iris
(with a signature). Modes:

* ``single``  — every item alone through mlflow's ``invocations`` (what
  ``mlflow models serve`` does per request);
* ``generic`` — the batch path without the JSON fast path (parse every item
  into its own DataFrame, concat, predict once);
* ``fast``    — the default batch path.

Every mode's answers are checked byte for byte against ``single`` first.

    MLFLOW_DISABLE_TELEMETRY=true .venv/bin/python Tests/worker/support/bench_batch.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORKER_TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(WORKER_TESTS.parents[1] / "python"), str(WORKER_TESTS)]
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from support import models  # noqa: E402


def make_items(count: int, style: str, seed: int = 0):
    """`count` one-row bodies drawn from iris; `style` split|records|js (ints for x.0)."""
    from keel_worker.scoring import Item

    X, _ = models.iris_frame()
    rows = X.to_numpy().tolist()
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        row = rng.choice(rows)
        if style == "js":  # JSON.stringify(3.0) == "3"
            row = [int(v) if v == int(v) else v for v in row]
        if style == "records":
            payload = {"dataframe_records": [dict(zip(models.IRIS_COLUMNS, row))]}
        else:
            payload = {"dataframe_split": {"columns": models.IRIS_COLUMNS, "data": [row]}}
        items.append(Item("application/json", json.dumps(payload).encode()))
    return items


def load_scorers(model_path: str) -> dict:
    """mode -> callable(items) -> list[ItemResult]."""
    import inspect

    import mlflow

    from keel_worker.scoring import InvocationsScorer

    model = mlflow.pyfunc.load_model(model_path)
    os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "true"  # as the worker does
    default = InvocationsScorer(model)
    modes = {"single": lambda items: [default.score_one(i) for i in items]}
    if "fast_path" in inspect.signature(InvocationsScorer).parameters:
        generic = InvocationsScorer(model, fast_path=False)
        modes["generic"] = generic.score_batch
    modes["fast"] = default.score_batch
    return modes


def per_item_ms(score, items, min_seconds: float) -> float:
    """Median over repeated runs of batch time / batch size, in ms."""
    score(items)  # warm up
    samples, deadline = [], time.perf_counter() + min_seconds
    while time.perf_counter() < deadline or len(samples) < 5:
        start = time.perf_counter()
        score(items)
        samples.append((time.perf_counter() - start) / len(items))
    return statistics.median(samples) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,8,64")
    parser.add_argument("--style", choices=["split", "records", "js"], default="split")
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    parser.add_argument("--model", help="saved model dir (default: train iris LR in a temp dir)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.model or models.save_sklearn(os.path.join(tmp, "iris_lr"))
        modes = load_scorers(path)
        sizes = [int(s) for s in args.sizes.split(",")]
        print(f"style={args.style}; per-item cost in ms (median)")
        print(f"{'batch':>6}" + "".join(f"{m:>10}" for m in modes))
        for size in sizes:
            items = make_items(size, args.style)
            expected = [(r.status, r.body) for r in modes["single"](items)]
            cells = []
            for name, score in modes.items():
                got = [(r.status, r.body) for r in score(items)]
                assert got == expected, f"{name} differs from single at batch {size}"
                cells.append(per_item_ms(score, items, args.seconds))
            print(f"{size:>6}" + "".join(f"{c:>10.3f}" for c in cells))


if __name__ == "__main__":
    main()
