"""Seeding a deterministic search corpus into one experiment.

The ingest phase gives each server a different number of runs (that is what it
measures), so search is run against a *separate* experiment that holds exactly
the same runs on both servers: ``make_run(namespace, i)`` for i in a range.
Runs are generated lazily inside the writers so the 100k-run scaling corpus
never sits in client memory.
"""

from __future__ import annotations

from . import dataset
from .errors import ErrorLog
from .http_client import RequestFailed, RestClient
from .log import Progress
from .workers import run_writers


def seed_runs(url: str, experiment_id: str, namespace: str, indices: range, steps: int, writers: int,
              errors: ErrorLog, phase: str, finish: bool = True, label: str = "") -> dict:
    """Create runs ``indices`` concurrently: runs/create + one log-batch (+ runs/update if ``finish``).

    Writer ``w`` takes every ``writers``-th index; the resulting run set does
    not depend on timing, only the server-side ids do.
    """

    progress = Progress(label or phase, len(indices), writers)

    def writer(offset: int, client: RestClient) -> int:
        done = 0
        for index in indices[offset::writers]:
            if errors.too_many():
                break
            spec = dataset.make_run(namespace, index, steps)
            try:
                run = client.post("runs/create", dataset.create_payload(experiment_id, spec))["run"]
                run_id = run["info"]["run_id"]
                client.post("runs/log-batch", dataset.log_batch_payload(run_id, spec))
                if finish:
                    client.post("runs/update", dataset.finish_payload(run_id, spec))
                done += 1
                progress.counts[offset] = done
            except RequestFailed as failure:
                errors.record(phase, failure)
        return done

    with progress:
        totals = run_writers(url, writers, writer)
    seconds = totals["seconds"]
    return {"runs": totals["units"], "seconds": seconds, "requests": totals["requests"],
            "runs_per_s": totals["units"] / seconds if seconds else 0.0}


def expected_for(namespace: str, count: int, steps: int) -> list[str]:
    """Expected search hits over runs 0..count-1 of ``namespace`` (regenerated, not stored)."""
    return dataset.expected_hits(dataset.make_run(namespace, i, steps) for i in range(count))
