"""Bad requests get MLflow-format errors with the right status, never a 5xx.

(The no-5xx rule itself is enforced for every test by conftest's guard.)
"""

import pytest

from support.rest import API, assert_error, describe


@pytest.mark.parametrize("path", [
    "experiments/create", "runs/create", "runs/log-metric",
    pytest.param("runs/log-batch", marks=pytest.mark.keel_only),  # the reference answers 500
])
def test_malformed_json_body_is_400(api, path):
    resp = api.raw("POST", f"{API}/{path}", data=b'{"name": "x", bad json',
                   headers={"Content-Type": "application/json"})
    assert_error(resp, 400, ("BAD_REQUEST", "INVALID_PARAMETER_VALUE", "MALFORMED_REQUEST"))


@pytest.mark.parametrize("payload", [
    pytest.param(b'"a string"', marks=pytest.mark.keel_only),  # the reference answers 500
    b"[1, 2]",
    pytest.param(b"42", marks=pytest.mark.keel_only),  # the reference answers 500
    b"null",
], ids=["string", "array", "number", "null"])
def test_non_object_json_body_is_400(api, payload):
    resp = api.raw("POST", f"{API}/runs/create", data=payload, headers={"Content-Type": "application/json"})
    assert_error(resp, 400, ("BAD_REQUEST", "INVALID_PARAMETER_VALUE", "MALFORMED_REQUEST"))


@pytest.mark.parametrize("path,body", [
    ("experiments/create", {}),
    ("experiments/delete", {}),
    ("experiments/update", {"new_name": "x"}),
    ("runs/log-parameter", {"key": "k", "value": "v"}),
    ("runs/set-tag", {"key": "k", "value": "v"}),
    ("runs/log-batch", {"metrics": []}),
    ("runs/delete", {}),
])
def test_missing_required_field_is_400(api, path, body):
    assert_error(api.post(path, body), 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("path,params", [
    ("runs/get", {}),
    ("experiments/get", {}),
    ("experiments/get-by-name", {}),
    ("metrics/get-history", {"run_id": "0123456789abcdef0123456789abcdef"}),
])
def test_missing_required_query_parameter_is_400(api, path, params):
    assert_error(api.get(path, params), 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("path,body", [
    ("experiments/create", {"name": ["a", "list"]}),
    pytest.param("runs/log-metric", {"key": "m", "value": {"x": 1}, "timestamp": 1}, marks=pytest.mark.keel_only),
    ("runs/log-batch", {"metrics": "not-a-list"}),
    ("runs/search", {"experiment_ids": ["0"], "max_results": "many"}),
], ids=["name-list", "metric-value-object", "batch-metrics-string", "max-results-string"])
def test_wrong_json_types_are_400(api, path, body):
    if path.startswith("runs/log"):
        body = {"run_id": api.create_run(api.create_experiment("types"))["info"]["run_id"], **body}
    resp = api.post(path, body)
    assert resp.status_code == 400, f"expected 400: {describe(resp)}"


@pytest.mark.keel_only
@pytest.mark.parametrize("method,path", [
    ("GET", "/api/2.0/mlflow/no-such-endpoint"),
    ("POST", "/api/2.0/mlflow/runs/no-such-verb"),
    ("GET", "/api/2.0/mlflow-artifacts/no-such-thing"),
])
def test_unknown_route_is_json_endpoint_not_found(api, method, path):
    # The reference answers with HTML; the registry's POST->GET fallback needs JSON.
    assert_error(api.raw(method, path), 404, "ENDPOINT_NOT_FOUND")


@pytest.mark.keel_only
def test_wrong_method_is_json_error(api):
    resp = api.raw("DELETE", f"{API}/experiments/get")
    assert resp.status_code in (404, 405), describe(resp)
    assert resp.headers.get("Content-Type", "").startswith("application/json"), describe(resp)
    assert resp.json().get("error_code") in ("ENDPOINT_NOT_FOUND", "BAD_REQUEST", "NOT_IMPLEMENTED"), describe(resp)


def test_error_body_is_mlflow_format(api):
    resp = api.get("runs/get", {"run_id": "0123456789abcdef0123456789abcdef"})
    body = assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")
    assert resp.headers.get("Content-Type", "").startswith("application/json")
    assert body["message"]
