"""Two Keel builds on the same machine, minutes apart: did a change make Keel faster or slower?

This machine's speed varies by a third from one day to the next, so a figure measured today
cannot be compared with one from yesterday. This runs the same small workloads against build A
and build B, alternating for ``--rounds`` rounds, and prints each round and the medians:

- tracking ingest: 8 writers, each logging whole runs (create, log-batch, 5 log-metric, update)
  for ``--seconds``, as ``Benchmarks/tracking`` does;
- trace ingest: ``--traces`` traces of 20 spans, OTLP export + StartTraceV3, 4 writers, as
  ``Benchmarks/genai`` does;
- reads: one metric history of 5,000 points, and a filtered, metric-ordered search of 200 runs.

    swift build -c release --product keel && cp .build/release/keel /tmp/keel-before
    # ... change something, build again ...
    .venv/bin/python Benchmarks/compare_builds.py /tmp/keel-before .build/release/keel

No MLflow is involved: the ratios against the peer come from the per-area benchmarks.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "tracking"), str(HERE / "genai")]

from keelbench import ingest, native_driver  # noqa: E402
from keelbench.errors import ErrorLog  # noqa: E402
from keelbench.http_client import RestClient  # noqa: E402
from keelbench.servers import start_keel  # noqa: E402
from tracebench import drive, workload  # noqa: E402


def tracking_ingest(url: str, seconds: float, driver: Path | None) -> float:
    """Runs/s with 8 writers, sent by ``keel-load-driver`` when there is one (as the tracking benchmark does)."""
    experiment_id = ingest.create_experiment(RestClient(url), "compare")
    result = ingest.run_ingest(url, experiment_id, ingest.IngestPlan(writers=8, seconds=seconds, runs_per_writer=None,
                                                                     driver=driver), ErrorLog())
    return result["runs"] / result["seconds"]


def trace_ingest(url: str, traces: int) -> float | None:
    """Traces/s with 4 writers, or None for a build from before trace ingest existed."""
    experiment_id = RestClient(url).post("experiments/create", {"name": "compare-traces"})["experiment_id"]
    bodies = [workload.build("compare", index, 20, experiment_id) for index in range(traces)]
    result = drive.ingest(url, bodies, experiment_id, 4)
    if any("ENDPOINT_NOT_FOUND" in failure for failure in result["failures"]):
        return None
    if result["failures"]:
        raise RuntimeError(f"trace ingest failed: {result['failures']}")
    return result["traces_per_s"]


def reads(url: str) -> tuple[float, float]:
    """p50 ms of a 5,000-point history read and of a 200-run search."""
    client = RestClient(url)
    rng = random.Random(7)
    experiment_id = client.post("experiments/create", {"name": "compare-reads"})["experiment_id"]
    run_id = client.post("runs/create", {"experiment_id": experiment_id, "start_time": 1})["run"]["info"]["run_id"]
    for chunk in range(5):
        client.post("runs/log-batch", {"run_id": run_id, "metrics": [
            {"key": "loss", "value": rng.random(), "timestamp": 1, "step": chunk * 1000 + step} for step in range(1000)]})
    for index in range(200):
        other = client.post("runs/create", {"experiment_id": experiment_id, "start_time": 1000 + index})["run"]["info"]["run_id"]
        client.post("runs/log-batch", {"run_id": other,
                                       "metrics": [{"key": "acc", "value": rng.random(), "timestamp": 1, "step": 0}],
                                       "params": [{"key": "model", "value": rng.choice(["a", "b"])}]})
    search = {"experiment_ids": [experiment_id], "filter": "metrics.acc > 0.3 and params.model = 'a'",
              "order_by": ["metrics.acc DESC"], "max_results": 100}

    def p50(call) -> float:
        timings = []
        for attempt in range(45):
            started = time.perf_counter()
            call()
            if attempt >= 5:
                timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    return (p50(lambda: client.get_raw("metrics/get-history", {"run_id": run_id, "metric_key": "loss"}).json()),
            p50(lambda: client.post("runs/search", search)))


def measure(binary: str, args) -> dict:
    server = start_keel(binary, settle=3)
    try:
        history, search = reads(server.url)
        return {"runs_per_s": tracking_ingest(server.url, args.seconds, args.driver), "traces_per_s": trace_ingest(server.url, args.traces),
                "history_ms": history, "search_ms": search}
    finally:
        server.stop()


def _median(rounds: list[dict], key: str) -> float | None:
    values = [r[key] for r in rounds if r[key] is not None]
    return statistics.median(values) if values else None


def _shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_a", help="the keel binary before the change")
    parser.add_argument("build_b", help="the keel binary after the change")
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds, alternating (default 3)")
    parser.add_argument("--seconds", type=float, default=15, help="tracking ingest time per round (default 15)")
    parser.add_argument("--traces", type=int, default=3000, help="traces per round (default 3000)")
    parser.add_argument("--json", help="write every round here")
    args = parser.parse_args()
    # One client for both builds: the driver beside build B, else beside build A, else Python.
    args.driver = native_driver.find_driver(args.build_b) or native_driver.find_driver(args.build_a)
    print(f"tracking ingest client: {args.driver or 'Python (no keel-load-driver beside the builds)'}", flush=True)
    rounds: dict[str, list[dict]] = {"A": [], "B": []}
    for number in range(1, args.rounds + 1):
        for label, binary in (("A", args.build_a), ("B", args.build_b)):
            figures = measure(binary, args)
            rounds[label].append(figures)
            print(f"round {number} {label}: {figures['runs_per_s']:.1f} runs/s, {_shown(figures['traces_per_s'])} traces/s, "
                  f"history {figures['history_ms']:.2f} ms, search {figures['search_ms']:.2f} ms", flush=True)
    print("\n| Median of the rounds | A | B | B ÷ A |\n| --- | ---: | ---: | ---: |")
    for key, name in (("runs_per_s", "Tracking ingest, runs/s"), ("traces_per_s", "Trace ingest, traces/s"),
                      ("history_ms", "History read p50, ms"), ("search_ms", "Run search p50, ms")):
        a, b = _median(rounds["A"], key), _median(rounds["B"], key)
        ratio = f"{b / a:.2f}" if a and b else "—"
        print(f"| {name} | {_shown(a)} | {_shown(b)} | {ratio} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rounds, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
