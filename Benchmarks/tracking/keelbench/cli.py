"""Command line: start (or attach to) both servers, run the workload, report.

Servers run one after the other, never at the same time, so neither steals CPU
from the other; each is stopped (and its temp dir removed) before the next one
starts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from . import config as config_module
from . import native_driver, report
from .log import say
from .scale import run_scale
from .servers import Server, ServerError, attach, start_keel, start_mlflow
from .workload import new_token, run_workload

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_KEEL_BIN = REPO_ROOT / ".build" / "debug" / "keel"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="run_benchmark.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--keel-bin", default=str(DEFAULT_KEEL_BIN), help="keel executable (debug or release build)")
    p.add_argument("--keel-url", help="use an already running server as 'keel' instead of starting --keel-bin")
    p.add_argument("--keel-pid", type=int, help="PID of the --keel-url server, to measure its memory")
    p.add_argument("--mlflow-bin", help="mlflow executable (default: the one next to this Python)")
    p.add_argument("--mlflow-url", help="use an already running server as 'mlflow'")
    p.add_argument("--mlflow-pid", type=int, help="PID of the --mlflow-url server, to measure its memory")
    p.add_argument("--quick", action="store_true", help="smoke-sized workload (< 1 minute in total)")
    p.add_argument("--scale", action="store_true", help="also run the Keel-only 1k -> 100k search scaling check")
    p.add_argument("--scale-only", action="store_true", help="run only the scaling check (implies --scale)")
    p.add_argument("--json", type=Path, metavar="PATH", help="write machine-readable results here")
    p.add_argument("--check", action="store_true", help="exit with status 1 if any goal fails")
    p.add_argument("--keep-data", action="store_true", help="keep the servers' temp data dirs")
    p.add_argument("--load-driver", type=Path, metavar="PATH",
                   help="keel-load-driver that sends the floor and ingest requests (default: the one beside --keel-bin, "
                        "or $KEEL_LOAD_DRIVER; build it with `swift build -c release --product keel-load-driver`)")
    p.add_argument("--python-client", action="store_true",
                   help="send the floor and ingest requests from Python even when keel-load-driver is built")
    sizes = p.add_argument_group("workload sizes (override the preset)")
    sizes.add_argument("--writers", type=int)
    sizes.add_argument("--ingest-seconds", type=float, help="ingest duration per server")
    sizes.add_argument("--ingest-runs", type=int, dest="ingest_runs_per_writer", metavar="N",
                       help="fixed number of runs per writer instead of a duration")
    sizes.add_argument("--corpus-runs", type=int)
    sizes.add_argument("--search-repeats", type=int)
    sizes.add_argument("--history-points", type=int)
    sizes.add_argument("--history-repeats", type=int)
    sizes.add_argument("--registry-models", type=int, metavar="N",
                       help="registered models in the registry phase (default 1000, 200 with --quick)")
    sizes.add_argument("--registry-repeats", type=int, help="timed calls per registry search")
    sizes.add_argument("--skip-registry", action="store_true", help="leave out the registry phase")
    sizes.add_argument("--scale-base-runs", type=int)
    sizes.add_argument("--scale-runs", type=int)
    return p.parse_args(argv)


def _config(args: argparse.Namespace) -> config_module.Config:
    names = ["writers", "ingest_seconds", "ingest_runs_per_writer", "corpus_runs", "search_repeats",
             "history_points", "history_repeats", "registry_models", "registry_repeats",
             "scale_base_runs", "scale_runs"]
    overrides = {n: getattr(args, n) for n in names}
    if args.skip_registry:
        overrides["registry_models"] = 0
    if not args.python_client:
        driver = args.load_driver or native_driver.find_driver(args.keel_bin)
        if driver is None:
            say("bench", f"warning: no {native_driver.DRIVER_NAME} beside {args.keel_bin}: the floor and ingest use the "
                         "Python client, which takes CPU from the servers it shares the cores with")
        overrides["load_driver"] = str(driver) if driver else None
    return config_module.build(args.quick, **overrides)


def _open_keel(args, settle: float) -> Server:
    if args.keel_url:
        return attach("keel", args.keel_url, args.keel_pid, settle)
    return start_keel(args.keel_bin, settle)


def _open_mlflow(args, settle: float) -> Server:
    if args.mlflow_url:
        return attach("mlflow", args.mlflow_url, args.mlflow_pid, settle)
    return start_mlflow(args.mlflow_bin, settle)


def _with_server(opener, args, settle: float, action):
    """Start/attach, run ``action(server)``, always stop what we started."""
    say("bench", "starting/attaching server")
    server = opener(args, settle)
    say(server.label, f"ready at {server.url} (version {server.version}, pid {server.pid})")
    if server.settled is False:
        say(server.label, f"warning: still busy after {settle:g} s of settling; its figures include start-up work")
    try:
        return action(server)
    finally:
        server.stop(keep_data=args.keep_data)


def _environment(args: argparse.Namespace) -> dict:
    """What a reader needs to judge the figures: machine size, load, and which Keel build ran."""
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "loadavg_start": os.getloadavg(), "keel": args.keel_url or str(Path(args.keel_bin).resolve()),
            "mlflow": args.mlflow_url or "started by the benchmark"}


def _print_errors(results: dict) -> None:
    for label, result in results.items():
        errors = (result or {}).get("errors") or {}
        if not errors.get("total"):
            continue
        print(f"\n{label}: {errors['total']} failed request(s)")
        for key, count in errors["by_endpoint"].items():
            print(f"  {count:6d}  {key}")
        for example in errors["examples"]:
            print(f"  e.g. [{example['phase']}] {example['method']} {example['endpoint']} -> {example['status']}")
            print(f"       response: {example['response'][:300]}")
            print(f"       payload:  {example['payload_excerpt'][:300]}")


def _group_processes(processes: list[dict]) -> str:
    """'4 x python3 -m uvicorn (1,020 MB), ...' — makes a large tree RSS explainable at a glance."""
    groups: dict[str, list[float]] = {}
    for process in processes:
        groups.setdefault(" ".join(process["command"].split()[:3]), []).append(process["rss_mb"])
    ordered = sorted(groups.items(), key=lambda item: sum(item[1]), reverse=True)
    return "; ".join(f"{len(v)} x {k} ({sum(v):,.0f} MB)" for k, v in ordered)


def _print_context(keel: dict, mlflow: dict) -> None:
    for result in (keel, mlflow):
        ingest = result.get("ingest") or {}
        if ingest:
            share = ingest["client_cpu_seconds"] / ingest["seconds"]
            print(f"{result['label']}: {ingest['runs']} runs / {ingest['requests']} requests in "
                  f"{ingest['seconds']:.1f} s; client CPU {share:.0%} of one core; "
                  f"data dir {result.get('data_dir_mb') or 0:.1f} MB")
        processes = (result.get("memory") or {}).get("processes_at_end") or []
        if processes:
            print(f"{result['label']}: process tree at end: {_group_processes(processes)}")
    for result in (keel, mlflow):
        for line in report.registry_context(result):
            print(line)
    hits = (keel.get("search") or {}), (mlflow.get("search") or {})
    for label, search in zip(("keel", "mlflow"), hits):
        if search and not search["matches_expected"]:
            print(f"{label}: search hits differ from the locally computed answer: {search['hits'][:10]} ...")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = _config(args)
    token = new_token()
    output: dict = {"config": cfg.__dict__, "environment": _environment(args), "servers": {}}
    rows: list[report.Row] = []
    try:
        if not args.scale_only:
            keel = _with_server(_open_keel, args, cfg.settle_seconds, lambda s: run_workload(s, cfg, token))
            mlflow = _with_server(_open_mlflow, args, cfg.settle_seconds, lambda s: run_workload(s, cfg, token))
            output["servers"] = {"keel": keel, "mlflow": mlflow}
            rows += report.comparison_rows(keel, mlflow)
        if args.scale or args.scale_only:
            scale = _with_server(_open_keel, args, cfg.settle_seconds, lambda s: run_scale(s, cfg, token))
            output["scale"] = scale
            rows += report.scale_rows(scale)
    except ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    env = output["environment"]
    print(f"\n{env['cpus']} CPUs, load average at start {env['loadavg_start'][0]:.1f}; keel = {env['keel']}")
    print(f"floor and ingest client: {cfg.load_driver or 'Python (keelbench/loop_driver.py)'}")
    if "keel" in output["servers"]:
        _print_context(output["servers"]["keel"], output["servers"]["mlflow"])
        print()
    print(report.render_table(rows))
    _print_errors({**output["servers"], **({"scale": output["scale"]} if "scale" in output else {})})
    output["rows"] = report.rows_as_json(rows)
    output["all_goals_met"] = all(row.passed is not False for row in rows)
    if args.json:
        args.json.write_text(json.dumps(output, indent=2, default=str))
        print(f"\nJSON written to {args.json}")
    return 1 if args.check and not output["all_goals_met"] else 0
