"""runs/log-batch: special float values, limits and all-or-nothing writes."""

import math

import pytest
from mlflow.entities import Metric, Param, RunTag

from support.rest import assert_error, assert_ok, now_ms
from support.values import is_neg_inf, is_pos_inf


def _history(client, run_id, key):
    return sorted(client.get_metric_history(run_id, key), key=lambda m: (m.step, m.timestamp))


def test_nan_inf_and_negative_steps_round_trip(client, api):
    run_id = api.create_run(api.create_experiment("special"))["info"]["run_id"]
    ts = now_ms()
    client.log_batch(run_id, metrics=[
        Metric("nan", math.nan, ts, -5),
        Metric("pinf", math.inf, ts, 0),
        Metric("ninf", -math.inf, ts, 1),
        Metric("neg", 2.5, ts, -3),
        Metric("neg", 3.5, ts, -1),
    ])
    [nan] = _history(client, run_id, "nan")
    assert math.isnan(nan.value) and nan.step == -5
    [pinf] = _history(client, run_id, "pinf")
    assert is_pos_inf(pinf.value), pinf.value
    [ninf] = _history(client, run_id, "ninf")
    assert is_neg_inf(ninf.value), ninf.value
    assert [(m.step, m.value) for m in _history(client, run_id, "neg")] == [(-3, 2.5), (-1, 3.5)]
    summary = client.get_run(run_id).data.metrics
    assert math.isnan(summary["nan"]) and is_pos_inf(summary["pinf"]) and is_neg_inf(summary["ninf"])
    assert summary["neg"] == 3.5


@pytest.mark.keel_only
def test_infinities_come_back_exact(api):
    # The reference clamps to ±1.797e308; Keel keeps the value it acknowledged.
    run_id = api.create_run(api.create_experiment("inf-exact"))["info"]["run_id"]
    assert_ok(api.post("runs/log-batch", {"run_id": run_id, "metrics": [
        {"key": "pinf", "value": "Infinity", "timestamp": 1, "step": 0},
        {"key": "ninf", "value": "-Infinity", "timestamp": 1, "step": 0},
        {"key": "nan", "value": "NaN", "timestamp": 1, "step": 0},
    ]}))
    values = {}
    for key in ("pinf", "ninf", "nan"):
        body = assert_ok(api.get("metrics/get-history", {"run_id": run_id, "metric_key": key}))
        values[key] = body["metrics"][0]["value"]
    assert values == {"pinf": "Infinity", "ninf": "-Infinity", "nan": "NaN"}, values


def test_batch_params_tags_and_metrics_land_together(client, api):
    run_id = api.create_run(api.create_experiment("batch"))["info"]["run_id"]
    client.log_batch(
        run_id,
        metrics=[Metric(f"m{i}", float(i), now_ms(), i) for i in range(50)],
        params=[Param(f"p{i}", str(i)) for i in range(100)],
        tags=[RunTag(f"t{i}", str(i)) for i in range(100)],
    )
    data = client.get_run(run_id).data
    assert len(data.metrics) == 50 and len(data.params) == 100
    assert all(data.tags[f"t{i}"] == str(i) for i in range(100))


def _stored(api, run_id):
    data = api.get_run(run_id).get("data", {})
    return ({m["key"] for m in data.get("metrics", [])},
            {p["key"]: p["value"] for p in data.get("params", [])},
            {t["key"] for t in data.get("tags", [])} - {"mlflow.runName"})


@pytest.mark.parametrize("metrics,params,tags", [
    (1001, 0, 0),
    (0, 101, 0),
    (0, 0, 101),
    (900, 100, 1),  # over 1000 entities in total
], ids=["1001-metrics", "101-params", "101-tags", "1001-entities"])
def test_batch_over_limits_is_rejected_and_stores_nothing(api, metrics, params, tags):
    run_id = api.create_run(api.create_experiment("limits"))["info"]["run_id"]
    body = {
        "run_id": run_id,
        "metrics": [{"key": f"m{i}", "value": 1.0, "timestamp": 1, "step": 0} for i in range(metrics)],
        "params": [{"key": f"p{i}", "value": "v"} for i in range(params)],
        "tags": [{"key": f"t{i}", "value": "v"} for i in range(tags)],
    }
    assert_error(api.post("runs/log-batch", body), 400, "INVALID_PARAMETER_VALUE")
    assert _stored(api, run_id) == (set(), {}, set())


def test_batch_with_conflicting_param_stores_nothing(api):
    run_id = api.create_run(api.create_experiment("conflict"))["info"]["run_id"]
    assert_ok(api.post("runs/log-parameter", {"run_id": run_id, "key": "fixed", "value": "1"}))
    body = {
        "run_id": run_id,
        "metrics": [{"key": "atom", "value": 1.0, "timestamp": 1, "step": 0}],
        "params": [{"key": "newp", "value": "x"}, {"key": "fixed", "value": "2"}],
        "tags": [{"key": "atomtag", "value": "x"}],
    }
    assert_error(api.post("runs/log-batch", body), 400, "INVALID_PARAMETER_VALUE")
    assert _stored(api, run_id) == (set(), {"fixed": "1"}, set())


def test_batch_with_duplicate_param_keys_is_rejected(api):
    run_id = api.create_run(api.create_experiment("dupkeys"))["info"]["run_id"]
    body = {"run_id": run_id, "params": [{"key": "d", "value": "1"}, {"key": "d", "value": "2"}]}
    assert_error(api.post("runs/log-batch", body), 400, "INVALID_PARAMETER_VALUE")
    assert _stored(api, run_id) == (set(), {}, set())


def test_batch_with_same_param_value_again_is_accepted(api):
    run_id = api.create_run(api.create_experiment("sameparam"))["info"]["run_id"]
    assert_ok(api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "1"}))
    assert_ok(api.post("runs/log-batch", {"run_id": run_id, "params": [{"key": "p", "value": "1"}],
                                          "metrics": [{"key": "m", "value": 2.0, "timestamp": 1, "step": 0}]}))
    assert _stored(api, run_id)[:2] == ({"m"}, {"p": "1"})


def test_client_chunks_large_batches(client, api):
    # MlflowClient splits 2500 metrics into requests within the server's limits.
    run_id = api.create_run(api.create_experiment("chunks"))["info"]["run_id"]
    client.log_batch(run_id, metrics=[Metric("series", float(i), now_ms(), i) for i in range(2500)])
    history = client.get_metric_history(run_id, "series")
    assert sorted(m.step for m in history) == list(range(2500))
