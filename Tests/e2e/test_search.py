"""Run and experiment search: the filter language, ordering and paging."""

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType

from support.rest import assert_error, assert_ok, now_ms, unique_name

# name: (acc, val.loss, model, lr, env, status)
RUNS = {
    "r0": (0.50, 0.90, "linear", "0.1", "dev", "FINISHED"),
    "r1": (0.60, 0.70, "tree", "0.1", "prod", "FINISHED"),
    "r2": (0.70, 0.50, "Tree-big", "0.01", "prod", "FAILED"),
    "r3": (0.80, 0.30, "tree-small", "0.01", "dev", "FINISHED"),
    "r4": (0.90, 0.10, "forest", "0.001", "prod", "RUNNING"),
    "r5": (0.95, 0.05, "deleted", "0.1", "prod", "FINISHED"),
}


@pytest.fixture(scope="module")
def corpus(server):
    """One experiment holding RUNS; r5 is deleted."""
    client = MlflowClient(tracking_uri=server.url)
    experiment_id = client.create_experiment(unique_name("search"))
    ids = {}
    for name, (acc, val_loss, model, lr, env, status) in RUNS.items():
        run = client.create_run(experiment_id, run_name=name)
        client.log_batch(run.info.run_id,
                         metrics=[Metric("acc", acc, now_ms(), 0), Metric("val.loss", val_loss, now_ms(), 0)],
                         params=[Param("model", model), Param("lr", lr)],
                         tags=[RunTag("env", env), RunTag("my tag", name)])
        if status != "RUNNING":
            client.set_terminated(run.info.run_id, status)
        ids[name] = run.info.run_id
    client.delete_run(ids["r5"])
    return experiment_id, ids


def _names(corpus, client, filter_string="", **kwargs):
    experiment_id, ids = corpus
    by_id = {v: k for k, v in ids.items()}
    runs = client.search_runs([experiment_id], filter_string, **kwargs)
    return [by_id[r.info.run_id] for r in runs]


@pytest.mark.parametrize("filter_string,expected", [
    ("metrics.acc > 0.65", {"r2", "r3", "r4"}),
    ("metrics.acc >= 0.6 AND metrics.acc < 0.8", {"r1", "r2"}),
    ("metrics.acc != 0.5", {"r1", "r2", "r3", "r4"}),
    ("metrics.`val.loss` <= 0.3", {"r3", "r4"}),
    ("params.model = 'tree'", {"r1"}),
    ("params.model != 'tree'", {"r0", "r2", "r3", "r4"}),
    ("params.model LIKE 'tree%'", {"r1", "r3"}),
    ("params.model ILIKE 'tree%'", {"r1", "r2", "r3"}),
    ("params.lr = '0.1' AND tags.env = 'prod'", {"r1"}),
    ("tags.env = 'dev'", {"r0", "r3"}),
    ("tags.`my tag` = 'r4'", {"r4"}),
    ("tags.`mlflow.runName` = 'r2'", {"r2"}),
    ("attributes.status = 'FAILED'", {"r2"}),
    ("attributes.run_name = 'r3'", {"r3"}),
    ("attributes.run_name LIKE 'r%'", {"r0", "r1", "r2", "r3", "r4"}),
    ("params.missing = 'x'", set()),
    ("tags.env IS NULL", set()),
], ids=lambda v: v if isinstance(v, str) else None)
def test_filters(client, corpus, filter_string, expected):
    assert set(_names(corpus, client, filter_string)) == expected


def test_run_id_in_list(client, corpus):
    _, ids = corpus
    filter_string = f"attributes.run_id IN ('{ids['r0']}', '{ids['r4']}')"
    assert set(_names(corpus, client, filter_string)) == {"r0", "r4"}
    filter_string = f"attributes.run_id NOT IN ('{ids['r0']}', '{ids['r4']}')"
    assert set(_names(corpus, client, filter_string)) == {"r1", "r2", "r3"}


def test_order_by_metric(client, corpus):
    assert _names(corpus, client, order_by=["metrics.acc DESC"]) == ["r4", "r3", "r2", "r1", "r0"]
    assert _names(corpus, client, order_by=["metrics.acc ASC"]) == ["r0", "r1", "r2", "r3", "r4"]
    assert _names(corpus, client, order_by=["params.model ASC"]) == ["r2", "r4", "r0", "r1", "r3"]


def test_run_view_type(client, corpus):
    assert set(_names(corpus, client, run_view_type=ViewType.ACTIVE_ONLY)) == {"r0", "r1", "r2", "r3", "r4"}
    assert _names(corpus, client, run_view_type=ViewType.DELETED_ONLY) == ["r5"]
    assert set(_names(corpus, client, run_view_type=ViewType.ALL)) == set(RUNS)


def test_pages_cover_every_run_once(client, corpus):
    experiment_id, ids = corpus
    seen, token, pages = [], None, 0
    while True:
        page = client.search_runs([experiment_id], max_results=2, page_token=token,
                                  order_by=["metrics.acc DESC"], run_view_type=ViewType.ALL)
        seen += [r.info.run_id for r in page]
        pages += 1
        token = page.token
        if not token:
            break
        assert pages < 10, "paging does not terminate"
    assert len(seen) == len(set(seen)), "a run appeared on two pages"
    assert set(seen) == set(ids.values())
    assert pages == 3
    # The pages, joined, are the one-page answer: resuming after each page's last run (Keel's
    # tokens) loses and reorders nothing.
    whole = client.search_runs([experiment_id], max_results=100, order_by=["metrics.acc DESC"], run_view_type=ViewType.ALL)
    assert seen == [r.info.run_id for r in whole]


def test_fluent_search_runs_dataframe(client, corpus):
    experiment_id, ids = corpus
    df = mlflow.search_runs(experiment_ids=[experiment_id], filter_string="tags.env = 'prod'",
                            order_by=["metrics.acc DESC"])
    assert list(df["run_id"]) == [ids["r4"], ids["r2"], ids["r1"]]
    assert list(df["metrics.acc"]) == [0.9, 0.7, 0.6]
    assert list(df["params.model"]) == ["forest", "Tree-big", "tree"]
    assert list(df["tags.env"]) == ["prod"] * 3
    assert list(df["status"]) == ["RUNNING", "FAILED", "FINISHED"]
    top = mlflow.search_runs(experiment_ids=[experiment_id], max_results=2, order_by=["metrics.acc ASC"])
    assert list(top["run_id"]) == [ids["r0"], ids["r1"]]


def test_fluent_search_runs_by_experiment_name(client, corpus):
    experiment_id, _ = corpus
    name = client.get_experiment(experiment_id).name
    df = mlflow.search_runs(experiment_names=[name], filter_string="metrics.acc < 0.55")
    assert len(df) == 1


def test_search_experiments_with_filter(client):
    prefix = unique_name("findme")
    ids = {client.create_experiment(f"{prefix}-{i}", tags={"kind": "even" if i % 2 == 0 else "odd"})
           for i in range(3)}
    found = mlflow.search_experiments(filter_string=f"name LIKE '{prefix}-%'")
    assert {e.experiment_id for e in found} == ids
    even = mlflow.search_experiments(filter_string=f"name LIKE '{prefix}-%' AND tags.kind = 'even'")
    assert {e.name for e in even} == {f"{prefix}-0", f"{prefix}-2"}
    client.delete_experiment(sorted(ids)[0])
    active = mlflow.search_experiments(filter_string=f"name LIKE '{prefix}-%'", view_type=ViewType.ACTIVE_ONLY)
    deleted = mlflow.search_experiments(filter_string=f"name LIKE '{prefix}-%'", view_type=ViewType.DELETED_ONLY)
    assert len(active) == 2 and [e.experiment_id for e in deleted] == [sorted(ids)[0]]


def test_search_experiments_pages(client):
    prefix = unique_name("paged")
    ids = {client.create_experiment(f"{prefix}-{i}") for i in range(5)}
    seen, token = [], None
    for _ in range(10):
        page = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'", max_results=2, page_token=token)
        seen += [e.experiment_id for e in page]
        token = page.token
        if not token:
            break
    assert sorted(seen) == sorted(ids)


@pytest.mark.parametrize("filter_string", [
    "metrics.acc >",
    "params.a = 'x' OR params.b = 'y'",
    "metrics.acc = 'abc'",
    "nonsense.key = 1",
    "params.model > 'x'",
])
def test_bad_run_filter_is_invalid_parameter(api, filter_string):
    experiment_id = api.create_experiment("badfilter")
    assert_error(api.post("runs/search", {"experiment_ids": [experiment_id], "filter": filter_string}),
                 400, "INVALID_PARAMETER_VALUE")


def test_bad_experiment_filter_is_invalid_parameter(api):
    assert_error(api.post("experiments/search", {"filter": "name LIKE", "max_results": 10}),
                 400, "INVALID_PARAMETER_VALUE")


def test_bad_page_token_is_invalid_parameter(api):
    experiment_id = api.create_experiment("badtoken")
    assert_error(api.post("runs/search", {"experiment_ids": [experiment_id], "page_token": "garbage!!"}),
                 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("experiments/search", {"max_results": 10, "page_token": "garbage!!"}),
                 400, "INVALID_PARAMETER_VALUE")


def test_too_many_results_requested_is_invalid_parameter(api):
    experiment_id = api.create_experiment("maxres")
    assert_error(api.post("runs/search", {"experiment_ids": [experiment_id], "max_results": 50001}),
                 400, "INVALID_PARAMETER_VALUE")


def test_last_page_has_no_token(api):
    experiment_id = api.create_experiment("lastpage")
    api.create_run(experiment_id)
    body = assert_ok(api.post("runs/search", {"experiment_ids": [experiment_id], "max_results": 10}))
    assert len(body["runs"]) == 1
    assert not body.get("next_page_token")
