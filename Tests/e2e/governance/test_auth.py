"""`keel server --auth`: the official mlflow client with a password or a token, deny by
default, /health public, a generated admin password printed once, tokens revoked and
expired, and the lockout after failed logins."""

from __future__ import annotations

import os
import subprocess

import mlflow
import pytest
import requests
from mlflow import MlflowClient

from support.servers import ServerSpec, keel_binary, target

ADMIN_PASSWORD = "admin password for the tests"

pytestmark = pytest.mark.skipif(target() == "mlflow", reason="Keel's own auth; the reference server runs without its auth app here")


@pytest.fixture
def secured(server_factory, backend):
    spec = server_factory.spec(backend)
    spec.env["KEEL_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    spec.args.append("--auth")
    return server_factory.start(spec)


def call(server, method, path, auth=None, **kwargs) -> requests.Response:
    return requests.request(method, f"{server.url}{path}", auth=auth, timeout=30, **kwargs)


def client_env(monkeypatch, **values):
    for key in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)


def test_every_route_but_health_needs_credentials(secured):
    assert call(secured, "GET", "/health").status_code == 200
    for method, path in [
        ("GET", "/api/2.0/mlflow/experiments/search?max_results=10"),
        ("POST", "/api/2.0/mlflow/runs/create"),
        ("GET", "/api/2.0/mlflow-artifacts/artifacts"),
        ("GET", "/api/2.0/keel/deployments"),
        ("GET", "/api/2.0/keel/pipelines"),
        ("GET", "/metrics"),
        ("GET", "/version"),
        ("GET", "/no/such/route"),
    ]:
        response = call(secured, method, path)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error_code"] == "UNAUTHENTICATED"
        assert "Basic" in response.headers["WWW-Authenticate"]
    wrong = call(secured, "GET", "/api/2.0/keel/whoami", auth=("admin", "not the password"))
    assert wrong.status_code == 401


def test_the_mlflow_client_with_a_password_and_with_a_token(secured, monkeypatch):
    client_env(monkeypatch, MLFLOW_TRACKING_USERNAME="admin", MLFLOW_TRACKING_PASSWORD=ADMIN_PASSWORD)
    mlflow.set_tracking_uri(secured.url)
    experiment = mlflow.create_experiment("secured")
    with mlflow.start_run(experiment_id=experiment) as run:
        mlflow.log_param("alpha", 0.5)
        mlflow.log_metric("loss", 0.25)
        mlflow.log_text("hello", "notes/hello.txt")
    assert MlflowClient(secured.url).get_run(run.info.run_id).data.params == {"alpha": "0.5"}

    created = call(secured, "POST", "/api/2.0/keel/users", auth=("admin", ADMIN_PASSWORD),
                   json={"username": "alice", "password": "alice's long password"})
    assert created.status_code == 200, created.text
    token = call(secured, "POST", "/api/2.0/keel/tokens", auth=("alice", "alice's long password"),
                 json={"name": "laptop", "expires_in_days": 30}).json()
    assert token["token"]["username"] == "alice" and token["secret"].startswith("keel_")

    client_env(monkeypatch, MLFLOW_TRACKING_TOKEN=token["secret"])
    client = MlflowClient(secured.url)
    assert client.get_run(run.info.run_id).data.metrics == {"loss": 0.25}
    assert "hello" in open(client.download_artifacts(run.info.run_id, "notes/hello.txt")).read()
    me = call(secured, "GET", "/api/2.0/keel/whoami", headers={"Authorization": f"Bearer {token['secret']}"}).json()
    assert me == {"username": "alice", "is_admin": False, "method": "token"}

    # Revoked: refused at once.
    revoke = call(secured, "DELETE", f"/api/2.0/keel/tokens/{token['token']['id']}", auth=("alice", "alice's long password"))
    assert revoke.status_code == 200 and revoke.json()["token"]["usable"] is False
    with pytest.raises(mlflow.exceptions.MlflowException):
        client.get_run(run.info.run_id)


def test_only_admins_manage_users(secured):
    admin = ("admin", ADMIN_PASSWORD)
    assert call(secured, "POST", "/api/2.0/keel/users", auth=admin, json={"username": "bob", "password": "bob's long password"}).status_code == 200
    bob = ("bob", "bob's long password")
    for method, path, body in [
        ("GET", "/api/2.0/keel/users", None),
        ("POST", "/api/2.0/keel/users", {"username": "eve", "password": "eve's long password"}),
        ("DELETE", "/api/2.0/keel/users/admin", None),
        ("PATCH", "/api/2.0/keel/users/bob", {"is_admin": True}),
        ("GET", "/api/2.0/keel/tokens?all=true", None),
        ("POST", "/api/2.0/keel/tokens", {"name": "x", "username": "admin"}),
    ]:
        response = call(secured, method, path, auth=bob, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error_code"] == "PERMISSION_DENIED"
    # Bob may change his own password.
    assert call(secured, "PATCH", "/api/2.0/keel/users/bob", auth=bob, json={"password": "bob's new long password"}).status_code == 200
    assert call(secured, "GET", "/api/2.0/keel/whoami", auth=bob).status_code == 401
    short = call(secured, "POST", "/api/2.0/keel/users", auth=admin, json={"username": "x", "password": "short"})
    assert short.status_code == 400 and "at least 12" in short.json()["message"]


def test_repeated_failures_lock_the_account(secured):
    admin = ("admin", ADMIN_PASSWORD)
    call(secured, "POST", "/api/2.0/keel/users", auth=admin, json={"username": "target", "password": "target's long password"})
    for _ in range(5):
        assert call(secured, "GET", "/api/2.0/keel/whoami", auth=("target", "a wrong guess here")).status_code == 401
    assert call(secured, "GET", "/api/2.0/keel/whoami", auth=("target", "target's long password")).status_code == 401
    users = {u["username"]: u for u in call(secured, "GET", "/api/2.0/keel/users", auth=admin).json()["users"]}
    assert "locked_until" in users["target"]
    # An admin resetting the password lifts the lock.
    call(secured, "PATCH", "/api/2.0/keel/users/target", auth=admin, json={"password": "target's fresh password"})
    assert call(secured, "GET", "/api/2.0/keel/whoami", auth=("target", "target's fresh password")).status_code == 200


def test_a_generated_admin_password_is_printed_once(server_factory, backend):
    spec = server_factory.spec(backend)
    spec.args.append("--auth")
    first = server_factory.start(spec)
    log = first.log_tail(200)
    assert "generated password (shown only now)" in log
    password = log.split("generated password (shown only now):")[1].split()[0]
    assert call(first, "GET", "/api/2.0/keel/whoami", auth=("admin", password)).json()["is_admin"] is True
    first.stop()
    again = server_factory.start(spec)
    assert "generated password" not in again.log_tail(200)
    assert call(again, "GET", "/api/2.0/keel/whoami", auth=("admin", password)).status_code == 200


def test_the_cli_authenticates_like_the_mlflow_client(secured):
    env = dict(os.environ, KEEL_SERVER=secured.url, MLFLOW_TRACKING_USERNAME="admin", MLFLOW_TRACKING_PASSWORD=ADMIN_PASSWORD)
    created = subprocess.run([str(keel_binary()), "tokens", "create", "--name", "cli", "--expires", "7d", "--json"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert created.returncode == 0, created.stderr
    listed = subprocess.run([str(keel_binary()), "tokens", "list"], capture_output=True, text=True, env=env, timeout=60)
    assert "cli" in listed.stdout and "active" in listed.stdout
    anonymous = dict(os.environ, KEEL_SERVER=secured.url)
    for key in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN", "KEEL_TOKEN"):
        anonymous.pop(key, None)
    refused = subprocess.run([str(keel_binary()), "experiments", "list"], capture_output=True, text=True, env=anonymous, timeout=60)
    assert refused.returncode != 0 and "UNAUTHENTICATED" in refused.stderr


def test_the_servers_own_work_runs_under_auth(server_factory, backend, tmp_path):
    """A pipeline the server runs records through the API, and its deployment's model workers
    load the model from it: both with the server's own credentials, nothing configured.
    It trains a model, so it runs in the SQLite pass only."""
    if backend != "sqlite":
        pytest.skip("trains and serves a model: once, in the sqlite pass")
    import shutil
    import sys
    from pathlib import Path

    from support.serving import poll

    spec = server_factory.spec(backend)
    spec.env["KEEL_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    spec.env["KEEL_PYTHON"] = sys.executable
    spec.env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    spec.args.append("--auth")
    secured = server_factory.start(spec)
    admin = ("admin", ADMIN_PASSWORD)

    example = Path(__file__).resolve().parents[3] / "examples" / "churn"
    pipeline = tmp_path / "churn"
    shutil.copytree(example, pipeline, ignore=shutil.ignore_patterns(".keel", "keel.lock", "data", "model", "metrics", "eval", "keel-data"))
    assert call(secured, "POST", "/api/2.0/keel/pipelines", auth=admin, json={"name": "churn", "directory": str(pipeline)}).status_code == 200
    run = call(secured, "POST", "/api/2.0/keel/pipelines/churn/runs", auth=admin, json={}).json()["run"]

    def status():
        return call(secured, "GET", f"/api/2.0/keel/pipelines/churn/runs/{run['run_id']}", auth=admin).json()["run"]

    ended = poll(status, lambda r: r["status"] in ("succeeded", "failed", "cancelled"), 300, "the pipeline run", interval=1)
    assert ended["status"] == "succeeded", ended

    # The deployment's workers loaded version 1 through the secured API.
    def deployment():
        return call(secured, "GET", "/api/2.0/keel/deployments/churn", auth=admin).json()["deployment"]

    ready = poll(deployment, lambda d: d.get("state") in ("ready", "failed"), 180, "the deployment", interval=1)
    assert ready["state"] == "ready", ready
    rows = {"columns": ["age", "tenure_months", "monthly_charges", "plan", "country", "gender", "support_calls"],
            "data": [[40, 12, 70.5, "basic", "DE", "female", 3]]}
    refused = call(secured, "POST", "/deployments/churn/invocations", json={"dataframe_split": rows})
    assert refused.status_code == 401
    answer = call(secured, "POST", "/deployments/churn/invocations", auth=admin, json={"dataframe_split": rows})
    assert answer.status_code == 200, answer.text

    # Who asked is in the inference log, under the request id the caller got.
    request_id = answer.headers["X-Keel-Request-Id"]

    def logged():
        return call(secured, "GET", "/api/2.0/keel/inference-log", auth=admin, params={"deployment": "churn"}).json().get("records", [])

    records = poll(logged, lambda rs: any(r["request_id"] == request_id for r in rs), 30, "the logged prediction", interval=0.5)
    assert next(r for r in records if r["request_id"] == request_id)["caller"] == "admin"
    # Predictions are not copied into the audit log; the pipeline's changes are.
    audit = call(secured, "GET", "/api/2.0/keel/audit", auth=admin, params={"max_results": 1000}).json()["entries"]
    assert not any("invocations" in entry["action"] for entry in audit)


def test_mlflows_auth_client_manages_users(secured, monkeypatch):
    from mlflow.server import get_app_client

    client_env(monkeypatch, MLFLOW_TRACKING_USERNAME="admin", MLFLOW_TRACKING_PASSWORD=ADMIN_PASSWORD)
    auth = get_app_client("basic-auth", tracking_uri=secured.url)
    user = auth.create_user("carol", "carol's long password")
    assert user.username == "carol" and user.is_admin is False and isinstance(user.id, int)
    assert auth.get_user("carol").id == user.id
    auth.update_user_admin("carol", True)
    assert auth.get_user("carol").is_admin is True
    auth.update_user_password("carol", "carol's newer password")
    assert call(secured, "GET", "/api/2.0/keel/whoami", auth=("carol", "carol's newer password")).json()["is_admin"] is True
    auth.delete_user("carol")
    with pytest.raises(mlflow.exceptions.RestException):
        auth.get_user("carol")
    with pytest.raises(mlflow.exceptions.RestException):
        auth.create_user("dave", "short")
