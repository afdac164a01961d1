"""`keel serve`: a drop-in for `mlflow models serve -m models:/NAME@champion`.

Why: users replace `mlflow models serve` by `keel serve` in scripts and
containers, so the same requests must get the same answers: /ping, /health,
/version, and /invocations for every input format and every error mlflow
distinguishes. The model comes from a Keel tracking server through
MLFLOW_TRACKING_URI, as in production.

With KEEL_E2E_TARGET=mlflow the process under test is `mlflow models serve`
itself; that is how the expectations here (and the shared payload tables in
support/serving.py) are validated against the reference.
"""

import pytest
import requests

from support import serving
from support.rest import assert_error, describe
from support.servers import target

ROWS = serving.sample_rows()
PAYLOADS = serving.invocation_payloads(ROWS)


@pytest.fixture(scope="module")
def standalone(server, iris_model, tmp_path_factory):
    """`keel serve` (or, against the reference, `mlflow models serve`) for iris_model@champion."""
    log_dir = tmp_path_factory.mktemp("standalone")
    uri = f"models:/{iris_model.name}@champion"
    start = serving.start_keel_serve if target() == "keel" else serving.start_mlflow_serve
    process = start(uri, server.url, log_dir)
    try:
        yield process.wait_ready()
    finally:
        process.stop()


@pytest.fixture(scope="module")
def reference(server, iris_model, tmp_path_factory):
    """A real `mlflow models serve --env-manager local` for the same model URI."""
    process = serving.start_mlflow_serve(f"models:/{iris_model.name}@champion", server.url,
                                         tmp_path_factory.mktemp("reference"))
    try:
        yield process.wait_ready()
    finally:
        process.stop()


def post(url: str, payload: serving.Payload) -> requests.Response:
    return requests.post(f"{url}/invocations", data=payload.body, headers=payload.headers,
                         timeout=serving.REQUEST_TIMEOUT_S)


@pytest.mark.parametrize("path", ["/ping", "/health", "/version"])
def test_health_endpoints_answer_200(standalone, path):
    resp = requests.get(f"{standalone.url}{path}", timeout=30)
    assert resp.status_code == 200, describe(resp)
    if path == "/version":
        assert resp.text.strip(), "/version answered an empty body"


def test_other_methods_on_invocations_are_405_like_mlflow(standalone):
    resp = requests.get(f"{standalone.url}/invocations", timeout=30)
    assert resp.status_code == 405, describe(resp)
    assert resp.json() == {"detail": "Method Not Allowed"}, describe(resp)


def test_version_is_labelled_json_like_mlflow(standalone):
    resp = requests.get(f"{standalone.url}/version", timeout=30)
    assert resp.headers["Content-Type"].startswith("application/json"), describe(resp)


@pytest.mark.parametrize("fmt", sorted(PAYLOADS))
def test_invocations_predict_like_the_model(standalone, fmt):
    resp = post(standalone.url, PAYLOADS[fmt])
    assert serving.predictions_of(resp) == serving.expected_predictions(ROWS), describe(resp)


def test_invocations_tolerate_params_for_a_model_without_params(standalone):
    body = {"dataframe_split": {"columns": list(ROWS.columns), "data": ROWS.values.tolist()}, "params": {"x": 1}}
    resp = post(standalone.url, serving.json_payload(body))
    assert serving.predictions_of(resp) == serving.expected_predictions(ROWS), describe(resp)


@pytest.mark.parametrize("case", sorted(serving.BAD_INVOCATION_BODIES))
def test_bad_bodies_are_400_in_mlflow_format(standalone, case):
    body, code = serving.BAD_INVOCATION_BODIES[case]
    assert_error(post(standalone.url, serving.Payload("application/json", body)), 400, code)


@pytest.mark.parametrize("content_type", serving.UNSUPPORTED_CONTENT_TYPES)
def test_unsupported_content_type_is_415(standalone, content_type):
    resp = post(standalone.url, serving.Payload(content_type, PAYLOADS["dataframe_split"].body))
    assert resp.status_code == 415, describe(resp)


@pytest.mark.keel_only
def test_open_inference_beside_the_scoring_protocol(standalone, iris_model):
    """`keel serve` also answers OIP; the model is called `model` (docs/serving.md)."""
    assert requests.get(f"{standalone.url}/v2/health/live", timeout=30).status_code == 200
    assert requests.get(f"{standalone.url}/v2/health/ready", timeout=30).status_code == 200
    assert requests.get(f"{standalone.url}/v2/models/model/ready", timeout=30).status_code == 200
    resp = requests.post(f"{standalone.url}/v2/models/model/infer", json=serving.oip_columns_request(ROWS),
                         timeout=serving.REQUEST_TIMEOUT_S)
    assert resp.status_code == 200, describe(resp)
    assert serving.oip_single_output(resp.json()) == serving.expected_predictions(ROWS)
    unknown = requests.post(f"{standalone.url}/v2/models/not-{iris_model.name}/infer",
                            json=serving.oip_columns_request(ROWS), timeout=30)
    serving.assert_oip_error(unknown, 404)


def _parity_cases() -> dict[str, serving.Payload]:
    cases = dict(PAYLOADS)
    cases["csv-charset"] = serving.Payload("text/csv; charset=utf-8", PAYLOADS["csv"].body)
    cases["params"] = serving.json_payload(
        {"dataframe_split": {"columns": list(ROWS.columns), "data": ROWS.values.tolist()}, "params": {"x": 1}})
    for name, (body, _) in serving.BAD_INVOCATION_BODIES.items():
        cases[name] = serving.Payload("application/json", body)
    for content_type in serving.UNSUPPORTED_CONTENT_TYPES:
        cases[f"type {content_type}"] = serving.Payload(content_type, PAYLOADS["dataframe_split"].body)
    return cases


PARITY_CASES = _parity_cases()


def _essence(resp: requests.Response) -> tuple:
    """What must match between two scoring servers: status, media type, and the
    JSON answer (the error_code only for errors: messages embed a Python set
    whose order varies between processes)."""
    media_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    try:
        body = resp.json()
    except ValueError:
        body = None
    if resp.status_code == 200:
        return resp.status_code, media_type, body
    return resp.status_code, media_type, body.get("error_code") if isinstance(body, dict) else None


@pytest.mark.slow
@pytest.mark.parametrize("case", list(PARITY_CASES))
def test_answers_like_mlflow_models_serve(standalone, reference, case):
    payload = PARITY_CASES[case]
    expected, actual = post(reference.url, payload), post(standalone.url, payload)
    assert _essence(actual) == _essence(expected), (
        f"{case}: mlflow models serve answered {describe(expected)}\n  but got {describe(actual)}")


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/ping", "/health", "/version"])
def test_health_and_version_like_mlflow_models_serve(standalone, reference, path):
    """Same status and body (/version: the mlflow version that loads the model)."""
    expected = requests.get(f"{reference.url}{path}", timeout=30)
    actual = requests.get(f"{standalone.url}{path}", timeout=30)
    assert actual.status_code == expected.status_code == 200, (describe(expected), describe(actual))
    assert actual.text.strip() == expected.text.strip(), (describe(expected), describe(actual))
