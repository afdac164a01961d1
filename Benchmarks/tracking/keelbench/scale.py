"""Phase 5 (Keel only, ``--scale``) — does search stay flat as an experiment grows?

The same search as phase 2 is timed in one experiment holding 1,000 runs and
again after growing it to 100,000 runs; the goal is a p50 ratio of at most 3×
(i.e. search must not scan every run). Runs are ingested as fast as possible
with concurrent runs/create + log-batch pairs; each run logs its metrics at a
single step to keep the 100k-run ingest short. The hits are checked against
the locally computed answer at both sizes.
"""

from __future__ import annotations

from . import corpus
from .config import Config
from .errors import ErrorLog
from .http_client import RequestFailed, RestClient
from .ingest import create_experiment
from .log import say
from .memory import TreeMemorySampler
from .search import measure_search
from .servers import Server

NAMESPACE = "scale"
STEPS = 1


def _grow_and_search(server: Server, experiment_id: str, have: int, want: int, config: Config,
                     errors: ErrorLog) -> tuple[dict, dict | None]:
    say(server.label, f"scale: growing experiment to {want:,} runs")
    seeded = corpus.seed_runs(server.url, experiment_id, NAMESPACE, range(have, want), STEPS, config.writers,
                              errors, f"scale-{want}", finish=False, label=server.label)
    say(server.label, f"scale: {seeded['runs']:,} runs at {seeded['runs_per_s']:.0f} runs/s")
    expected = corpus.expected_for(NAMESPACE, want, STEPS)
    try:
        search = measure_search(server.url, experiment_id, config.scale_search_repeats, expected)
    except RequestFailed as failure:
        errors.record(f"scale-search-{want}", failure)
        search = None
    return seeded, search


def run_scale(server: Server, config: Config, token: str) -> dict:
    """Search p50 at ``scale_base_runs`` vs ``scale_runs`` runs in one experiment."""
    errors = ErrorLog()
    admin = RestClient(server.url)
    try:
        experiment_id = create_experiment(admin, f"bench-scale-{token}")
    finally:
        admin.close()
    small, large = config.scale_base_runs, config.scale_runs
    sampler = TreeMemorySampler(server.pid, config.memory_interval)
    with sampler:
        seed_small, search_small = _grow_and_search(server, experiment_id, 0, small, config, errors)
        seed_large, search_large = _grow_and_search(server, experiment_id, small, large, config, errors)
    ratio = None
    if search_small and search_large:
        ratio = search_large["latency"]["p50_ms"] / search_small["latency"]["p50_ms"]
    return {"base_runs": small, "large_runs": large, "seed_base": seed_small, "seed_large": seed_large,
            "search_base": search_small, "search_large": search_large, "p50_ratio": ratio,
            "memory": sampler.as_dict(), "errors": errors.as_dict()}
