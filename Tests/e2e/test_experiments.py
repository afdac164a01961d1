"""Experiment lifecycle through MlflowClient, errors checked on the wire."""

import pytest

from support.rest import assert_error, assert_ok, unique_name

UNKNOWN_EXPERIMENT = "987654321"


def test_create_get_and_get_by_name(client):
    name = unique_name("exp")
    experiment_id = client.create_experiment(name, tags={"team": "keel"})
    by_id = client.get_experiment(experiment_id)
    by_name = client.get_experiment_by_name(name)
    assert by_id.experiment_id == by_name.experiment_id == experiment_id
    assert by_id.name == name
    assert by_id.lifecycle_stage == "active"
    assert by_id.tags["team"] == "keel"
    assert by_id.artifact_location == f"mlflow-artifacts:/{experiment_id}"
    assert by_id.creation_time and by_id.last_update_time


def test_get_by_name_of_unknown_experiment_is_none(client):
    assert client.get_experiment_by_name(unique_name("absent")) is None


def test_rename(client, api):
    old, new = unique_name("old"), unique_name("new")
    experiment_id = client.create_experiment(old)
    client.rename_experiment(experiment_id, new)
    assert client.get_experiment(experiment_id).name == new
    assert client.get_experiment_by_name(old) is None
    assert_error(api.post("experiments/update", {"experiment_id": UNKNOWN_EXPERIMENT, "new_name": unique_name("x")}),
                 404, "RESOURCE_DOES_NOT_EXIST")


def test_rename_onto_existing_name_is_rejected(client, api):
    taken = unique_name("taken")
    client.create_experiment(taken)
    other = client.create_experiment(unique_name("other"))
    assert_error(api.post("experiments/update", {"experiment_id": other, "new_name": taken}),
                 400, ("BAD_REQUEST", "RESOURCE_ALREADY_EXISTS", "INVALID_PARAMETER_VALUE"))


def test_delete_and_restore(client, api):
    experiment_id = client.create_experiment(unique_name("del"))
    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"
    assert_error(api.post("experiments/delete", {"experiment_id": UNKNOWN_EXPERIMENT}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("experiments/restore", {"experiment_id": UNKNOWN_EXPERIMENT}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_experiment_tags_set_and_delete(client, api):
    experiment_id = client.create_experiment(unique_name("tags"))
    client.set_experiment_tag(experiment_id, "k", "v1")
    client.set_experiment_tag(experiment_id, "k", "v2")  # overwrite is allowed
    assert client.get_experiment(experiment_id).tags["k"] == "v2"
    assert_ok(api.post("experiments/delete-experiment-tag", {"experiment_id": experiment_id, "key": "k"}))
    assert "k" not in client.get_experiment(experiment_id).tags
    assert_error(api.post("experiments/delete-experiment-tag", {"experiment_id": experiment_id, "key": "never-set"}),
                 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("experiments/set-experiment-tag",
                          {"experiment_id": UNKNOWN_EXPERIMENT, "key": "k", "value": "v"}),
                 404, "RESOURCE_DOES_NOT_EXIST")


def test_duplicate_name_is_resource_already_exists(api):
    name = unique_name("dup")
    assert_ok(api.post("experiments/create", {"name": name}))
    assert_error(api.post("experiments/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS")


def test_name_of_deleted_experiment_stays_taken(api):
    name = unique_name("dup-deleted")
    experiment_id = assert_ok(api.post("experiments/create", {"name": name}))["experiment_id"]
    assert_ok(api.post("experiments/delete", {"experiment_id": experiment_id}))
    assert_error(api.post("experiments/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS")


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": 123}], ids=["missing", "empty", "number"])
def test_create_with_bad_name_is_invalid_parameter(api, body):
    assert_error(api.post("experiments/create", body), 400, "INVALID_PARAMETER_VALUE")


def test_unknown_experiment_is_404(api):
    assert_error(api.get("experiments/get", {"experiment_id": UNKNOWN_EXPERIMENT}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.get("experiments/get-by-name", {"experiment_name": unique_name("nope")}),
                 404, "RESOURCE_DOES_NOT_EXIST")


def test_non_integer_experiment_id_is_invalid_parameter(api):
    assert_error(api.get("experiments/get", {"experiment_id": "abc"}), 400, "INVALID_PARAMETER_VALUE")


def test_get_returns_wire_shape(api):
    name = unique_name("shape")
    experiment_id = assert_ok(api.post("experiments/create", {"name": name}))["experiment_id"]
    assert isinstance(experiment_id, str) and experiment_id.isdigit()
    experiment = assert_ok(api.get("experiments/get", {"experiment_id": experiment_id}))["experiment"]
    assert experiment["experiment_id"] == experiment_id
    assert experiment["name"] == name
    assert experiment["lifecycle_stage"] == "active"
    assert experiment["artifact_location"] == f"mlflow-artifacts:/{experiment_id}"


def test_default_experiment_exists(api):
    experiment = assert_ok(api.get("experiments/get", {"experiment_id": "0"}))["experiment"]
    assert experiment["name"] == "Default"
