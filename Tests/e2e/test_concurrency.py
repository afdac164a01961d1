"""Races between clients end in MLflow errors, never in 5xx or double writes.

Why: unique constraints (experiment names, param keys) are where a store
that checks-then-inserts breaks under concurrency, especially on PostgreSQL.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from support.rest import API, assert_ok, unique_name

WORKERS = 8
ROUNDS = 3  # a race may not show on every attempt; each round is cheap


def _post_all(url: str, bodies: list[dict]) -> list[requests.Response]:
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda body: requests.post(url, json=body, timeout=60), bodies))


def _codes(responses) -> list[tuple[int, str | None]]:
    return [(r.status_code, (r.json() if r.content else {}).get("error_code")) for r in responses]


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_same_experiment_name_created_concurrently(server, api, attempt):
    name = unique_name("race")
    responses = _post_all(f"{server.url}{API}/experiments/create", [{"name": name}] * WORKERS)
    codes = _codes(responses)
    assert codes.count((200, None)) == 1, codes
    assert codes.count((400, "RESOURCE_ALREADY_EXISTS")) == WORKERS - 1, codes
    found = assert_ok(api.post("experiments/search", {"filter": f"name = '{name}'", "max_results": 10}))
    assert len(found["experiments"]) == 1


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_conflicting_param_values_logged_concurrently(server, api, attempt):
    run_id = api.create_run(api.create_experiment("param-race"))["info"]["run_id"]
    bodies = [{"run_id": run_id, "key": "p", "value": str(i)} for i in range(WORKERS)]
    codes = _codes(_post_all(f"{server.url}{API}/runs/log-parameter", bodies))
    assert codes.count((200, None)) == 1, codes
    assert codes.count((400, "INVALID_PARAMETER_VALUE")) == WORKERS - 1, codes
    params = api.get_run(run_id)["data"]["params"]
    assert len(params) == 1


@pytest.mark.keel_only
@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_same_param_value_logged_concurrently(server, api, attempt):
    # The reference loses this race: some requests get 400 BAD_REQUEST (IntegrityError).
    run_id = api.create_run(api.create_experiment("param-same"))["info"]["run_id"]
    bodies = [{"run_id": run_id, "params": [{"key": "p", "value": "same"}],
               "metrics": [{"key": "m", "value": float(i), "timestamp": 1, "step": i}]} for i in range(WORKERS)]
    codes = _codes(_post_all(f"{server.url}{API}/runs/log-batch", bodies))
    assert codes == [(200, None)] * WORKERS, codes
    data = api.get_run(run_id)["data"]
    assert data["params"] == [{"key": "p", "value": "same"}]
    history = assert_ok(api.get("metrics/get-history", {"run_id": run_id, "metric_key": "m"}))
    assert sorted(m["step"] for m in history["metrics"]) == list(range(WORKERS))


def test_many_runs_created_concurrently_are_distinct(server, api):
    experiment_id = api.create_experiment("runs-race")
    responses = _post_all(f"{server.url}{API}/runs/create",
                          [{"experiment_id": experiment_id, "start_time": 1}] * 40)
    run_ids = {assert_ok(r)["run"]["info"]["run_id"] for r in responses}
    assert len(run_ids) == 40
    found = assert_ok(api.post("runs/search", {"experiment_ids": [experiment_id], "max_results": 100}))
    assert {r["info"]["run_id"] for r in found["runs"]} == run_ids


@pytest.mark.keel_only  # the reference on PostgreSQL answers some 400 BAD_REQUEST
def test_same_tag_set_concurrently(server, api):
    run_id = api.create_run(api.create_experiment("tag-race"))["info"]["run_id"]
    bodies = [{"run_id": run_id, "key": "t", "value": str(i)} for i in range(WORKERS)]
    codes = _codes(_post_all(f"{server.url}{API}/runs/set-tag", bodies))
    assert codes == [(200, None)] * WORKERS, codes
    tags = {t["key"]: t["value"] for t in api.get_run(run_id)["data"]["tags"]}
    assert tags["t"] in {str(i) for i in range(WORKERS)}


@pytest.mark.keel_only  # the reference on PostgreSQL answers some 400 BAD_REQUEST
def test_same_experiment_tag_set_concurrently(server, api):
    experiment_id = api.create_experiment("exptag-race")
    bodies = [{"experiment_id": experiment_id, "key": "t", "value": str(i)} for i in range(WORKERS)]
    codes = _codes(_post_all(f"{server.url}{API}/experiments/set-experiment-tag", bodies))
    assert codes == [(200, None)] * WORKERS, codes


def test_identical_metric_points_logged_concurrently(server, api):
    # Exact duplicate metric points are accepted by MLflow, also when they race.
    run_id = api.create_run(api.create_experiment("metric-dup"))["info"]["run_id"]
    body = {"run_id": run_id, "key": "m", "value": 1.5, "timestamp": 1000, "step": 3}
    codes = _codes(_post_all(f"{server.url}{API}/runs/log-metric", [body] * WORKERS))
    assert codes == [(200, None)] * WORKERS, codes
    assert_ok(api.post("runs/log-batch", {"run_id": run_id, "metrics": [
        {k: v for k, v in body.items() if k != "run_id"}] * 2}))
    history = assert_ok(api.get("metrics/get-history", {"run_id": run_id, "metric_key": "m"}))
    assert {(m["step"], m["timestamp"], m["value"]) for m in history["metrics"]} == {(3, 1000, 1.5)}


@pytest.mark.keel_only  # the reference answers some 400 BAD_REQUEST (IntegrityError)
def test_same_dataset_logged_concurrently(server, api):
    experiment_id = api.create_experiment("dataset-race")
    dataset = {"name": unique_name("ds"), "digest": "abc123", "source_type": "local",
               "source": '{"uri": "/tmp/x.csv"}', "schema": "{}", "profile": "{}"}
    run_ids = [api.create_run(experiment_id)["info"]["run_id"] for _ in range(WORKERS)]
    bodies = [{"run_id": run_id, "datasets": [{"tags": [{"key": "mlflow.data.context", "value": "train"}],
                                               "dataset": dataset}]} for run_id in run_ids]
    codes = _codes(_post_all(f"{server.url}{API}/runs/log-inputs", bodies))
    assert codes == [(200, None)] * WORKERS, codes
    for run_id in run_ids:
        inputs = api.get_run(run_id)["inputs"]["dataset_inputs"]
        assert [i["dataset"]["name"] for i in inputs] == [dataset["name"]]
