"""Run search beyond single filters: default order, NULLs, several experiments."""

import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric

from support.rest import now_ms, unique_name


@pytest.fixture(scope="module")
def timeline(server):
    """Two experiments; runs with increasing start times; one run lacks the metric."""
    client = MlflowClient(tracking_uri=server.url)
    experiments = [client.create_experiment(unique_name("order")) for _ in range(2)]
    base = now_ms() - 100_000
    ids = {}
    for i, name in enumerate(["a", "b", "c", "d"]):
        run = client.create_run(experiments[i % 2], run_name=name, start_time=base + i * 1000)
        if name != "c":
            client.log_batch(run.info.run_id, metrics=[Metric("score", float(i), now_ms(), 0)])
        ids[name] = run.info.run_id
    return client, experiments, ids, base


def _names(timeline, runs):
    by_id = {v: k for k, v in timeline[2].items()}
    return [by_id[r.info.run_id] for r in runs]


def test_default_order_is_newest_first(timeline):
    client, experiments, _, _ = timeline
    assert _names(timeline, client.search_runs(experiments)) == ["d", "c", "b", "a"]


def test_search_spans_several_experiments(timeline):
    client, experiments, _, _ = timeline
    assert set(_names(timeline, client.search_runs(experiments, "metrics.score >= 0"))) == {"a", "b", "d"}
    assert set(_names(timeline, client.search_runs(experiments[:1]))) == {"a", "c"}


def test_runs_without_the_metric_sort_last_both_ways(timeline):
    client, experiments, _, _ = timeline
    assert _names(timeline, client.search_runs(experiments, order_by=["metrics.score DESC"])) == ["d", "b", "a", "c"]
    assert _names(timeline, client.search_runs(experiments, order_by=["metrics.score ASC"])) == ["a", "b", "d", "c"]


def test_order_by_attributes(timeline):
    client, experiments, _, _ = timeline
    assert _names(timeline, client.search_runs(experiments, order_by=["attributes.start_time ASC"])) == \
        ["a", "b", "c", "d"]
    assert _names(timeline, client.search_runs(experiments, order_by=["attributes.run_name DESC"])) == \
        ["d", "c", "b", "a"]


def test_start_time_filters(timeline):
    client, experiments, _, base = timeline
    found = client.search_runs(experiments, f"attributes.start_time >= {base + 2000}")
    assert set(_names(timeline, found)) == {"c", "d"}


def test_metric_equality_and_null_checks(timeline):
    client, experiments, _, _ = timeline
    assert _names(timeline, client.search_runs(experiments, "metrics.score = 1.0")) == ["b"]
    assert set(_names(timeline, client.search_runs(experiments, "tags.`mlflow.runName` IS NOT NULL"))) == \
        {"a", "b", "c", "d"}
    assert _names(timeline, client.search_runs(experiments, "tags.nothing IS NULL", order_by=["attributes.run_name"])) == \
        ["a", "b", "c", "d"]
