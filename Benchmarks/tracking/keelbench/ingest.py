"""Phase 1 — concurrent ingest, the way a training fleet logs.

Each writer repeatedly performs one run's life cycle (8 requests):
``runs/create`` → one ``runs/log-batch`` (20 params, 5 tags, 2 metrics × 50
steps) → 5 ``runs/log-metric`` → ``runs/update`` FINISHED. Writers stop after
a fixed duration (fair to a slow server: both get the same wall time) or after
a fixed number of runs each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import dataset
from .errors import ErrorLog
from .http_client import RequestFailed, RestClient
from .workers import run_writers

LIVE_METRIC_CALLS = 5
# create, log-batch, the live log-metric calls, update
REQUESTS_PER_RUN = 3 + LIVE_METRIC_CALLS


@dataclass
class IngestPlan:
    writers: int
    seconds: float | None  # stop after this long ...
    runs_per_writer: int | None  # ... or after this many runs each
    steps: int = 50


def create_experiment(client: RestClient, name: str) -> str:
    return client.post("experiments/create", {"name": name})["experiment_id"]


TEMPLATE_POOL = 16  # distinct run contents cycled through by the writers


def log_one_run(client: RestClient, experiment_id: str, name: str, spec: dataset.RunSpec,
                batch: dataset.LogBatchTemplate) -> None:
    """The 8-request life cycle of one run."""
    create = dict(dataset.create_payload(experiment_id, spec), run_name=name)
    run_id = client.post("runs/create", create)["run"]["info"]["run_id"]
    client.post_bytes("runs/log-batch", batch.render(run_id))
    for step in range(LIVE_METRIC_CALLS):
        client.post_raw("runs/log-metric", {"run_id": run_id, "run_uuid": run_id, "key": "live",
                                            "value": step / LIVE_METRIC_CALLS,
                                            "timestamp": int(time.time() * 1000), "step": step})
    client.post_raw("runs/update", dataset.finish_payload(run_id, spec))


def run_ingest(url: str, experiment_id: str, plan: IngestPlan, errors: ErrorLog) -> dict:
    """Run the writers; return runs/s and requests/s (failed runs do not count)."""
    specs = [dataset.make_run("ingest", i, plan.steps) for i in range(TEMPLATE_POOL)]
    batches = [dataset.LogBatchTemplate(spec) for spec in specs]
    deadline = None if plan.seconds is None else time.perf_counter() + plan.seconds

    def writer(index: int, client: RestClient) -> int:
        done = 0
        while not errors.too_many():
            if deadline is not None and time.perf_counter() >= deadline:
                break
            if plan.runs_per_writer is not None and done >= plan.runs_per_writer:
                break
            slot = (index + done) % TEMPLATE_POOL
            try:
                log_one_run(client, experiment_id, f"ingest-w{index}-{done:06d}", specs[slot], batches[slot])
            except RequestFailed as failure:
                errors.record("ingest", failure)
            done += 1  # attempted; successful runs are counted below
        return done

    before = errors.total
    totals = run_writers(url, plan.writers, writer)
    failed_runs = errors.total - before
    completed = totals["units"] - failed_runs
    seconds = totals["seconds"]
    return {
        "writers": plan.writers,
        "seconds": seconds,
        "runs": completed,
        "failed_runs": failed_runs,
        "requests": totals["requests"],
        "runs_per_s": completed / seconds,
        "requests_per_s": totals["requests"] / seconds,
        "client_cpu_seconds": totals["client_cpu_seconds"],
    }
