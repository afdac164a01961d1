"""Registry errors on the wire: HTTP status and MLflow error_code, never a 5xx.

Why raw HTTP: the client turns these answers into exceptions (and acts on some
codes: RESOURCE_ALREADY_EXISTS on create means "go on"), so the status and
error_code the server sends are checked directly. Version `source` checks
guard the server's own files: a version must not point the artifact proxy at
an arbitrary local path.
"""

import pytest

from support.rest import API, assert_error, assert_ok, describe, unique_name

MISSING = "RESOURCE_DOES_NOT_EXIST"
INVALID = "INVALID_PARAMETER_VALUE"


def _model(api) -> str:
    """A registered model with no versions."""
    name = unique_name("err")
    assert_ok(api.post("registered-models/create", {"name": name}))
    return name


def _model_with_version(api) -> tuple[str, dict]:
    """A registered model with version 1 registered from a run; returns (name, run)."""
    name = _model(api)
    run = api.create_run(api.create_experiment("err"))
    source = f"{run['info']['artifact_uri']}/model"
    assert_ok(api.post("model-versions/create", {"name": name, "source": source, "run_id": run["info"]["run_id"]}))
    return name, run


def test_get_missing_model_is_404(api):
    assert_error(api.get("registered-models/get", {"name": unique_name("absent")}), 404, MISSING)


def test_get_missing_version_is_404(api):
    name = _model(api)
    assert_error(api.get("model-versions/get", {"name": name, "version": "7"}), 404, MISSING)


def test_delete_missing_model_is_404(api):
    resp = api.raw("DELETE", f"{API}/registered-models/delete", json={"name": unique_name("absent")})
    assert_error(resp, 404, MISSING)


def test_duplicate_create_is_400_already_exists(api):
    name = _model(api)
    assert_error(api.post("registered-models/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS")


def test_alias_to_missing_version_is_404(api):
    name, _ = _model_with_version(api)
    resp = api.post("registered-models/alias", {"name": name, "alias": "champion", "version": "9"})
    assert_error(resp, 404, MISSING)


def test_get_unknown_alias_is_400(api):
    name, _ = _model_with_version(api)
    resp = api.get("registered-models/alias", {"name": name, "alias": "nobody"})
    assert_error(resp, 400, INVALID)


@pytest.mark.parametrize("alias", ["latest", "LATEST", "v1", "V12"])
def test_reserved_alias_is_400(api, alias):
    name, _ = _model_with_version(api)
    resp = api.post("registered-models/alias", {"name": name, "alias": alias, "version": "1"})
    assert_error(resp, 400, INVALID)


def test_delete_unknown_alias_is_200(api):
    name, _ = _model_with_version(api)
    assert_ok(api.raw("DELETE", f"{API}/registered-models/alias", json={"name": name, "alias": "nobody"}))


@pytest.mark.parametrize("path,filter_string", [
    ("registered-models/search", "name = "),
    ("registered-models/search", "nonsense_column = 'x'"),
    ("model-versions/search", "name == 'x' AND"),
    ("model-versions/search", "nonsense_column = 'x'"),
])
def test_bad_filter_is_400(api, path, filter_string):
    assert_error(api.get(path, {"filter": filter_string}), 400, INVALID)


@pytest.mark.parametrize("path", ["model-versions/get", "model-versions/get-download-uri"])
def test_non_numeric_version_is_400(api, path):
    name, _ = _model_with_version(api)
    assert_error(api.get(path, {"name": name, "version": "one"}), 400, INVALID)


def test_non_numeric_alias_version_is_400(api):
    name, _ = _model_with_version(api)
    resp = api.post("registered-models/alias", {"name": name, "alias": "champion", "version": "one"})
    assert_error(resp, 400, INVALID)


@pytest.mark.parametrize("source", [
    "/etc/passwd",
    "file:///etc/passwd",
    "RUNS_TRAVERSAL",
], ids=["absolute-path", "file-uri", "runs-uri-traversal"])
def test_version_source_outside_the_run_is_400(api, source):
    name, run = _model_with_version(api)
    run_id = run["info"]["run_id"]
    source = source.replace("RUNS_TRAVERSAL", f"runs:/{run_id}/../../x")
    resp = api.post("model-versions/create", {"name": name, "source": source, "run_id": run_id})
    assert_error(resp, 400, INVALID)


def test_version_source_without_run_is_400(api):
    name = _model(api)
    resp = api.post("model-versions/create", {"name": name, "source": "/etc/passwd"})
    assert resp.status_code == 400, f"local path without a run must be refused: {describe(resp)}"
