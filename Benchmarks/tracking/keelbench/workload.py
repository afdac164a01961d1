"""The per-server workload: phases 0–4 under one memory sampler.

Exactly the same function runs against Keel and against MLflow; only the URL
and the PID to watch differ.
"""

from __future__ import annotations

import time
from pathlib import Path

from . import corpus
from .config import Config
from .errors import ErrorLog
from .floor import measure_floor
from .history import measure_history
from .http_client import RequestFailed, RestClient
from .ingest import IngestPlan, create_experiment, run_ingest
from .log import say
from .memory import TreeMemorySampler, tree_cpu_seconds, tree_memory
from .registry import run_registry
from .search import measure_search
from .servers import Server

CORPUS_NAMESPACE = "corpus"


def run_workload(server: Server, config: Config, token: str) -> dict:
    """Ingest, search, history and registry against ``server``; never raises on request failures."""
    errors = ErrorLog()
    result: dict = {"label": server.label, "url": server.url, "version": server.version,
                    "settled_before_workload": server.settled}
    if server.pid is not None:
        result["idle_rss_mb"] = tree_memory(server.pid)[0] / 2**20
    sampler = TreeMemorySampler(server.pid, config.memory_interval)
    with sampler:
        experiments = _create_experiments(server, token, errors)
        if experiments is not None:
            result["floor"] = _floor_phase(server, config)
            result["ingest"] = _ingest_phase(server, config, experiments, errors)
            result["corpus"], result["search"] = _search_phase(server, config, experiments["corpus"], errors)
            result["history"] = _history_phase(server, config, experiments["history"], errors)
            if config.registry_models > 0:
                result["registry"] = _registry_phase(server, config, experiments["registry"], token, errors)
    result["memory"] = sampler.as_dict()
    result["data_dir_mb"] = server.data_size_mb()
    result["errors"] = errors.as_dict()
    return result


def _create_experiments(server: Server, token: str, errors: ErrorLog) -> dict[str, str] | None:
    """One experiment per phase; names carry the label so both roles may share one server."""
    admin = RestClient(server.url)
    try:
        return {phase: create_experiment(admin, f"bench-{phase}-{token}-{server.label}")
                for phase in ("warmup", "ingest", "corpus", "history", "registry")}
    except RequestFailed as failure:
        errors.record("setup", failure)
        return None
    finally:
        admin.close()


def _ingest_phase(server: Server, config: Config, experiments: dict[str, str], errors: ErrorLog) -> dict:
    # One unmeasured run per writer first: servers that initialise lazily
    # (MLflow's workers import and compile on first use) are measured warm.
    say(server.label, "warm-up: 1 run per writer")
    driver = Path(config.load_driver) if config.load_driver else None
    run_ingest(server.url, experiments["warmup"], IngestPlan(config.writers, None, 1, config.metric_steps, driver), errors)
    plan = IngestPlan(config.writers, config.ingest_seconds, config.ingest_runs_per_writer, config.metric_steps, driver)
    say(server.label, f"ingest: {config.writers} writers, "
                      + (f"{plan.seconds:g} s" if plan.seconds else f"{plan.runs_per_writer} runs each"))
    cpu_before = tree_cpu_seconds(server.pid) if server.pid else None
    ingest = run_ingest(server.url, experiments["ingest"], plan, errors)
    if cpu_before is not None and ingest["runs"]:
        # Server CPU per run is less sensitive to a busy machine than runs/s.
        ingest["server_cpu_ms_per_run"] = (tree_cpu_seconds(server.pid) - cpu_before) * 1000 / ingest["runs"]
    say(server.label, f"ingest: {ingest['runs']} runs, {ingest['runs_per_s']:.1f} runs/s")
    return ingest


def _floor_phase(server: Server, config: Config) -> dict | None:
    say(server.label, f"HTTP floor: {config.writers} writers, GET /health for {config.floor_seconds:g} s")
    try:
        floor = measure_floor(server.url, server.pid, config.writers, config.floor_seconds,
                              Path(config.load_driver) if config.load_driver else None)
    except (OSError, RequestFailed) as exc:
        say(server.label, f"HTTP floor: failed ({exc})")
        return None
    say(server.label, f"HTTP floor: {floor['requests_per_s']:,.0f} requests/s")
    return floor


def _search_phase(server: Server, config: Config, experiment_id: str, errors: ErrorLog) -> tuple[dict, dict | None]:
    say(server.label, f"seeding search corpus: {config.corpus_runs} runs")
    seeded = corpus.seed_runs(server.url, experiment_id, CORPUS_NAMESPACE, range(config.corpus_runs),
                              config.metric_steps, config.writers, errors, "corpus", label=server.label)
    expected = corpus.expected_for(CORPUS_NAMESPACE, config.corpus_runs, config.metric_steps)
    search = _guarded(errors, "search", measure_search, server.url, experiment_id, config.search_repeats, expected)
    say(server.label, f"search p50: {_p50(search)}")
    return seeded, search


def _history_phase(server: Server, config: Config, experiment_id: str, errors: ErrorLog) -> dict | None:
    say(server.label, f"history: logging {config.history_points} points, reading {config.history_repeats}x")
    history = _guarded(errors, "history", measure_history, server.url, experiment_id,
                       config.history_points, config.history_repeats)
    say(server.label, f"history p50: {_p50(history)}")
    return history


def _registry_phase(server: Server, config: Config, experiment_id: str, token: str, errors: ErrorLog) -> dict | None:
    # Fresh servers get the plain names (bench-model-0000); reused ones a per-run namespace.
    namespace = "" if server.started_here else f"{token}-{server.label}"
    registry = run_registry(server.url, experiment_id, config.registry_models, config.registry_repeats,
                            config.writers, errors, lambda message: say(server.label, message), namespace)
    searches = (registry or {}).get("searches") or {}
    say(server.label, "registry p50: " + (", ".join(f"{k} {_p50(v)}" for k, v in searches.items()) or "failed"))
    return registry


def _guarded(errors: ErrorLog, phase: str, measure, *args) -> dict | None:
    """Run a measurement; a rejected request becomes a recorded error, not a crash."""
    try:
        return measure(*args)
    except RequestFailed as failure:
        errors.record(phase, failure)
        return None


def _p50(phase: dict | None) -> str:
    return "failed" if phase is None else f"{phase['latency']['p50_ms']:.2f} ms"


def new_token() -> str:
    """Suffix for experiment names, so reruns against a long-lived server never collide."""
    return format(int(time.time() * 1000), "x")
