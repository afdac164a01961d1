"""Deployments: the REST API and `keel deploy`, from registration to deletion.

Why: a deployment is the unit operators manage, so its lifecycle must be
observable and exact — created from `name@alias` or `name/version`, ready
only when its workers are, gone (workers too) after delete — and every
mistake in a request must come back as an MLflow-format error with the code a
client can act on, never as a half-created deployment.
"""

import json
import subprocess

import pytest

from support import guard, serving
from support.registry_models import bare_version_source
from support.rest import assert_error, assert_ok, describe, unique_name
from support.servers import keel_binary

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows()
CLI_TIMEOUT_S = 240  # `deploy create` waits for the workers to load the model


def keel_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(keel_binary()), *args], capture_output=True, text=True,
                          timeout=CLI_TIMEOUT_S, check=False)


def cli_ok(*args: str) -> subprocess.CompletedProcess:
    result = keel_cli(*args)
    assert result.returncode == 0, (f"keel {' '.join(args)} exited {result.returncode}: "
                                    f"stdout={result.stdout[-600:]!r} stderr={result.stderr[-600:]!r}")
    return result


def cli_json(*args: str):
    result = cli_ok(*args, "--json")
    try:
        return json.loads(result.stdout)
    except ValueError as error:
        raise AssertionError(f"keel {' '.join(args)} --json printed non-JSON: {result.stdout[-400:]!r}") from error


def unwrap(value, key: str):
    """`--json` may print the object itself or the REST envelope around it."""
    return value[key] if isinstance(value, dict) and key in value else value


def test_rest_lifecycle(server, keel, iris_model):
    name = unique_name("dep")
    model = f"{iris_model.name}@champion"
    before = serving.worker_pids(server.process.pid)
    try:
        created = assert_ok(keel.create({"name": name, "model": model, "workers": 1}))["deployment"]
        assert created["name"] == name and created["model"] == model, created
        assert created["model_name"] == iris_model.name and created["alias"] == "champion", created
        assert created["follow_alias"] is True, created
        assert created["state"] in ("starting", "ready"), created
        assert created["workers"] == 1, created

        ready = keel.wait_ready(name)
        assert ready["primary_version"] == iris_model.versions["iris"], ready
        assert ready["traffic"]["kind"] == "single", ready
        expected_target = {"version": iris_model.versions["iris"], "role": "primary", "state": "ready",
                           "workers": 1, "ready_workers": 1}
        assert len(ready["targets"]) == 1, ready
        assert {k: ready["targets"][0].get(k) for k in expected_target} == expected_target, ready
        assert isinstance(ready["max_batch_size"], int) and ready["max_batch_size"] >= 1, ready
        assert isinstance(ready["max_batch_wait_ms"], (int, float)) and ready["max_batch_wait_ms"] >= 0, ready
        assert isinstance(ready["created_at"], int) and ready["updated_at"] >= ready["created_at"], ready
        assert name in [d["name"] for d in keel.list()]

        ours = serving.worker_pids(server.process.pid) - before
        assert len(ours) == 1, f"expected one worker process for workers=1, found {sorted(ours)}"
        assert serving.predictions_of(keel.invoke(name, serving.split_payload(ROWS))) == \
            serving.expected_predictions(ROWS)
    finally:
        deleted = keel.delete(name)
    assert assert_ok(deleted) == {}, describe(deleted)

    assert_error(keel.get(name), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(keel.invoke(name, serving.split_payload(ROWS)), 404, "RESOURCE_DOES_NOT_EXIST")
    serving.assert_oip_error(keel.request("GET", f"/v2/models/{name}/ready"), 404)
    assert name not in [d["name"] for d in keel.list()]
    serving.poll(lambda: serving.worker_pids(server.process.pid) & ours, lambda left: not left, 60,
                 f"the worker processes of deleted deployment {name} to exit")
    assert_error(keel.delete(name), 404, "RESOURCE_DOES_NOT_EXIST")


def test_create_from_a_pinned_version(keel, deployments, iris_model):
    model = f"{iris_model.name}/{iris_model.versions['iris']}"
    ready = deployments.create(model)
    assert ready["model"] == model and ready["model_name"] == iris_model.name, ready
    assert ready["primary_version"] == iris_model.versions["iris"], ready
    resp = keel.invoke(ready["name"], serving.split_payload(ROWS))
    assert serving.predictions_of(resp) == serving.expected_predictions(ROWS)
    assert resp.headers.get(serving.VERSION_HEADER) == iris_model.versions["iris"]


def test_patch_batching_settings(keel, deployments, iris_model):
    name = deployments.create(f"{iris_model.name}@champion")["name"]
    patched = assert_ok(keel.patch(name, {"max_batch_size": 7, "max_batch_wait_ms": 3}))["deployment"]
    assert (patched["max_batch_size"], patched["max_batch_wait_ms"]) == (7, 3), patched
    shown = keel.deployment(name)
    assert (shown["max_batch_size"], shown["max_batch_wait_ms"]) == (7, 3), shown
    keel.wait_ready(name)
    assert serving.predictions_of(keel.invoke(name, serving.split_payload(ROWS))) == \
        serving.expected_predictions(ROWS)


def test_cli_create_list_show_delete(server, keel, iris_model):
    name = unique_name("cli")
    try:
        cli_ok("deploy", "create", name, "--model", f"{iris_model.name}@champion", "--server", server.url)
        # `deploy create` waits until ready: no polling here.
        shown = keel.deployment(name)
        assert shown["state"] == "ready", shown
        assert shown["primary_version"] == iris_model.versions["iris"], shown

        listed = unwrap(cli_json("deploy", "list", "--server", server.url), "deployments")
        assert isinstance(listed, list) and name in [d.get("name") for d in listed], listed
        described = unwrap(cli_json("deploy", "show", name, "--server", server.url), "deployment")
        assert described["name"] == name and described["state"] == "ready", described
        assert described["primary_version"] == iris_model.versions["iris"], described
        assert described["model"] == f"{iris_model.name}@champion", described

        assert serving.predictions_of(keel.invoke(name, serving.split_payload(ROWS))) == \
            serving.expected_predictions(ROWS)
    finally:
        deleted = keel_cli("deploy", "delete", name, "--server", server.url)
    assert deleted.returncode == 0, f"deploy delete: {deleted.stdout[-400:]!r} {deleted.stderr[-400:]!r}"
    assert_error(keel.get(name), 404, "RESOURCE_DOES_NOT_EXIST")
    absent = keel_cli("deploy", "show", name, "--server", server.url, "--json")
    assert absent.returncode != 0, f"deploy show of a deleted deployment exited 0: {absent.stdout[-300:]!r}"
    assert absent.stderr.strip(), "a failing `deploy show` should say why on stderr"


def test_cli_create_of_unknown_model_fails_with_a_message(server):
    result = keel_cli("deploy", "create", unique_name("cli"), "--model", f"{unique_name('absent')}@champion",
                      "--server", server.url)
    assert result.returncode != 0, f"exited 0: {result.stdout[-300:]!r}"
    assert result.stderr.strip(), "no message on stderr"


def test_model_that_cannot_load_fails_with_the_workers_message(client, keel, deployments):
    """A version without artifacts: the deployment says `failed` and why, instead of hanging."""
    name = unique_name("broken")
    experiment_id = client.create_experiment(unique_name("broken"))
    run = client.create_run(experiment_id)
    client.create_registered_model(name)
    client.create_model_version(name, bare_version_source(run), run_id=run.info.run_id)
    dep_name = unique_name("dep")
    deployments.create(f"{name}/1", name=dep_name, wait=False)
    failed = serving.poll(lambda: keel.deployment(dep_name), lambda d: d["state"] != "starting",
                          serving.MODEL_LOAD_TIMEOUT_S, f"deployment {dep_name} to leave `starting`")
    assert failed["state"] == "failed", failed
    assert "failed to load model" in failed.get("message", ""), failed
    ping = keel.request("GET", f"/deployments/{dep_name}/ping")
    assert ping.status_code == 503, describe(ping)
    guard.forgive(lambda entry: entry.endswith(f"/deployments/{dep_name}/ping -> 503"))


# -- invalid requests ----------------------------------------------------------

INVALID = (400, ("INVALID_PARAMETER_VALUE", "BAD_REQUEST"))
MISSING = (404, ("RESOURCE_DOES_NOT_EXIST",))


def _create_cases(model_name: str) -> dict:
    """case -> (body, [(status, codes)] accepted)."""
    name = unique_name("bad")
    return {
        "missing-model": ({"name": name}, [INVALID]),
        "missing-name": ({"model": f"{model_name}@champion"}, [INVALID]),
        "empty-name": ({"name": "", "model": f"{model_name}@champion"}, [INVALID]),
        "slash-in-name": ({"name": "bad/name", "model": f"{model_name}@champion"}, [INVALID]),
        "model-not-a-reference": ({"name": name, "model": model_name}, [INVALID]),
        "unknown-model-alias": ({"name": name, "model": f"{unique_name('absent')}@champion"}, [MISSING]),
        "unknown-model-version": ({"name": name, "model": f"{unique_name('absent')}/1"}, [MISSING]),
        "unknown-alias": ({"name": name, "model": f"{model_name}@no-such-alias"}, [INVALID, MISSING]),
        "unknown-version": ({"name": name, "model": f"{model_name}/999"}, [MISSING]),
        "zero-workers": ({"name": name, "model": f"{model_name}@champion", "workers": 0}, [INVALID]),
        "negative-batch": ({"name": name, "model": f"{model_name}@champion", "max_batch_size": -1}, [INVALID]),
        "workers-not-a-number": ({"name": name, "model": f"{model_name}@champion", "workers": "two"}, [INVALID]),
    }


CREATE_CASES = list(_create_cases("m"))


def assert_error_among(resp, accepted: list) -> dict:
    try:
        body = resp.json()
    except ValueError:
        body = None
    ok = isinstance(body, dict) and any(
        resp.status_code == status and body.get("error_code") in codes for status, codes in accepted)
    assert ok and isinstance(body.get("message"), str), f"expected one of {accepted}: {describe(resp)}"
    return body


@pytest.mark.parametrize("case", CREATE_CASES)
def test_invalid_create_is_an_mlflow_error(keel, iris_model, case):
    body, accepted = _create_cases(iris_model.name)[case]
    resp = keel.create(body)
    if resp.status_code == 200:
        keel.delete(body.get("name", ""))
    assert_error_among(resp, accepted)
    if body.get("name") and "/" not in body["name"]:
        assert_error(keel.get(body["name"]), 404, "RESOURCE_DOES_NOT_EXIST")


def test_invalid_json_body_is_400(keel):
    resp = keel.request("POST", serving.DEPLOYMENTS, data=b'{"name": ', headers={"Content-Type": "application/json"})
    assert_error_among(resp, [INVALID])


def test_duplicate_name_is_resource_already_exists(keel, iris_deployment, iris_model):
    before = keel.deployment(iris_deployment)
    resp = keel.create({"name": iris_deployment, "model": f"{iris_model.name}/{iris_model.versions['iris']}"})
    assert_error(resp, 400, "RESOURCE_ALREADY_EXISTS")
    after = keel.deployment(iris_deployment)
    assert (after["model"], after["primary_version"], after["created_at"]) == \
        (before["model"], before["primary_version"], before["created_at"])


@pytest.mark.parametrize("method, suffix", [
    ("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/promote"), ("POST", "/rollback"), ("GET", "/history"),
])
def test_unknown_deployment_is_resource_does_not_exist(keel, method, suffix):
    path = f"{serving.DEPLOYMENTS}/{unique_name('absent')}{suffix}"
    kwargs = {"json": {"traffic": {"kind": "single"}}} if method == "PATCH" else {}
    assert_error(keel.request(method, path, **kwargs), 404, "RESOURCE_DOES_NOT_EXIST")


def test_targets_name_their_live_worker_processes(keel, deployments, iris_model):
    """worker_pids lists exactly the ready workers, and each is a running keel_worker."""
    name = deployments.create(f"{iris_model.name}/{iris_model.versions['iris']}", workers=2)["name"]
    shown = assert_ok(keel.get(name))["deployment"]
    (target,) = shown["targets"]
    assert len(target["worker_pids"]) == target["ready_workers"] == 2, shown
    for pid in target["worker_pids"]:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            assert b"keel_worker" in cmdline.read(), pid
