"""Per-resource permissions under `keel server --auth`, driven by the official clients: the
creator of an experiment or model holds MANAGE, MLflow's auth client grants and revokes, the
server's default level applies to everyone else, and a refusal is PERMISSION_DENIED (403)."""

from __future__ import annotations

import json
import os
import subprocess

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException, RestException

from support.servers import keel_binary, target

ADMIN = ("admin", "admin password for the tests")

pytestmark = pytest.mark.skipif(target() == "mlflow", reason="Keel's own auth; the reference server runs without its auth app here")


def start(server_factory, backend, *extra):
    spec = server_factory.spec(backend)
    spec.env["KEEL_ADMIN_PASSWORD"] = ADMIN[1]
    spec.args.extend(["--auth", *extra])
    server = server_factory.start(spec)
    for name in ("alice", "bob"):
        created = requests.post(f"{server.url}/api/2.0/keel/users", auth=ADMIN, timeout=30,
                                json={"username": name, "password": f"{name}'s long password"})
        assert created.status_code == 200, created.text
    return server


def as_user(monkeypatch, name):
    for key in ("MLFLOW_TRACKING_TOKEN",):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", name)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN[1] if name == "admin" else f"{name}'s long password")


def denied(error) -> bool:
    return "PERMISSION_DENIED" in str(error)


def test_creator_manages_and_grants_with_mlflows_client(server_factory, backend, monkeypatch):
    from mlflow.server import get_app_client

    server = start(server_factory, backend)
    as_user(monkeypatch, "alice")
    alice = MlflowClient(server.url)
    experiment = alice.create_experiment("alice-exp")
    run = alice.create_run(experiment)
    alice.log_metric(run.info.run_id, "loss", 0.5)

    # The default (READ): bob sees alice's run but cannot write to it.
    as_user(monkeypatch, "bob")
    bob = MlflowClient(server.url)
    assert bob.get_run(run.info.run_id).data.metrics == {"loss": 0.5}
    with pytest.raises(MlflowException) as refused:
        bob.log_metric(run.info.run_id, "loss", 0.1)
    assert denied(refused.value)
    with pytest.raises(MlflowException) as refused:
        get_app_client("basic-auth", tracking_uri=server.url).grant_user_permission("bob", "experiment", experiment, "MANAGE")
    assert denied(refused.value)

    # Alice holds MANAGE on what she created, so she grants bob EDIT with MLflow's auth client.
    as_user(monkeypatch, "alice")
    auth = get_app_client("basic-auth", tracking_uri=server.url)
    auth.grant_user_permission("bob", "experiment", experiment, "EDIT")
    check = auth.get_user_permission("alice", "experiment", experiment)
    assert (check.permission, check.allowed) == ("MANAGE", True)

    as_user(monkeypatch, "bob")
    mine = get_app_client("basic-auth", tracking_uri=server.url)
    assert mine.get_user_permission("bob", "experiment", experiment).permission == "EDIT"
    bob.log_metric(run.info.run_id, "loss", 0.1)
    with pytest.raises(MlflowException) as refused:
        bob.delete_run(run.info.run_id)  # deleting needs MANAGE
    assert denied(refused.value)
    listed = requests.get(f"{server.url}/api/3.0/mlflow/users/current/permissions", auth=("bob", "bob's long password"), timeout=30).json()
    assert listed["is_admin"] is False
    assert [(p["resource_type"], p["resource_pattern"], p["permission"]) for p in listed["permissions"]] == [("experiment", experiment, "EDIT")]

    as_user(monkeypatch, "alice")
    auth.revoke_user_permission("bob", "experiment", experiment)
    as_user(monkeypatch, "bob")
    with pytest.raises(MlflowException) as refused:
        bob.log_metric(run.info.run_id, "loss", 0.2)
    assert denied(refused.value)
    history = MlflowClient(server.url).get_metric_history(run.info.run_id, "loss")
    assert [m.value for m in history] == [0.5, 0.1]


def test_no_permissions_by_default_keeps_models_private(server_factory, backend, monkeypatch):
    from mlflow.server import get_app_client

    server = start(server_factory, backend, "--default-permission", "NO_PERMISSIONS")
    as_user(monkeypatch, "alice")
    alice = MlflowClient(server.url)
    alice.create_registered_model("private-model")
    alice.set_registered_model_tag("private-model", "owner", "alice")

    as_user(monkeypatch, "bob")
    bob = MlflowClient(server.url)
    assert [m.name for m in bob.search_registered_models()] == []
    with pytest.raises(MlflowException) as refused:
        bob.get_registered_model("private-model")
    assert denied(refused.value)
    raw = requests.get(f"{server.url}/api/2.0/mlflow/registered-models/get", params={"name": "private-model"},
                       auth=("bob", "bob's long password"), timeout=30)
    assert raw.status_code == 403 and raw.json()["error_code"] == "PERMISSION_DENIED"
    # Anyone may create an experiment, and it is theirs; others' stay closed.
    bobs = bob.create_experiment("bob-exp")
    assert bob.get_experiment(bobs).name == "bob-exp"
    with pytest.raises(MlflowException) as refused:
        bob.get_experiment_by_name("Default")
    assert denied(refused.value)

    as_user(monkeypatch, "alice")
    get_app_client("basic-auth", tracking_uri=server.url).grant_user_permission("bob", "registered_model", "private-model", "READ")
    as_user(monkeypatch, "bob")
    assert bob.get_registered_model("private-model").tags == {"owner": "alice"}
    assert [m.name for m in bob.search_registered_models()] == ["private-model"]
    assert [e.name for e in bob.search_experiments()] == ["bob-exp"]
    with pytest.raises(MlflowException) as refused:
        bob.delete_registered_model("private-model")
    assert denied(refused.value)

    # A renamed model keeps its grants; a deleted one takes them along.
    as_user(monkeypatch, "alice")
    alice.rename_registered_model("private-model", "renamed-model")
    as_user(monkeypatch, "bob")
    assert bob.get_registered_model("renamed-model").name == "renamed-model"
    as_user(monkeypatch, "alice")
    alice.delete_registered_model("renamed-model")
    listed = requests.get(f"{server.url}/api/3.0/mlflow/users/permissions/list", params={"username": "bob"}, auth=ADMIN, timeout=30)
    assert [p for p in listed.json()["permissions"] if p["resource_type"] == "registered_model"] == []


def test_bad_grants_are_refused_in_mlflows_format(server_factory, backend, monkeypatch):
    from mlflow.server import get_app_client

    server = start(server_factory, backend)
    as_user(monkeypatch, "admin")
    auth = get_app_client("basic-auth", tracking_uri=server.url)
    for args in [("bob", "experiment", "0", "SUPERUSER"), ("bob", "spaceship", "0", "READ"), ("nobody", "experiment", "0", "READ")]:
        with pytest.raises(RestException) as refused:
            auth.grant_user_permission(*args)
        assert refused.value.error_code in ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST"), args
    response = requests.post(f"{server.url}/api/3.0/mlflow/users/permissions/revoke", auth=ADMIN, timeout=30,
                             json={"username": "bob", "resource_type": "experiment", "resource_id": "0"})
    assert response.status_code == 404 and response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_the_cli_grants_lists_checks_and_revokes(server_factory, backend):
    server = start(server_factory, backend)
    alice_auth = ("alice", "alice's long password")
    created = requests.post(f"{server.url}/api/2.0/keel/deployments", auth=alice_auth, timeout=30, json={"name": "nope", "model": "missing/1"})
    assert created.status_code == 404  # refused by the registry, not by permissions: anyone may create
    experiment = requests.post(f"{server.url}/api/2.0/mlflow/experiments/create", auth=alice_auth, timeout=30, json={"name": "cli-exp"}).json()["experiment_id"]

    env = dict(os.environ, KEEL_SERVER=server.url, MLFLOW_TRACKING_USERNAME="alice", MLFLOW_TRACKING_PASSWORD=alice_auth[1])
    env.pop("MLFLOW_TRACKING_TOKEN", None)
    env.pop("KEEL_TOKEN", None)

    def keel(*args, ok=True):
        done = subprocess.run([str(keel_binary()), "permissions", *args], capture_output=True, text=True, env=env, timeout=60)
        assert (done.returncode == 0) == ok, (args, done.stdout, done.stderr)
        return done

    granted = keel("grant", "bob", "edit", f"experiment/{experiment}")
    assert "EDIT" in granted.stdout
    listed = json.loads(keel("list", f"experiment/{experiment}", "--json").stdout)
    assert {(p["username"], p["permission"]) for p in listed["permissions"]} == {("alice", "MANAGE"), ("bob", "EDIT")}
    assert listed["default_permission"] == "READ"
    checked = json.loads(keel("check", "bob", f"experiment/{experiment}", "--json").stdout)
    assert checked == {"allowed": True, "permission": "EDIT"}
    table = keel("list")
    assert "experiment" in table.stdout and "MANAGE" in table.stdout
    keel("revoke", "bob", f"experiment/{experiment}")
    assert json.loads(keel("check", "bob", f"experiment/{experiment}", "--json").stdout)["permission"] == "READ"
    bad = keel("grant", "bob", "EDIT", "spaceship/1", ok=False)
    assert "kind/id" in bad.stderr
