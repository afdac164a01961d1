"""The workload, identical on both servers: which views are opened, how often, and what they must show.

Every sample is the wall time of one view (``views.py``), after warm-up calls on the same
connections. Every answer is checked against the dataset: the run IDs of a table page, in
order, and the complete metric histories of a run or comparison.

A view may be too slow to sample: ``mlflow server`` on SQLite orders runs by a metric through
a nested loop over all runs, for every page (about half an hour a page at 100,000 runs). So
each call has a timeout, a slow view is sampled fewer times (``budget_s``), and the
metric-ordered views come last: after a timeout the server is still working on the abandoned
query, so the views left are reported as not run rather than timed on a busy server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from keelbench.http_client import RequestFailed, RestClient
from keelbench.stats import latency_summary, percentile

from .dataset import FILTER, ORDER_BY_ACCURACY, Dataset
from .views import PAGE_SIZE, offset_token

COMPARED_RUNS = 5
MIN_SAMPLES = 3


@dataclass(frozen=True)
class Settings:
    warmup: int
    repeats: int
    walks: int  # timed walks over `walk_pages` pages, after one warm-up walk
    walk_pages: int
    jump_page: int
    timeout_s: float  # one call; the view is then reported as timed out
    budget_s: float  # timed calls of one view stop past this total (after MIN_SAMPLES)


def verify_seeded(url: str, dataset: Dataset, experiment_id: str) -> None:
    """Checks through the REST API that the server serves the seeded experiment, whole.

    The newest five runs, the last three (so exactly ``len(dataset.runs)`` runs are listed),
    and one run's params and latest metrics must be the dataset's.
    """
    client = RestClient(url)
    try:
        search = {"experiment_ids": [experiment_id], "max_results": 5}
        first = client.post("runs/search", search)
        last = client.post("runs/search", dict(search, page_token=offset_token(len(dataset.runs) - 3)))
        run = dataset.runs[0]
        data = client.get_raw("runs/get", {"run_id": run.run_id}).json()["run"]["data"]
    finally:
        client.close()
    problems = []
    if [r["info"]["run_id"] for r in first.get("runs", [])] != dataset.by_start_time[:5]:
        problems.append("the newest 5 runs differ")
    if [r["info"]["run_id"] for r in last.get("runs", [])] != dataset.by_start_time[-3:] or last.get("next_page_token"):
        problems.append(f"the experiment does not end after {len(dataset.runs)} runs")
    if {p["key"]: p["value"] for p in data.get("params", [])} != run.params:
        problems.append(f"run {run.run_id} has other params")
    if {m["key"]: m["value"] for m in data.get("metrics", [])} != {"loss": run.loss[-1], "accuracy": run.accuracy[-1], "f1": run.f1}:
        problems.append(f"run {run.run_id} has other latest metrics")
    if problems:
        raise RuntimeError(f"seeded data not served as written at {url}: " + "; ".join(problems))


def measure(views, dataset: Dataset, settings: Settings, log: Callable[[str], None]) -> dict:
    """Opens every view on one server, in order; returns a result per view.

    A result is a latency summary with ``correct``, or ``{"timed_out": True}``, or
    ``{"skipped": True}`` for the views after a timeout.
    """
    results: dict[str, dict] = {}
    for key, open_view in _workload(views, dataset, settings):
        if any(result.get("timed_out") for result in results.values()):
            results[key] = {"skipped": True}
        else:
            try:
                results[key] = open_view()
            except RequestFailed as failure:
                if not isinstance(failure.__cause__, TimeoutError):
                    raise
                results[key] = {"timed_out": True}
        log(f"[{views.label}] {key}: {describe(results[key], settings)}")
    return results


def describe(result: dict, settings: Settings) -> str:
    if result.get("skipped"):
        return "not run (the server was still busy with a timed-out view)"
    if result.get("timed_out"):
        return f"timed out (no answer within {settings.timeout_s:.0f} s)"
    return f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms ({result['count']} samples), correct={result['correct']}"


def _workload(views, dataset: Dataset, settings: Settings) -> list[tuple[str, Callable[[], dict]]]:
    """(result key, how to open and check the view), in the order they are opened."""
    middle = dataset.runs[len(dataset.runs) // 2]
    compared = dataset.runs[::len(dataset.runs) // COMPARED_RUNS][:COMPARED_RUNS]
    compared_ids = [run.run_id for run in compared]

    def table(order: str | None, filter_text: str | None, page: int) -> Callable[[], dict]:
        def open_view() -> dict:
            offset = (page - 1) * PAGE_SIZE
            token = None
            if page > 1:  # the token following the "Next page" links would end with
                token = views.deep_token(order, filter_text, offset)
            seconds, body = _timed(lambda: views.runs_page(order, filter_text, token), settings)
            ids, _ = views.parse_table(body)
            return _summary(seconds, ids == dataset.expected(order, filter_text)[offset:offset + PAGE_SIZE])
        return open_view

    def run_page() -> dict:
        seconds, answer = _timed(lambda: views.run_page(middle.run_id), settings)
        return _summary(seconds, views.check_run_page(answer, middle))

    def compare(view: Callable[[list[str]], object]) -> Callable[[], dict]:
        def open_view() -> dict:
            seconds, answer = _timed(lambda: view(compared_ids), settings)
            return _summary(seconds, views.check_compare(answer, compared))
        return open_view

    workload = [
        ("table_newest", table(None, None, 1)),
        ("table_filtered", table(None, FILTER, 1)),
        ("walk", lambda: _walk(views, dataset, settings)),
        ("jump_newest", table(None, None, settings.jump_page)),
        ("run_page", run_page),
        ("compare", compare(views.compare)),
    ]
    if hasattr(views, "compare_sampled"):  # MLflow's charts may fetch sampled histories instead
        workload.append(("compare_sampled", compare(views.compare_sampled)))
    return workload + [
        ("table_by_accuracy", table(ORDER_BY_ACCURACY, None, 1)),
        ("jump_by_accuracy", table(ORDER_BY_ACCURACY, None, settings.jump_page)),
    ]


def _timed(call: Callable[[], object], settings: Settings) -> tuple[list[float], object]:
    """Wall times of ``call`` in seconds after the warm-up calls, and its last answer.

    Stops early once the timed calls add up to ``budget_s`` (keeping at least MIN_SAMPLES).
    """
    seconds, answer = [], None
    for attempt in range(settings.warmup + settings.repeats):
        started = time.perf_counter()
        answer = call()
        if attempt >= settings.warmup:
            seconds.append(time.perf_counter() - started)
            if len(seconds) >= MIN_SAMPLES and sum(seconds) > settings.budget_s:
                break
    return seconds, answer


def _walk(views, dataset: Dataset, settings: Settings) -> dict:
    """Follows the next-page token from page 1 over ``walk_pages`` pages, ``walks`` times.

    Reports the p50 of every page position, so page 20 can be set against page 1.
    """
    expected = dataset.expected(None, None)
    per_page: list[list[float]] = [[] for _ in range(settings.walk_pages)]
    correct = True
    for walk in range(1 + settings.walks):
        token = None
        for page in range(settings.walk_pages):
            started = time.perf_counter()
            body = views.runs_page(None, None, token)
            elapsed = time.perf_counter() - started
            ids, token = views.parse_table(body)
            correct = correct and ids == expected[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            if walk > 0:
                per_page[page].append(elapsed)
    result = _summary([sample for samples in per_page for sample in samples], correct)
    result["per_page_p50_ms"] = [percentile(samples, 50) * 1000 for samples in per_page]
    result["first_page_p50_ms"], result["last_page_p50_ms"] = result["per_page_p50_ms"][0], result["per_page_p50_ms"][-1]
    return result


def _summary(seconds: list[float], correct: bool) -> dict:
    return {**latency_summary(seconds), "correct": correct}
