"""Open Inference Protocol (KServe v2) on the server's port, judged by tritonclient and curl.

Why: `tritonclient[http]` is the OIP client people use, and its defaults are
the hard part (binary tensors after the JSON header, no Content-Type). Plain
JSON is checked with curl, the other client everyone has. Errors must be
`{"error": "..."}` with 400/404/413 so that tritonclient can report them.
"""

import json
import subprocess

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from support import serving
from support.rest import describe, unique_name

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows()
OVERSIZED_BYTES = 268435456 + 1


@pytest.fixture
def triton(server):
    client = httpclient.InferenceServerClient(url=server.url.removeprefix("http://"),
                                              connection_timeout=60.0, network_timeout=120.0)
    yield client
    client.close()


def column_inputs(rows, binary_data: bool) -> list:
    inputs = []
    for column in rows.columns:
        tensor = httpclient.InferInput(column, [len(rows), 1], "FP64")
        tensor.set_data_from_numpy(rows[[column]].to_numpy(dtype=np.float64), binary_data=binary_data)
        inputs.append(tensor)
    return inputs


def matrix_input(rows, binary_data: bool) -> list:
    tensor = httpclient.InferInput("input-0", [len(rows), len(rows.columns)], "FP64")
    tensor.set_data_from_numpy(rows.to_numpy(dtype=np.float64), binary_data=binary_data)
    return [tensor]


def output_name(triton, name: str) -> str:
    outputs = triton.get_model_metadata(name)["outputs"]
    assert len(outputs) == 1, outputs
    return outputs[0]["name"]


# -- health and metadata ------------------------------------------------------

def test_health_and_readiness(triton, iris_deployment, iris_model):
    assert triton.is_server_live()
    assert triton.is_server_ready()
    assert triton.is_model_ready(iris_deployment)
    assert triton.is_model_ready(iris_deployment, model_version=iris_model.versions["iris"])
    assert not triton.is_model_ready(unique_name("absent"))


def test_server_metadata(triton, iris_deployment):
    metadata = triton.get_server_metadata()
    assert isinstance(metadata.get("name"), str) and metadata["name"], metadata
    assert isinstance(metadata.get("version"), str) and metadata["version"], metadata
    assert isinstance(metadata.get("extensions"), list), metadata


@pytest.mark.parametrize("versioned", [False, True], ids=["latest", "versioned"])
def test_model_metadata_describes_the_signature(triton, iris_deployment, iris_model, versioned):
    version = iris_model.versions["iris"]
    metadata = triton.get_model_metadata(iris_deployment, model_version=version if versioned else "")
    assert metadata["name"] == iris_deployment, metadata
    assert version in metadata.get("versions", []), metadata
    assert isinstance(metadata.get("platform"), str) and metadata["platform"], metadata
    assert metadata["inputs"] == [{"name": c, "datatype": "FP64", "shape": [-1, 1]} for c in serving.IRIS_COLUMNS]
    assert len(metadata["outputs"]) == 1 and metadata["outputs"][0]["datatype"] == "INT64", metadata
    assert metadata["outputs"][0]["shape"] == [-1], metadata


# -- inference ----------------------------------------------------------------

@pytest.mark.parametrize("binary_data", [True, False], ids=["binary", "json"])
@pytest.mark.parametrize("layout", ["columns", "matrix"])
def test_tritonclient_infer_predicts_like_the_model(triton, iris_deployment, iris_model, binary_data, layout):
    inputs = column_inputs(ROWS, binary_data) if layout == "columns" else matrix_input(ROWS, binary_data)
    name = output_name(triton, iris_deployment)
    result = triton.infer(iris_deployment, inputs,
                          outputs=[httpclient.InferRequestedOutput(name, binary_data=binary_data)])
    np.testing.assert_array_equal(result.as_numpy(name).reshape(-1), serving.expected_predictions(ROWS))
    response = result.get_response()
    assert response["model_name"] == iris_deployment, response
    assert response.get("model_version") == iris_model.versions["iris"], response


@pytest.mark.parametrize("binary_data", [True, False], ids=["binary", "json"])
def test_tritonclient_infer_without_requested_outputs(triton, iris_deployment, binary_data):
    """No `outputs`: every output comes back (tritonclient then asks for binary outputs)."""
    result = triton.infer(iris_deployment, column_inputs(ROWS, binary_data), request_id="req-42")
    name = output_name(triton, iris_deployment)
    np.testing.assert_array_equal(result.as_numpy(name).reshape(-1), serving.expected_predictions(ROWS))
    assert result.get_response().get("id") == "req-42", result.get_response()


def test_tritonclient_infer_on_the_versioned_path(triton, iris_deployment, iris_model):
    result = triton.infer(iris_deployment, column_inputs(ROWS, True), model_version=iris_model.versions["iris"])
    name = output_name(triton, iris_deployment)
    np.testing.assert_array_equal(result.as_numpy(name).reshape(-1), serving.expected_predictions(ROWS))


def test_tritonclient_reports_unknown_model_as_404(triton):
    with pytest.raises(InferenceServerException) as raised:
        triton.infer(unique_name("absent"), column_inputs(ROWS, True))
    assert raised.value.status() == "404", f"{raised.value.status()} {raised.value.message()}"
    assert raised.value.message(), "the 404 came without an error message"


def test_curl_json_infer(server, iris_deployment, iris_model):
    url = f"{server.url}/v2/models/{iris_deployment}/infer"
    body = json.dumps(serving.oip_columns_request(ROWS, request_id="curl-1"))
    result = subprocess.run(
        ["curl", "-sS", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@-",
         "-D", "-", "-w", "\n%{http_code}", url],
        input=body, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"curl exited {result.returncode}: {result.stderr}"
    head, _, rest = result.stdout.replace("\r\n", "\n").partition("\n\n")  # -D - puts the headers first
    answer, _, status = rest.rpartition("\n")
    assert status == "200", f"curl: {status} {answer[:400]!r}"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head.splitlines()[1:])}
    assert headers.get(serving.VERSION_HEADER.lower()) == iris_model.versions["iris"], headers
    assert headers.get(serving.REQUEST_ID_HEADER.lower()), headers
    response = json.loads(answer)
    assert response["model_name"] == iris_deployment and response.get("id") == "curl-1", response
    assert serving.oip_single_output(response) == serving.expected_predictions(ROWS)


def test_json_infer_headers(keel, iris_deployment, iris_model):
    resp = keel.infer(iris_deployment, serving.oip_matrix_request(ROWS))
    assert resp.status_code == 200, describe(resp)
    assert resp.headers.get(serving.VERSION_HEADER) == iris_model.versions["iris"]
    assert resp.headers.get(serving.REQUEST_ID_HEADER)
    assert serving.oip_single_output(resp.json()) == serving.expected_predictions(ROWS)


def test_nested_data_is_accepted(keel, iris_deployment):
    body = serving.oip_matrix_request(ROWS)
    body["inputs"][0]["data"] = ROWS.values.tolist()
    resp = keel.infer(iris_deployment, body)
    assert resp.status_code == 200, describe(resp)
    assert serving.oip_single_output(resp.json()) == serving.expected_predictions(ROWS)


# -- errors -------------------------------------------------------------------

def test_unknown_model_is_404_with_error(keel):
    absent = unique_name("absent")
    serving.assert_oip_error(keel.infer(absent, serving.oip_columns_request(ROWS)), 404)
    serving.assert_oip_error(keel.request("GET", f"/v2/models/{absent}"), 404)
    serving.assert_oip_error(keel.request("GET", f"/v2/models/{absent}/ready"), 404)


def test_unknown_version_is_404_with_error(keel, iris_deployment):
    serving.assert_oip_error(keel.infer(iris_deployment, serving.oip_columns_request(ROWS), version="999"), 404)


def _bad_requests() -> dict[str, bytes]:
    def matrix(**change) -> bytes:
        body = serving.oip_matrix_request(ROWS)
        body["inputs"][0].update(change)
        for key in [k for k, v in change.items() if v is None]:
            del body["inputs"][0][key]
        return json.dumps(body).encode()

    n = len(ROWS)
    return {
        "unknown-datatype": matrix(datatype="FLOAT"),
        "strings-as-FP64": matrix(data=["x"] * (n * 4)),
        "negative-dimension": matrix(shape=[-1, 4]),
        "shape-not-a-list": matrix(shape="12x4"),
        "too-few-elements": matrix(shape=[n + 1, 4]),
        "too-many-elements": matrix(data=ROWS.values.flatten().tolist() + [1.0]),
        "missing-data": matrix(data=None),
        "missing-datatype": matrix(datatype=None),
        "no-inputs": json.dumps({"id": "x"}).encode(),
        "inputs-not-a-list": json.dumps({"inputs": {"name": "input-0"}}).encode(),
        "unknown-output": json.dumps({**serving.oip_matrix_request(ROWS), "outputs": [{"name": "nope"}]}).encode(),
        "invalid-json": b'{"inputs": [',
        "not-an-object": b"[1, 2]",
    }


BAD_REQUESTS = _bad_requests()


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_infer_requests_are_400_with_error(keel, iris_deployment, case):
    serving.assert_oip_error(keel.infer(iris_deployment, BAD_REQUESTS[case]), 400)


def _binary_body() -> tuple[bytes, int]:
    body, json_size = httpclient.InferenceServerClient.generate_request_body(matrix_input(ROWS, True))
    return body, json_size


def test_truncated_binary_tensor_is_400_with_error(keel, iris_deployment):
    body, json_size = _binary_body()
    resp = keel.infer(iris_deployment, body[:-8], headers={"Inference-Header-Content-Length": str(json_size)},
                      content_type=None)
    serving.assert_oip_error(resp, 400)


def test_binary_header_length_beyond_body_is_400_with_error(keel, iris_deployment):
    body, _ = _binary_body()
    resp = keel.infer(iris_deployment, body, headers={"Inference-Header-Content-Length": str(len(body) + 10)},
                      content_type=None)
    serving.assert_oip_error(resp, 400)


def test_raw_binary_request_is_accepted(keel, iris_deployment):
    """The same bytes tritonclient sends, through requests: checks the gateway, not the client."""
    body, json_size = _binary_body()
    resp = keel.infer(iris_deployment, body, headers={"Inference-Header-Content-Length": str(json_size)},
                      content_type=None)
    assert resp.status_code == 200, describe(resp)
    header_length = resp.headers.get("Inference-Header-Content-Length")
    result = httpclient.InferenceServerClient.parse_response_body(
        resp.content, header_length=int(header_length) if header_length else None)
    name = result.get_response()["outputs"][0]["name"]
    np.testing.assert_array_equal(result.as_numpy(name).reshape(-1), serving.expected_predictions(ROWS))


def test_oversized_infer_body_is_413_with_error(keel, server, iris_deployment):
    status, body = serving.post_oversized(server.url, keel.infer_path(iris_deployment), OVERSIZED_BYTES)
    assert status == 413, f"{OVERSIZED_BYTES}-byte body -> {status} {body[:300]!r}"
    try:
        error = json.loads(body)
    except ValueError:
        error = None
    assert isinstance(error, dict) and isinstance(error.get("error"), str), f"413 body is not {{\"error\"}}: {body[:300]!r}"
    assert serving.oip_single_output(keel.infer(iris_deployment, serving.oip_matrix_request(ROWS)).json()) == \
        serving.expected_predictions(ROWS)
