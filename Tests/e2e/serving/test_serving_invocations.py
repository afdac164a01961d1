"""MLflow's scoring protocol on a deployment: `/deployments/{name}/invocations`.

Why: this is the endpoint existing `mlflow models serve` users switch to, so
each input format must give exactly the model's own predictions, errors must
be what mlflow answers (MLflow error format, 400/404/413/415), and every
answer must say which request id and model version produced it.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from support import serving
from support.rest import assert_error, describe, unique_name

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows()
PAYLOADS = serving.invocation_payloads(ROWS)
# One over the worker's attachment limit (PROTOCOL.md §2): the gateway must refuse it with 413.
OVERSIZED_BYTES = 268435456 + 1


@pytest.mark.parametrize("fmt", sorted(PAYLOADS))
def test_every_input_format_predicts_like_the_model(keel, iris_deployment, fmt):
    resp = keel.invoke(iris_deployment, PAYLOADS[fmt])
    assert serving.predictions_of(resp) == serving.expected_predictions(ROWS), describe(resp)
    assert resp.headers.get("Content-Type", "").startswith("application/json"), describe(resp)


def test_single_row_and_whole_data_set(keel, iris_deployment):
    X, _ = serving.iris_frame()
    one = X.iloc[[77]]
    assert serving.predictions_of(keel.invoke(iris_deployment, serving.split_payload(one))) == \
        serving.expected_predictions(one)
    assert serving.predictions_of(keel.invoke(iris_deployment, serving.split_payload(X))) == \
        serving.expected_predictions(X)


def test_answers_carry_request_id_and_model_version(keel, iris_deployment, iris_model):
    ids = []
    for fmt in sorted(PAYLOADS):
        resp = keel.invoke(iris_deployment, PAYLOADS[fmt])
        assert resp.status_code == 200, describe(resp)
        assert resp.headers.get(serving.VERSION_HEADER) == iris_model.versions["iris"], dict(resp.headers)
        request_id = resp.headers.get(serving.REQUEST_ID_HEADER)
        assert request_id, f"no {serving.REQUEST_ID_HEADER}: {dict(resp.headers)}"
        ids.append(request_id)
    assert len(set(ids)) == len(ids), f"request ids repeat: {ids}"


def test_ping_answers_200_for_a_ready_deployment(keel, iris_deployment):
    resp = keel.request("GET", f"/deployments/{iris_deployment}/ping")
    assert resp.status_code == 200, describe(resp)


def test_concurrent_requests_each_get_their_own_rows(server, iris_deployment):
    """Adaptive batching must hand every caller the predictions of its own rows."""
    X, _ = serving.iris_frame()
    slices = [X.iloc[i:i + 1 + i % 5] for i in range(0, 140, 7)]

    def call(rows):
        keel = serving.Serving(server.url)
        return serving.predictions_of(keel.invoke(iris_deployment, serving.split_payload(rows)))

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(call, slices * 3))
    assert answers == [serving.expected_predictions(rows) for rows in slices * 3]


# -- errors -----------------------------------------------------------------

def test_unknown_deployment_is_404_in_mlflow_format(keel):
    resp = keel.invoke(unique_name("absent"), PAYLOADS["dataframe_split"])
    assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")
    resp = keel.request("GET", f"/deployments/{unique_name('absent')}/ping")
    assert resp.status_code in (404, 503), describe(resp)


@pytest.mark.parametrize("case", sorted(serving.BAD_INVOCATION_BODIES))
def test_bad_bodies_are_400_in_mlflow_format(keel, iris_deployment, case):
    body, code = serving.BAD_INVOCATION_BODIES[case]
    resp = keel.invoke(iris_deployment, serving.Payload("application/json", body))
    assert_error(resp, 400, code)


@pytest.mark.parametrize("content_type", serving.UNSUPPORTED_CONTENT_TYPES)
def test_unsupported_content_type_is_415(keel, iris_deployment, content_type):
    resp = keel.invoke(iris_deployment, serving.Payload(content_type, PAYLOADS["dataframe_split"].body))
    assert resp.status_code == 415, describe(resp)


def test_charset_utf8_is_accepted(keel, iris_deployment):
    payload = serving.Payload("application/json; charset=utf-8", PAYLOADS["dataframe_split"].body)
    assert serving.predictions_of(keel.invoke(iris_deployment, payload)) == serving.expected_predictions(ROWS)


def test_oversized_body_is_413_and_the_deployment_keeps_serving(keel, server, iris_deployment):
    status, body = serving.post_oversized(server.url, keel.invocations_path(iris_deployment), OVERSIZED_BYTES)
    assert status == 413, f"{OVERSIZED_BYTES}-byte body -> {status} {body[:300]!r}"
    resp = keel.invoke(iris_deployment, PAYLOADS["dataframe_split"])
    assert serving.predictions_of(resp) == serving.expected_predictions(ROWS)
