"""Command line: register the model, start every target, check their predictions, load each, report.

Exit status: 0 when the run completed, 1 when a target answered wrongly (or,
with ``--check``, when a goal was missed), 2 when the benchmark could not run
(wrk missing, registry host or MLflow baseline not starting).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from . import config as config_module
from . import report
from .load import measure_target
from .log import say
from .model import RegisteredModel, register_model
from .predictions import check_all
from .processes import StartError
from .targets import (ALL_TARGETS, RegistryHost, Target, Tools, default_mlflow_bin, start_keel_deployment,
                      start_keel_serve, start_mlflow_serve, start_registry)
from .wrk import WrkError, find_wrk, write_post_script, wrk_version

REPO_ROOT = Path(__file__).resolve().parents[3]
MODEL_ALIAS = "champion"


def default_keel_bin() -> str | None:
    """The release build if there is one, else the debug build, else None."""
    for build in ("release", "debug"):
        candidate = REPO_ROOT / ".build" / build / "keel"
        if candidate.exists():
            return str(candidate)
    return None


def default_python() -> str:
    venv = REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def target_list(text: str) -> list[str]:
    """``mlflow,keel-deploy`` -> the listed targets in canonical order; ArgumentTypeError on unknown names."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ALL_TARGETS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown target(s) {unknown}; choose from {', '.join(ALL_TARGETS)}")
    return [name for name in ALL_TARGETS if name in names]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="run_benchmark.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--targets", type=target_list, default=list(ALL_TARGETS),
                   help=f"comma-separated subset of {','.join(ALL_TARGETS)} (default: all)")
    p.add_argument("--keel-bin", default=default_keel_bin(),
                   help="keel executable (default: .build/release/keel if built, else .build/debug/keel)")
    p.add_argument("--python", default=default_python(),
                   help="Python with mlflow + scikit-learn that trains and serves the model (default: .venv)")
    p.add_argument("--mlflow-bin", help="mlflow executable (default: the one next to --python)")
    p.add_argument("--wrk-bin", help="wrk executable (default: wrk on PATH)")
    p.add_argument("--registry", choices=["keel", "mlflow"],
                   help="server the model is registered on (default: keel server if a keel binary exists)")
    p.add_argument("--dataset", choices=["iris", "churn"], default="iris",
                   help="iris (4 columns) or a synthetic churn table (6 columns); one row per request")
    p.add_argument("--quick", action="store_true", help="3 s per measurement, 1 s warm-up (indicative figures)")
    p.add_argument("--json", type=Path, metavar="PATH", help="write machine-readable results here")
    p.add_argument("--check", action="store_true", help="exit with status 1 if any goal is missed")
    p.add_argument("--keep-temp", action="store_true", help="keep the temp dir (logs, data) even on success")
    load = p.add_argument_group("load (override the preset)")
    load.add_argument("--latency-clients", type=int, help="clients for the latency measurement (default 8)")
    load.add_argument("--throughput-clients", type=int, help="clients for the throughput measurement (default 64)")
    load.add_argument("--duration", type=float, dest="duration_seconds", help="seconds per measurement (default 10)")
    load.add_argument("--warmup", type=float, dest="warmup_seconds", help="warm-up seconds per target (default 3)")
    load.add_argument("--wrk-threads", type=int, help="wrk threads, capped at the client count (default 2)")
    load.add_argument("--wrk-timeout", type=float, dest="wrk_timeout_seconds",
                      help="seconds before wrk counts a request as timed out (default 30)")
    load.add_argument("--ready-timeout", type=float, dest="ready_timeout_seconds",
                      help="seconds to wait for each server to become ready (default 180)")
    load.add_argument("--mlflow-workers", type=int, help="uvicorn workers of mlflow models serve (default 1)")
    load.add_argument("--keel-workers", type=int, help="Python model workers of each Keel target (default 1)")
    return p.parse_args(argv)


def _config(args: argparse.Namespace) -> config_module.Config:
    names = ["latency_clients", "throughput_clients", "duration_seconds", "warmup_seconds", "wrk_threads",
             "wrk_timeout_seconds", "ready_timeout_seconds", "mlflow_workers", "keel_workers"]
    return config_module.build(args.quick, **{name: getattr(args, name) for name in names})


def _build_kind(keel_bin: str | None) -> str:
    """``release`` / ``debug`` from the binary's path (SwiftPM puts builds under .build/<config>/)."""
    return next((kind for kind in ("release", "debug") if keel_bin and f"/{kind}/" in keel_bin), "?")


def _environment(args: argparse.Namespace, wrk_bin: str, registry_kind: str) -> dict:
    """What a reader needs to judge the figures: machine size, load, which builds ran."""
    keel = str(Path(args.keel_bin).resolve()) if args.keel_bin else None
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "loadavg_start": os.getloadavg(),
            "keel_bin": keel, "keel_build": _build_kind(keel), "python": args.python,
            "wrk": wrk_version(wrk_bin), "registry": registry_kind}


def _start_targets(wanted: list[str], model: RegisteredModel, registry: RegistryHost, tools: Tools,
                   cfg: config_module.Config) -> list[Target]:
    starters = {
        "mlflow": lambda: start_mlflow_serve(model.registry_uri, registry, tools, cfg.mlflow_workers),
        "keel-serve": lambda: start_keel_serve(model.registry_uri, registry, tools, cfg.keel_workers),
        "keel-deploy": lambda: start_keel_deployment(f"{model.name}@{model.alias}", registry, tools, cfg.keel_workers),
    }
    targets = []
    for label in wanted:
        say(label, "starting")
        target = starters[label]()
        targets.append(target)
        say(label, f"ready: {target.invocations_url}" if target.ready else f"{target.status}: {target.reason}")
    return targets


def _check_predictions(targets: list[Target], model: RegisteredModel) -> dict[str, dict]:
    checks = check_all(targets, model)
    for target in targets:
        if target.label in checks:
            say(target.label, "predictions identical to the trained model" if checks[target.label]["identical"]
                else f"WRONG ANSWER: {target.reason}")
    return checks


def run(args: argparse.Namespace, cfg: config_module.Config, tools: Tools, registry_kind: str, wrk_bin: str) -> dict:
    """Everything that needs servers running; always stops what it started. Raises StartError on setup failure."""
    say("registry", f"starting {registry_kind} server")
    registry = start_registry(registry_kind, tools)
    targets: list[Target] = []
    try:
        name = f"bench-{args.dataset}"
        say("registry", f"ready at {registry.url}; training and registering {name}")
        model = register_model(tools.python, registry.url, name, MODEL_ALIAS, args.dataset)
        say("registry", f"{model.registry_uri} = version {model.version} (test accuracy {model.accuracy:.3f})")
        targets = _start_targets(args.targets, model, registry, tools, cfg)
        checks = _check_predictions(targets, model)
        script = write_post_script(tools.workdir, model.payload_bytes())
        results = {}
        for target in targets:
            measurement = measure_target(target, cfg, wrk_bin, script) if target.ready else {}
            results[target.label] = {**target.as_dict(), "predictions": checks.get(target.label), **measurement}
        model_info = {key: value for key, value in model.__dict__.items() if key != "check_payload"}
        return {"model": {**model_info, "uri": model.registry_uri}, "targets": results}
    finally:
        for target in targets:
            target.stop()
        registry.stop()


def _print_context(output: dict) -> None:
    env, model = output["environment"], output["model"]
    print(f"\n{env['cpus']} CPUs, load average at start {env['loadavg_start'][0]:.1f}; {env['wrk']}; "
          f"keel = {env['keel_bin']} ({env['keel_build']} build)")
    print(f"model {model['uri']} (version {model['version']}, {model['dataset']}, "
          f"mlflow {model['versions']['mlflow']}, scikit-learn {model['versions']['scikit-learn']}); "
          f"payload {json.dumps(model['payload'])}")
    for label, result in output["targets"].items():
        line = f"{label}: {result['title']}"
        if result["status"] != "ready":
            line += f" -- {result['status'].upper()}: {result['reason']}"
        elif result.get("levels"):
            top = list(result["levels"].values())[-1]
            line += (f"; idle RSS {result['idle_rss_mb']:,.0f} MB; wrk used {top['client_cpu_cores']:.2f} cores "
                     f"at {top['clients']} clients")
            line += f" ({result['note']})" if result.get("note") else ""
        print(line)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = _config(args)
    try:
        wrk_bin = find_wrk(args.wrk_bin)
    except WrkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    registry_kind = args.registry or ("keel" if args.keel_bin else "mlflow")
    if registry_kind == "keel" and not (args.keel_bin and Path(args.keel_bin).exists()):
        print(f"error: keel binary not found ({args.keel_bin}); build it, pass --keel-bin, "
              f"or use --registry mlflow --targets mlflow", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="servebench-"))
    tools = Tools(args.keel_bin, args.mlflow_bin or default_mlflow_bin(args.python), args.python, workdir,
                  cfg.ready_timeout_seconds)
    output: dict = {"config": cfg.__dict__, "environment": _environment(args, wrk_bin, registry_kind)}
    try:
        output.update(run(args, cfg, tools, registry_kind, wrk_bin))
    except StartError as error:
        print(f"\nerror: {error}\n(logs kept in {workdir})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted; every server was stopped (logs kept in {workdir})", file=sys.stderr)
        return 130
    rows = report.comparison_rows(output["targets"], cfg.levels())
    headline = report.headline_target(output["targets"])
    output.update(headline=headline, rows=report.rows_as_json(rows), all_goals_met=report.all_goals_met(rows))
    _print_report(output, rows, headline)
    if args.json:
        args.json.write_text(json.dumps(output, indent=2, default=str))
        print(f"JSON written to {args.json}")
    if args.keep_temp or any(r["status"] == "failed" for r in output["targets"].values()):
        print(f"logs and data kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return _exit_status(output, args.check)


def _print_report(output: dict, rows: list[report.Row], headline: str | None) -> None:
    _print_context(output)
    print("\nratios: bigger = better for Keel (throughput keel/mlflow; latency, memory mlflow/keel)\n")
    print(report.render_table(rows, list(output["targets"])))
    print("\n" + report.goal_summary(rows, headline))


def _exit_status(output: dict, check_goals: bool) -> int:
    """1 for a wrong answer (always) or a missed goal (with --check); 2 if the MLflow baseline failed."""
    targets = output["targets"].values()
    if any(result["predictions"] and not result["predictions"]["identical"] for result in targets):
        print("error: a target answered differently from the trained model (see above)", file=sys.stderr)
        return 1
    if output["targets"].get("mlflow", {}).get("status") == "failed":
        return 2
    return 1 if check_goals and not output["all_goals_met"] else 0
