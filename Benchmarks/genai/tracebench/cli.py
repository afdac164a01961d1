"""The benchmark's command line: start each server in turn, drive it, stop it, print ratios."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from keelbench.servers import start_keel, start_mlflow

from . import drive, workload

GOALS = {"ingest": 20.0, "search": 10.0}
ROOT = Path(__file__).resolve().parents[3]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="GenAI traces: Keel vs mlflow server, same workload, one run.")
    parser.add_argument("--keel-bin", default=str(ROOT / ".build" / "debug" / "keel"), help="the keel binary (a release build for real figures)")
    parser.add_argument("--mlflow-bin", default=None, help="the mlflow executable (default: next to this Python)")
    parser.add_argument("--traces", type=int, default=10_000, help="traces sent over OTLP + StartTraceV3 (default 10000)")
    parser.add_argument("--spans", type=int, default=20, help="spans per trace (default 20)")
    parser.add_argument("--writers", type=int, default=4, help="writer threads (default 4)")
    parser.add_argument("--client-traces", type=int, default=200, help="traces logged through the mlflow client's own exporter")
    parser.add_argument("--search-repeats", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="tiny sizes for a smoke run (figures only indicative)")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.traces, args.client_traces, args.search_repeats = 300, 20, 10
    return args


def run_one(label: str, server, args) -> dict:
    connection = drive.Connection(server.url)
    created = json.loads(connection.post("/api/2.0/mlflow/experiments/create", json.dumps({"name": "bench"}).encode(),
                                         {"Content-Type": "application/json"}))
    connection.close()
    experiment_id = created["experiment_id"]
    print(f"[{label}] building {args.traces} traces of {args.spans} spans", flush=True)
    bodies = [workload.build("bench", index, args.spans, experiment_id) for index in range(args.traces)]
    print(f"[{label}] ingest: OTLP export + StartTraceV3 per trace, {args.writers} writers", flush=True)
    ingest = drive.ingest(server.url, bodies, experiment_id, args.writers)
    print(f"[{label}]   {ingest['traces_per_s']:.1f} traces/s ({ingest['seconds']:.1f} s)", flush=True)
    search = drive.search(server.url, experiment_id, args.search_repeats, 100)
    search["correct"] = search.pop("hits") == workload.expected_hits(args.traces, 100)
    print(f"[{label}] search p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms, correct={search['correct']}", flush=True)
    client = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("client_exporter.py")), server.url, "client-bench", str(args.client_traces), str(args.spans)],
        capture_output=True, text=True, timeout=3600,
    )
    exporter = {"error": client.stderr[-500:]} if client.returncode else json.loads(client.stdout.strip().splitlines()[-1])
    if "seconds" in exporter:
        exporter["traces_per_s"] = args.client_traces / exporter["seconds"]
        print(f"[{label}] mlflow client exporter: {exporter['traces_per_s']:.1f} traces/s", flush=True)
    return {"ingest": ingest, "search": search, "client_exporter": exporter}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = {}
    for label, opener in [("keel", lambda: start_keel(args.keel_bin, settle=5)), ("mlflow", lambda: start_mlflow(args.mlflow_bin, settle=30))]:
        server = opener()
        try:
            started = time.time()
            results[label] = run_one(label, server, args)
            results[label]["wall_s"] = time.time() - started
        finally:
            server.stop()
    keel, mlflow = results["keel"], results["mlflow"]
    ratios = {
        "ingest": keel["ingest"]["traces_per_s"] / mlflow["ingest"]["traces_per_s"],
        "search": mlflow["search"]["p50_ms"] / keel["search"]["p50_ms"],
    }
    if "traces_per_s" in keel["client_exporter"] and "traces_per_s" in mlflow["client_exporter"]:
        ratios["client_exporter"] = keel["client_exporter"]["traces_per_s"] / mlflow["client_exporter"]["traces_per_s"]
    print("\n| Workload | Keel | mlflow | Ratio | Goal |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| Ingest, OTLP + StartTraceV3 ({args.spans} spans/trace): traces/s | {keel['ingest']['traces_per_s']:.1f} | "
          f"{mlflow['ingest']['traces_per_s']:.1f} | {ratios['ingest']:.1f}x | >= {GOALS['ingest']:.0f}x |")
    print(f"| search_traces (filter + order, {args.traces} traces): p50 ms | {keel['search']['p50_ms']:.1f} | "
          f"{mlflow['search']['p50_ms']:.1f} | {ratios['search']:.1f}x | >= {GOALS['search']:.0f}x |")
    if "client_exporter" in ratios:
        print(f"| mlflow client exporter: traces/s | {keel['client_exporter']['traces_per_s']:.1f} | "
              f"{mlflow['client_exporter']['traces_per_s']:.1f} | {ratios['client_exporter']:.1f}x | (client-bound) |")
    correct = keel["search"]["correct"] and mlflow["search"]["correct"]
    print(f"search answers equal to the locally computed one on both servers: {correct}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "ratios": ratios}, indent=2))
    return 0 if correct and not keel["ingest"]["failures"] else 1
