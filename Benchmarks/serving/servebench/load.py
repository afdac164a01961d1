"""Driving one target: warm-up, then one wrk measurement per client count, with memory and CPU.

Targets are measured one after the other, never at the same time. While one
is measured the others are idle (they stay up, so that all of them were
checked against each other before any load).
"""

from __future__ import annotations

import time
from pathlib import Path

from .config import Config
from .log import say
from .memory import PeakRssSampler, tree_cpu_seconds, tree_rss_mb
from .targets import Target
from .wrk import LoadSpec, WrkError, run_load


def _spec(target: Target, config: Config, clients: int, seconds: float) -> LoadSpec:
    return LoadSpec(target.invocations_url, clients, seconds, config.wrk_threads, config.wrk_timeout_seconds)


def measure_level(target: Target, config: Config, wrk_bin: str, script: Path, clients: int) -> dict:
    """One timed wrk run at ``clients`` connections, plus the server tree's peak RSS and CPU share."""
    spec = _spec(target, config, clients, config.duration_seconds)
    cpu_before, started = tree_cpu_seconds(target.root_pid), time.monotonic()
    with PeakRssSampler(target.root_pid, config.memory_interval) as sampler:
        result, raw, client_cpu = run_load(wrk_bin, script, spec)
    elapsed = time.monotonic() - started
    return {"clients": clients, **result.as_dict(), "wrk_command": " ".join(spec.argv(wrk_bin, script)),
            "server_cpu_cores": (tree_cpu_seconds(target.root_pid) - cpu_before) / elapsed,
            "client_cpu_cores": client_cpu / elapsed, "peak_rss_mb": sampler.peak_mb, "wrk_report": raw}


def measure_target(target: Target, config: Config, wrk_bin: str, script: Path) -> dict:
    """Warm up, then measure every level of ``config``; a wrk failure marks the target failed."""
    result: dict = {"idle_rss_mb": tree_rss_mb(target.root_pid), "levels": {}}
    try:
        say(target.label, f"warm-up: {config.throughput_clients} clients for {config.warmup_seconds:g} s")
        run_load(wrk_bin, script, _spec(target, config, config.throughput_clients, config.warmup_seconds))
        for level, clients in config.levels():
            time.sleep(config.pause_seconds)
            measured = measure_level(target, config, wrk_bin, script, clients)
            result["levels"][level] = measured
            failed = f", {measured['failed']} FAILED" if measured["failed"] else ""
            say(target.label, f"{clients:3d} clients: {measured['requests_per_s']:,.0f} req/s, "
                              f"p50 {measured['p50_ms']:.2f} ms, p99 {measured['p99_ms']:.2f} ms{failed}")
    except WrkError as error:
        target.mark("failed", f"load generation failed: {error}")
    result["peak_rss_mb"] = max([level["peak_rss_mb"] for level in result["levels"].values()]
                                + [result["idle_rss_mb"]])
    return result
