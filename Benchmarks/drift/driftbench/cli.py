"""Command line: generate (or reuse) the workload, run both sides in turn, compare answers, report.

Exit status: 0 when the run completed with identical verdicts, 1 when the
verdicts differ (always) or, with ``--check``, when a goal was missed, 2 when
the benchmark could not run (no keel binary or Evidently Python, data
generation or a measured run failing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import config as config_module
from . import report
from .compare import Comparison, compare, planted_mismatches, render_columns, score_spread, unstable_runs
from .datasets import DataError, Workload, default_cache_dir, ensure_workload, warm_page_cache
from .log import say
from .measure import RunError
from .phases import READ_ONLY_COLUMN, keel_phases, keel_profile, perf_available, render_phases, render_profile
from .sides import run_evidently, run_keel
from .workload import COLUMNS, expectation

REPO_ROOT = Path(__file__).resolve().parents[3]
SIDES = ("keel", "evidently")
KEEL_KEYS = ["wall_s", "peak_rss_mb", "cpu_s"]
EVIDENTLY_KEYS = ["end_to_end_s", "compute_s", "read_s", "import_s", "extract_s", "process_s", "wall_s",
                  "peak_rss_mb", "cpu_s"]


def default_keel_bin() -> str | None:
    """The release build if there is one, else the debug build, else None."""
    for build in ("release", "debug"):
        candidate = REPO_ROOT / ".build" / build / "keel"
        if candidate.exists():
            return str(candidate)
    return None


def default_evidently_python() -> str:
    return str(REPO_ROOT / ".venv-evidently" / "bin" / "python")


def side_list(text: str) -> list[str]:
    """``keel,evidently`` -> the listed sides in canonical order; ArgumentTypeError on unknown names."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SIDES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown side(s) {unknown}; choose from {', '.join(SIDES)}")
    return [name for name in SIDES if name in names]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="run_benchmark.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="10,000 / 100,000 rows, 1 run per side (indicative figures)")
    p.add_argument("--json", type=Path, metavar="PATH", help="write machine-readable results here")
    p.add_argument("--check", action="store_true", help="exit with status 1 if a goal is missed")
    p.add_argument("--sides", type=side_list, default=list(SIDES),
                   help="comma-separated subset of keel,evidently (default: both; one side gives no ratios)")
    p.add_argument("--keel-bin", default=default_keel_bin(),
                   help="keel executable (default: .build/release/keel if built, else .build/debug/keel)")
    p.add_argument("--evidently-python", default=default_evidently_python(),
                   help="Python with evidently==0.7.23 and pandas<3; also generates the data "
                        "(default: .venv-evidently)")
    p.add_argument("--cache-dir", type=Path, default=default_cache_dir(),
                   help="where generated CSV files are kept between runs (default: %(default)s)")
    p.add_argument("--regenerate", action="store_true", help="write the CSV files again even if cached")
    p.add_argument("--keep-temp", action="store_true", help="keep the temp dir (every answer and stderr)")
    p.add_argument("--keel-phases", action="store_true",
                   help="also time Keel reading the files with a single column tested (read vs tests split)")
    p.add_argument("--keel-profile", action="store_true", help="also profile one Keel run with perf (Linux)")
    size = p.add_argument_group("workload (override the preset)")
    size.add_argument("--reference-rows", type=int, help="reference rows (default 100,000; quick 10,000)")
    size.add_argument("--current-rows", type=int, help="current rows (default 1,000,000; quick 100,000)")
    size.add_argument("--repeats", type=int, help="runs per side, median reported (default 3; quick 1)")
    size.add_argument("--seed", type=int, help="seed of the generated data")
    size.add_argument("--timeout", type=float, dest="timeout_seconds", help="seconds per measured run (default 3600)")
    return p.parse_args(argv)


def _config(args: argparse.Namespace) -> config_module.Config:
    names = ["reference_rows", "current_rows", "repeats", "seed", "timeout_seconds"]
    return config_module.build(args.quick, **{name: getattr(args, name) for name in names})


def _build_kind(keel_bin: str | None) -> str:
    """``release`` / ``debug`` from the binary's path (SwiftPM puts builds under .build/<config>/)."""
    return next((kind for kind in ("release", "debug") if keel_bin and f"/{kind}/" in keel_bin), "?")


def _keel_version(keel_bin: str | None) -> str | None:
    if not keel_bin:
        return None
    try:
        return subprocess.run([keel_bin, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None


def _environment(args: argparse.Namespace) -> dict:
    keel = str(Path(args.keel_bin).resolve()) if args.keel_bin else None
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "loadavg_start": os.getloadavg(),
            "keel_bin": keel, "keel_build": _build_kind(keel), "keel_version": _keel_version(keel),
            "evidently_python": args.evidently_python}


def _preflight(args: argparse.Namespace) -> str | None:
    """An error message if something needed is missing."""
    if "keel" in args.sides and not (args.keel_bin and Path(args.keel_bin).exists()):
        return f"keel binary not found ({args.keel_bin}); build it or pass --keel-bin"
    if not Path(args.evidently_python).exists():
        return (f"Evidently Python not found ({args.evidently_python}); it generates the data and runs Evidently. "
                f"Make it with: python3.11 -m venv .venv-evidently && "
                f'.venv-evidently/bin/pip install "evidently==0.7.23" "pandas<3" scipy numpy')
    if args.keel_profile and not perf_available():
        return "--keel-profile needs perf (Debian: apt-get install linux-perf)"
    return None


def _progress(label: str, result: dict) -> None:
    text = f"{result['wall_s']:.2f} s, peak RSS {result['peak_rss_mb']:,.0f} MB, CPU {result['cpu_s']:.1f} s"
    if "end_to_end_s" in result:
        text = (f"process {text}; read_csv {result['read_s']:.2f} s + Report.run {result['compute_s']:.2f} s "
                f"+ as_dict {result['extract_s']:.2f} s = {result['end_to_end_s']:.2f} s "
                f"(imports {result['import_s']:.1f} s)")
    say(label, text)


def measure_sides(args: argparse.Namespace, cfg: config_module.Config, workload: Workload,
                  workdir: Path) -> dict[str, list[dict]]:
    """Every run, interleaved (keel 1, evidently 1, keel 2, ...) so a change in machine load hits both sides."""
    runs: dict[str, list[dict]] = {side: [] for side in args.sides}
    for index in range(cfg.repeats):
        for side in args.sides:
            label = f"{side}-{index + 1}"
            say(label, "running")
            if side == "keel":
                result = run_keel(args.keel_bin, workload.reference, workload.current, workdir, label,
                                  cfg.timeout_seconds, cfg.memory_interval)
            else:
                result = run_evidently(args.evidently_python, workload.reference, workload.current, workdir, label,
                                       cfg.timeout_seconds, cfg.memory_interval)
            _progress(label, result)
            runs[side].append(result)
    return runs


def _compare(runs: dict[str, list[dict]]) -> tuple[Comparison | None, list[str], list[str]]:
    """The Keel/Evidently comparison of the first runs, stability problems, planted-drift notes."""
    planted = {column.name: column.drifted for column in COLUMNS}
    problems = [p for side, side_runs in runs.items() for p in unstable_runs(side, [r["answer"] for r in side_runs])]
    notes = []
    for side, side_runs in runs.items():
        notes += [f"{side}: {text}" for text in planted_mismatches(side_runs[0]["answer"], planted)]
    if len(runs) < 2:
        return None, problems, notes
    comparison = compare(runs["keel"][0]["answer"], runs["evidently"][0]["answer"], planted)
    comparison.problems += problems
    return comparison, comparison.problems, notes


def _print_context(output: dict, workload: Workload) -> None:
    env, cfg = output["environment"], output["config"]
    print(f"\n{env['cpus']} CPUs, load average at start {env['loadavg_start'][0]:.1f}; "
          f"keel {env['keel_version']} = {env['keel_bin']} ({env['keel_build']} build)")
    versions = output.get("evidently_versions")
    if versions:
        print("evidently " + ", ".join(f"{name} {version}" for name, version in versions.items()))
    expected = expectation()
    print(f"workload: {cfg['reference_rows']:,} reference vs {cfg['current_rows']:,} current rows, "
          f"{len(COLUMNS)} columns ({sum(c.kind == 'num' for c in COLUMNS)} numeric, "
          f"{sum(c.kind == 'cat' for c in COLUMNS)} categorical), drift planted in {len(expected.drifted_columns)}; "
          f"{workload.size_mb():,.0f} MB of CSV in {workload.directory}")
    print(f"runs per side: {cfg['repeats']}, medians reported")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = _config(args)
    if (error := _preflight(args)) is not None:
        print(f"error: {error}", file=sys.stderr)
        return 2
    output: dict = {"config": cfg.__dict__, "environment": _environment(args), "sides": args.sides}
    try:
        workload = ensure_workload(args.cache_dir, args.evidently_python, cfg.seed, cfg.reference_rows,
                                   cfg.current_rows, args.regenerate)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    output["workload"] = {"directory": str(workload.directory), "size_mb": workload.size_mb(),
                          "generated_in_s": workload.manifest.get("generated_in_s"),
                          "columns": workload.manifest.get("columns")}
    warm_page_cache([workload.reference, workload.current])
    workdir = Path(tempfile.mkdtemp(prefix="driftbench-"))
    try:
        runs = measure_sides(args, cfg, workload, workdir)
        extras = _extras(args, cfg, workload, workdir, runs)
    except RunError as error:
        print(f"\nerror: {error}\n(answers and stderr kept in {workdir})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted (answers and stderr kept in {workdir})", file=sys.stderr)
        return 130
    status = _report(args, output, runs, extras, workload)
    if args.json:
        args.json.write_text(json.dumps(output, indent=2, default=str))
        print(f"JSON written to {args.json}")
    if args.keep_temp or status == 1:
        print(f"answers and stderr of every run kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return status


def _extras(args, cfg, workload: Workload, workdir: Path, runs: dict[str, list[dict]]) -> dict:
    extras = {}
    keel_runs = runs.get("keel", [])
    if args.keel_phases and keel_runs:
        say("keel-phases", f"timing reads with only --columns {READ_ONLY_COLUMN} tested ({cfg.repeats} runs)")
        extras["keel_phases"] = keel_phases(
            args.keel_bin, workload.reference, workload.current, workdir, cfg.repeats, cfg.timeout_seconds,
            cfg.memory_interval, report.median([r["wall_s"] for r in keel_runs]),
            report.median([r["peak_rss_mb"] for r in keel_runs]))
    if args.keel_profile and "keel" in args.sides:
        say("keel-profile", "perf record -g of one full run")
        extras["keel_profile"] = keel_profile(args.keel_bin, workload.reference, workload.current, workdir)
    return extras


def _report(args, output: dict, runs: dict[str, list[dict]], extras: dict, workload: Workload) -> int:
    """Print everything, fill ``output``, return the exit status."""
    summaries = {side: report.summarise(side_runs, KEEL_KEYS if side == "keel" else EVIDENTLY_KEYS)
                 for side, side_runs in runs.items()}
    comparison, problems, notes = _compare(runs)
    if "evidently" in runs:
        output["evidently_versions"] = runs["evidently"][0]["versions"]
    rows = report.comparison_rows(summaries.get("evidently"), summaries.get("keel"),
                                  None if comparison is None else comparison.identical_verdicts)
    spreads = {side: score_spread([run["answer"] for run in side_runs]) for side, side_runs in runs.items()}
    output.update(runs=runs, summaries=summaries, rows=report.rows_as_json(rows), run_to_run_score_spread=spreads,
                  all_goals_met=report.all_goals_met(rows), problems=problems, planted_notes=notes,
                  comparison=comparison.as_dict() if comparison else None, **extras)

    _print_context(output, workload)
    if comparison is not None:
        print("\nper column (scores: Wasserstein normed / Jensen-Shannon distances; drift if >= threshold 0.1)\n")
        print(render_columns(comparison))
        for warning in comparison.warnings:
            print(f"warning: {warning}")
    if any(len(side_runs) > 1 for side_runs in runs.values()):
        print("\nrun-to-run score spread (largest relative; category shares are summed in per-process hash order): "
              + ", ".join(f"{side} {spread:.1e}" for side, spread in spreads.items()))
    if notes:
        print("\nnote: verdicts differing from the planted drift (a workload issue, not a disagreement):")
        print("\n".join(f"  {note}" for note in notes))
    if "keel_phases" in extras:
        print("\nKeel phases (medians):")
        print(render_phases(extras["keel_phases"]))
    if "keel_profile" in extras:
        print("\nKeel profile (perf, one full run; heaviest frames by inclusive time):")
        print(render_profile(extras["keel_profile"]))
    print("\nratios: Evidently / Keel, bigger = better for Keel (medians)\n")
    print(report.render_table(rows))
    print("\n" + report.goal_summary(rows))
    if problems:
        print("\nVERDICTS DIFFER -- Keel does not agree with Evidently:", file=sys.stderr)
        print("\n".join(f"  {problem}" for problem in problems), file=sys.stderr)
        return 1
    return 1 if args.check and not output["all_goals_met"] else 0
