"""The per-server workload: phases 1–3 under one memory sampler.

Exactly the same function runs against Keel and against MLflow; only the URL
and the PID to watch differ.
"""

from __future__ import annotations

import time

from . import corpus
from .config import Config
from .errors import ErrorLog
from .history import measure_history
from .http_client import RequestFailed, RestClient
from .ingest import IngestPlan, create_experiment, run_ingest
from .log import say
from .memory import TreeMemorySampler, tree_memory
from .search import measure_search
from .servers import Server

CORPUS_NAMESPACE = "corpus"


def run_workload(server: Server, config: Config, token: str) -> dict:
    """Ingest, search and history against ``server``; never raises on request failures."""
    errors = ErrorLog()
    result: dict = {"label": server.label, "url": server.url, "version": server.version}
    if server.pid is not None:
        result["idle_rss_mb"] = tree_memory(server.pid)[0] / 2**20
    admin = RestClient(server.url)
    sampler = TreeMemorySampler(server.pid, config.memory_interval)
    with sampler:
        try:
            warmup_exp = create_experiment(admin, f"bench-warmup-{token}-{server.label}")
            ingest_exp = create_experiment(admin, f"bench-ingest-{token}-{server.label}")
            corpus_exp = create_experiment(admin, f"bench-corpus-{token}-{server.label}")
            history_exp = create_experiment(admin, f"bench-history-{token}-{server.label}")
        except RequestFailed as failure:
            errors.record("setup", failure)
            result["errors"] = errors.as_dict()
            return result
        finally:
            admin.close()

        # One unmeasured run per writer first: servers that initialise lazily
        # (MLflow's workers import and compile on first use) are measured warm.
        say(server.label, "warm-up: 1 run per writer")
        run_ingest(server.url, warmup_exp, IngestPlan(config.writers, None, 1, config.metric_steps), errors)
        plan = IngestPlan(config.writers, config.ingest_seconds, config.ingest_runs_per_writer, config.metric_steps)
        say(server.label, f"ingest: {config.writers} writers, "
                     + (f"{plan.seconds:g} s" if plan.seconds else f"{plan.runs_per_writer} runs each"))
        result["ingest"] = run_ingest(server.url, ingest_exp, plan, errors)
        say(server.label, f"ingest: {result['ingest']['runs']} runs, {result['ingest']['runs_per_s']:.1f} runs/s")

        say(server.label, f"seeding search corpus: {config.corpus_runs} runs")
        result["corpus"] = corpus.seed_runs(server.url, corpus_exp, CORPUS_NAMESPACE, range(config.corpus_runs),
                                            config.metric_steps, config.writers, errors, "corpus")
        expected = corpus.expected_for(CORPUS_NAMESPACE, config.corpus_runs, config.metric_steps)
        result["search"] = _guarded(errors, "search", measure_search, server.url, corpus_exp,
                                    config.search_repeats, expected)
        say(server.label, f"search p50: {_p50(result['search'])}")

        say(server.label, f"history: logging {config.history_points} points, reading {config.history_repeats}x")
        result["history"] = _guarded(errors, "history", measure_history, server.url, history_exp,
                                     config.history_points, config.history_repeats)
        say(server.label, f"history p50: {_p50(result['history'])}")
    result["memory"] = sampler.as_dict()
    result["data_dir_mb"] = server.data_size_mb()
    result["errors"] = errors.as_dict()
    return result


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
