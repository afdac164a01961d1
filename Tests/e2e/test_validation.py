"""Input limits and key rules, as the reference server enforces them."""

import pytest

from support.rest import assert_error, assert_ok, now_ms, unique_name


@pytest.fixture
def run_id(api):
    return api.create_run(api.create_experiment("validation"))["info"]["run_id"]


def test_long_param_and_tag_values_are_truncated(api, run_id):
    # MLFLOW_TRUNCATE_LONG_VALUES (default on): 6000 chars for params, 8000 for tags.
    assert_ok(api.post("runs/log-parameter", {"run_id": run_id, "key": "long", "value": "x" * 7000}))
    assert_ok(api.post("runs/set-tag", {"run_id": run_id, "key": "longtag", "value": "y" * 9000}))
    data = api.get_run(run_id)["data"]
    assert {p["key"]: p["value"] for p in data["params"]}["long"] == "x" * 6000
    assert {t["key"]: t["value"] for t in data["tags"]}["longtag"] == "y" * 8000


@pytest.mark.parametrize("key", ["../x", "/abs", "a//b", "bad$key", "k" * 251, ""],
                         ids=["dotdot", "absolute", "double-slash", "dollar", "too-long", "empty"])
def test_invalid_keys_are_rejected(api, run_id, key):
    assert_error(api.post("runs/log-parameter", {"run_id": run_id, "key": key, "value": "1"}),
                 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("runs/log-metric", {"run_id": run_id, "key": key, "value": 1.0, "timestamp": now_ms()}),
                 400, "INVALID_PARAMETER_VALUE")


def test_keys_with_allowed_punctuation_are_accepted(client, api, run_id):
    key = "a/b c.d-e_f:g"
    assert_ok(api.post("runs/log-parameter", {"run_id": run_id, "key": key, "value": "1"}))
    assert_ok(api.post("runs/log-metric", {"run_id": run_id, "key": key, "value": 2.0, "timestamp": now_ms()}))
    data = client.get_run(run_id).data
    assert data.params[key] == "1" and data.metrics[key] == 2.0


def test_unicode_round_trips(client, api):
    name = unique_name("ünïcødé-実験-✓")
    experiment_id = client.create_experiment(name)
    assert client.get_experiment_by_name(name).experiment_id == experiment_id
    run_id = api.create_run(experiment_id, run_name="läuft ✓")["info"]["run_id"]
    client.set_tag(run_id, "note", "héllo ✓ 日本 🚀")
    client.log_param(run_id, "greeting", "grüß dich")
    fetched = client.get_run(run_id)
    assert fetched.info.run_name == "läuft ✓"
    assert fetched.data.tags["note"] == "héllo ✓ 日本 🚀"
    assert fetched.data.params["greeting"] == "grüß dich"


def test_experiment_limits(api):
    assert_error(api.post("experiments/create", {"name": "x" * 501}), 400, "INVALID_PARAMETER_VALUE")
    experiment_id = api.create_experiment("explimits")
    assert_error(api.post("experiments/set-experiment-tag",
                          {"experiment_id": experiment_id, "key": "k", "value": "v" * 20001}),
                 400, "INVALID_PARAMETER_VALUE")


def test_run_name_tag_renames_the_run(client, api, run_id):
    client.set_tag(run_id, "mlflow.runName", "renamed-by-tag")
    assert client.get_run(run_id).info.run_name == "renamed-by-tag"


def test_user_id_is_recorded(client):
    experiment_id = client.create_experiment(unique_name("user"))
    run = client.create_run(experiment_id, tags={"mlflow.user": "alice"})
    assert client.get_run(run.info.run_id).info.user_id == "alice"
