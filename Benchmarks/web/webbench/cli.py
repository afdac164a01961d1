"""The benchmark's command line: seed each server, start it, open every view, stop it, print ratios."""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from keelbench.http_client import RestClient

from .dataset import FILTER, ORDER_BY_ACCURACY, Dataset
from .measure import Settings, measure, verify_seeded
from .seed import EXPERIMENT_NAME, KEEL_INSERTS, MLFLOW_INSERTS, create_mlflow_experiment, fill
from .servers import launch_keel, launch_mlflow
from .views import PAGE_SIZE, KeelViews, MlflowViews

ROOT = Path(__file__).resolve().parents[3]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Keel's web pages vs the calls MLflow's UI makes, 100,000 runs, one run.")
    parser.add_argument("--keel-bin", default=str(ROOT / ".build" / "release" / "keel"), help="the keel binary (a release build)")
    parser.add_argument("--mlflow-bin", default=None, help="the mlflow executable (default: next to this Python)")
    parser.add_argument("--runs", type=int, default=100_000, help="runs in the experiment (default 100000)")
    parser.add_argument("--repeats", type=int, default=30, help="timed openings of each view (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed openings first (default 3)")
    parser.add_argument("--walks", type=int, default=5, help="timed walks over pages 1-20 (default 5)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one call may take before its view counts as timed out (default 60)")
    parser.add_argument("--budget", type=float, default=60, help="seconds of timed calls per view before a slow view stops repeating (default 60)")
    parser.add_argument("--keep-data", action="store_true", help="keep the seeded data directories")
    parser.add_argument("--quick", action="store_true", help="5,000 runs and few repeats: a smoke run, figures only indicative")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    args.mlflow_settle = 90
    if args.quick:
        args.runs, args.repeats, args.walks, args.mlflow_settle = 5_000, 5, 2, 20
    return args


def prepare_keel(args, dataset: Dataset) -> tuple:
    """Keel creates its schema and the experiment; stopped, it gets the runs; then it serves them."""
    data_dir = Path(tempfile.mkdtemp(prefix="webbench-keel-"))
    server = launch_keel(args.keel_bin, data_dir, settle=2)
    client = RestClient(server.url)
    try:
        client.post("experiments/create", {"name": EXPERIMENT_NAME})
    finally:
        client.close()
        server.stop(keep_data=True)
    experiment_id, counts = fill(data_dir / "data" / "keel.db", dataset, KEEL_INSERTS)
    return launch_keel(args.keel_bin, data_dir, settle=5), experiment_id, counts


def prepare_mlflow(args, dataset: Dataset) -> tuple:
    """MLflow's store creates its schema and the experiment; then the runs; then ``mlflow server`` serves them."""
    data_dir = Path(tempfile.mkdtemp(prefix="webbench-mlflow-"))
    create_mlflow_experiment(data_dir / "mlflow.db")
    experiment_id, counts = fill(data_dir / "mlflow.db", dataset, MLFLOW_INSERTS)
    return launch_mlflow(args.mlflow_bin, data_dir, settle=args.mlflow_settle), experiment_id, counts


def run_one(label: str, prepare, views_class, dataset: Dataset, settings: Settings, args) -> dict:
    print(f"[{label}] seeding {len(dataset.runs)} runs and starting the server", flush=True)
    started = time.perf_counter()
    server, experiment_id, counts = prepare(args, dataset)
    try:
        print(f"[{label}] {server.version} at {server.url}, rows {counts}, ready in {time.perf_counter() - started:.0f} s"
              + ("" if server.settled else " (WARNING: still busy after the settle wait)"), flush=True)
        verify_seeded(server.url, dataset, experiment_id)
        views = views_class(server.url, experiment_id, settings.timeout_s)
        try:
            results = measure(views, dataset, settings, lambda line: print(line, flush=True))
        finally:
            views.close()
    finally:
        server.stop(keep_data=args.keep_data)
    return {"version": server.version, "settled": server.settled, "rows": counts, "views": results}


def rows(settings: Settings) -> list[tuple[str, str, str]]:
    """(label, Keel result, MLflow result) for each line of the table."""
    offset = (settings.jump_page - 1) * PAGE_SIZE
    return [
        ("Runs table, page 1, newest first", "table_newest", "table_newest"),
        (f"Runs table, page 1, `{ORDER_BY_ACCURACY}`", "table_by_accuracy", "table_by_accuracy"),
        (f"Runs table, page 1, filter `{FILTER}`", "table_filtered", "table_filtered"),
        (f"Pages 1-{settings.walk_pages} following next links, per page", "walk", "walk"),
        (f"Page {settings.jump_page} (offset {offset:,}), newest first", "jump_newest", "jump_newest"),
        (f"Page {settings.jump_page}, `{ORDER_BY_ACCURACY}`", "jump_by_accuracy", "jump_by_accuracy"),
        ("Run page (3 metric histories)", "run_page", "run_page"),
        ("Compare 5 runs (MLflow: get-history per run and metric)", "compare", "compare"),
        ("Compare 5 runs (MLflow: sampled, one call per metric)", "compare", "compare_sampled"),
    ]


def report(results: dict, settings: Settings, runs: int) -> tuple[dict, bool]:
    keel, mlflow = results["keel"]["views"], results["mlflow"]["views"]
    print(f"\n{runs:,} runs; p50/p95 in ms; ratio = MLflow p50 / Keel p50 (> 1: Keel faster)\n")
    print("| View | Keel p50 | Keel p95 | MLflow p50 | MLflow p95 | Ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    ratios = {}
    for label, keel_key, mlflow_key in rows(settings):
        k, m = keel[keel_key], mlflow[mlflow_key]
        ratio = _ratio(k, m, settings)
        if ratio is not None:
            ratios[mlflow_key] = ratio
        print(f"| {label} | {_cells(k, settings)} | {_cells(m, settings)} | {_ratio_text(k, m, ratio)} |")
    print()
    for label, views in (("Keel", keel), ("MLflow", mlflow)):
        walk, jump = views["walk"], views["jump_newest"]
        if "p50_ms" in walk and "p50_ms" in jump:
            print(f"{label}: page 1 p50 {walk['first_page_p50_ms']:.1f} ms, page {settings.walk_pages} p50 "
                  f"{walk['last_page_p50_ms']:.1f} ms ({walk['last_page_p50_ms'] / walk['first_page_p50_ms']:.2f}x), "
                  f"page {settings.jump_page} p50 {jump['p50_ms']:.1f} ms")
    wrong = [f"{label}:{key}" for label, views in (("keel", keel), ("mlflow", mlflow))
             for key, result in views.items() if result.get("correct") is False]
    print(f"every page measured showed the expected runs on both servers: {not wrong}"
          + (f" (wrong: {', '.join(wrong)})" if wrong else ""))
    return ratios, not wrong


def _cells(result: dict, settings: Settings) -> str:
    if result.get("timed_out"):
        return f"> {settings.timeout_s * 1000:,.0f} (timed out) | —"
    if result.get("skipped"):
        return "not run | —"
    return f"{result['p50_ms']:.1f} | {result['p95_ms']:.1f}"


def _ratio(keel: dict, mlflow: dict, settings: Settings) -> float | None:
    """MLflow p50 / Keel p50; a lower bound when MLflow timed out; None when either was not timed."""
    if "p50_ms" not in keel:
        return None
    if mlflow.get("timed_out"):
        return settings.timeout_s * 1000 / keel["p50_ms"]
    return mlflow["p50_ms"] / keel["p50_ms"] if "p50_ms" in mlflow else None


def _ratio_text(keel: dict, mlflow: dict, ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"> {ratio:,.0f}x" if mlflow.get("timed_out") else f"{ratio:.1f}x"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings(warmup=args.warmup, repeats=args.repeats, walks=args.walks, walk_pages=20,
                        jump_page=args.runs * 9 // 1000, timeout_s=args.timeout, budget_s=args.budget)
    started = time.perf_counter()
    dataset = Dataset(args.runs)
    print(f"generated {args.runs} runs in {time.perf_counter() - started:.1f} s", flush=True)
    results = {
        "keel": run_one("keel", prepare_keel, KeelViews, dataset, settings, args),
        "mlflow": run_one("mlflow", prepare_mlflow, MlflowViews, dataset, settings, args),
    }
    ratios, correct = report(results, settings, args.runs)
    print(f"wall time {time.perf_counter() - started:.0f} s")
    if args.json:
        environment = {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.platform()}
        Path(args.json).write_text(json.dumps({"settings": asdict(settings), "runs": args.runs, "environment": environment,
                                               "results": results, "ratios": ratios}, indent=2))
    return 0 if correct else 1
