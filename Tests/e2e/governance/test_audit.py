"""The audit log of `keel server --auth`: every change recorded with who, from where and what,
read by resource, and its hash chain verified offline and through the server; an entry edited
in the database is found."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import mlflow
import pytest
import requests
from mlflow import MlflowClient

from support.servers import keel_binary, target

ADMIN = ("admin", "admin password for the tests")

pytestmark = pytest.mark.skipif(target() == "mlflow", reason="Keel's own audit log")


def keel(*args, env=None):
    return subprocess.run([str(keel_binary()), *args], capture_output=True, text=True, timeout=60, env=env)


def test_changes_are_audited_and_the_chain_holds(server_factory, backend, monkeypatch):
    spec = server_factory.spec(backend)
    spec.env["KEEL_ADMIN_PASSWORD"] = ADMIN[1]
    spec.args.append("--auth")
    server = server_factory.start(spec)

    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN[0])
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN[1])
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    client = MlflowClient(server.url)
    experiment = client.create_experiment("audited")
    run = client.create_run(experiment)
    client.log_param(run.info.run_id, "alpha", "0.5")
    client.search_runs([experiment])  # a search is a read: not audited
    client.create_registered_model("churn")
    client.create_model_version("churn", f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    client.set_registered_model_alias("churn", "champion", "1")

    entries = requests.get(f"{server.url}/api/2.0/keel/audit", params={"resource": "models/churn"}, auth=ADMIN, timeout=10).json()["entries"]
    assert [e["action"].split(" ")[1].rsplit("/", 1)[-1] for e in reversed(entries)] == ["create", "create", "alias"]
    newest = entries[0]
    assert newest["actor"] == "admin" and newest["auth_method"] == "password" and newest["remote"] == "127.0.0.1"
    assert newest["details"] == {"alias": "champion", "name": "churn", "version": "1"} and newest["status"] == 200
    created_version = entries[1]
    assert created_version["details"]["result.version"] == "1" and created_version["details"]["name"] == "churn"
    every = requests.get(f"{server.url}/api/2.0/keel/audit", params={"max_results": 100}, auth=ADMIN, timeout=10).json()["entries"]
    created_experiment = next(e for e in every if e["action"].endswith("/experiments/create"))
    assert created_experiment["details"]["result.experiment_id"] == experiment
    assert next(e for e in every if e["action"].endswith("/runs/create"))["details"]["result.run_id"] == run.info.run_id
    assert not any(e["action"].endswith("/search") for e in every)
    assert any(e["resource"] == f"runs/{run.info.run_id}" and e["action"].endswith("/log-parameter") for e in every)

    env = dict(os.environ, KEEL_SERVER=server.url)
    listed = keel("audit", "list", "--resource", "models/churn", env=env)
    assert listed.returncode == 0 and "registered-models/alias" in listed.stdout
    online = keel("audit", "verify", "--json", env=env)
    assert online.returncode == 0, online.stderr
    assert json.loads(online.stdout)["intact"] is True

    # Non-admins may not read it.
    requests.post(f"{server.url}/api/2.0/keel/users", auth=ADMIN, json={"username": "bob", "password": "bob's long password"}, timeout=10)
    denied = requests.get(f"{server.url}/api/2.0/keel/audit", auth=("bob", "bob's long password"), timeout=10)
    assert denied.status_code == 403
    # A refused change is recorded too, with who tried.
    refused = requests.post(f"{server.url}/api/2.0/mlflow/experiments/delete", json={"experiment_id": experiment},
                            auth=("bob", "bob's long password"), timeout=10)
    assert refused.status_code == 403 and refused.json()["error_code"] == "PERMISSION_DENIED"
    attempts = requests.get(f"{server.url}/api/2.0/keel/audit", params={"resource": f"experiments/{experiment}"}, auth=ADMIN, timeout=10).json()["entries"]
    assert (attempts[0]["actor"], attempts[0]["status"]) == ("bob", 403)

    if backend != "sqlite":
        return
    # Offline, on the store itself; then with one entry edited behind the server's back.
    offline = keel("audit", "verify", "--data-dir", str(spec.data_dir))
    assert offline.returncode == 0 and "intact" in offline.stdout
    with sqlite3.connect(spec.data_dir / "keel.db") as database:
        database.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    broken = keel("audit", "verify", "--data-dir", str(spec.data_dir))
    assert broken.returncode == 1
    assert "entry 2 was changed after it was written" in broken.stdout
    assert json.loads(keel("audit", "verify", "--json", env=env).stdout)["broken_at"] == 2
