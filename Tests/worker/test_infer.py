"""Open Inference Protocol v2 `infer` items: request decoding and response shape."""

import json

import pytest

from support.models import IRIS_COLUMNS

ROWS = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]
EXPECTED = [0, 2, 1]  # what /invocations answers for ROWS (see parity tests)


def body(obj) -> bytes:
    return json.dumps(obj).encode()


def matrix_request(**extra):
    flat = [v for row in ROWS for v in row]
    return {"inputs": [{"name": "input-0", "shape": [3, 4], "datatype": "FP64", "data": flat}],
            **extra}


def test_feature_matrix_round_trip(sklearn_worker):
    (reply,) = sklearn_worker.infer([body(matrix_request(id="req-1"))],
                                    model_name="iris", model_version="3")
    assert reply.status == 200 and reply.content_type == "application/json"
    assert reply.json() == {
        "model_name": "iris", "model_version": "3", "id": "req-1",
        "outputs": [{"name": "output-0", "datatype": "INT64", "shape": [3], "data": EXPECTED}],
    }


def test_model_name_and_id_omitted_when_not_given(sklearn_worker):
    (reply,) = sklearn_worker.infer([body(matrix_request())])
    assert set(reply.json()) == {"outputs"}


def test_one_tensor_per_column_nested_data(sklearn_worker):
    inputs = [
        {"name": c, "shape": [3, 1], "datatype": "FP64", "data": [[r[i]] for r in ROWS]}
        for i, c in enumerate(IRIS_COLUMNS)
    ]
    (reply,) = sklearn_worker.infer([body({"inputs": inputs, "outputs": [{"name": "output-0"}]})])
    assert reply.status == 200, reply.body
    assert reply.json()["outputs"][0]["data"] == EXPECTED


def test_fp32_columns_are_accepted(sklearn_worker):
    inputs = [{"name": c, "shape": [3], "datatype": "FP32", "data": [r[i] for r in ROWS]}
              for i, c in enumerate(IRIS_COLUMNS)]
    (reply,) = sklearn_worker.infer([body({"inputs": inputs})])
    assert reply.status == 200, reply.body
    assert reply.json()["outputs"][0]["data"] == EXPECTED


def test_xgboost_float_output(xgboost_worker):
    inputs = [{"name": c, "shape": [2], "datatype": "FP64", "data": [r[i] for r in ROWS[:2]]}
              for i, c in enumerate(IRIS_COLUMNS[:3])]
    (reply,) = xgboost_worker.infer([body({"inputs": inputs})])
    out = reply.json()["outputs"][0]
    assert (out["name"], out["datatype"], out["shape"]) == ("output-0", "FP32", [2])
    (inv,) = xgboost_worker.invocations([("application/json", body(
        {"dataframe_split": {"columns": IRIS_COLUMNS[:3], "data": [r[:3] for r in ROWS[:2]]}}))])
    assert out["data"] == pytest.approx(inv.json()["predictions"], rel=1e-6)


def test_dataframe_output_and_params(counting_worker):
    request = {
        "inputs": [{"name": "a", "shape": [2], "datatype": "FP64", "data": [1.0, 2.0]},
                   {"name": "b", "shape": [2], "datatype": "FP64", "data": [3.0, 4.0]}],
        "parameters": {"scale": 2.0, "content_type": "pd", "binary_data_output": False},
    }
    (reply,) = counting_worker.infer([body(request)])
    assert reply.json()["outputs"] == [
        {"name": "total", "datatype": "FP64", "shape": [2, 1], "data": [8.0, 12.0]}
    ]


BAD_REQUESTS = {
    "not_json": (b"{", "not valid JSON"),
    "no_inputs": (body({"id": "x"}), "non-empty 'inputs'"),
    "count_mismatch": (body({"inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "FP64",
                                         "data": [1.0, 2.0]}]}), "needs 8 elements, data has 2"),
    "bad_datatype": (body({"inputs": [{"name": "x", "shape": [1], "datatype": "FLOAT",
                                       "data": [1]}]}), "unsupported datatype"),
    "binary_data": (body({"inputs": [{"name": "x", "shape": [1], "datatype": "FP32",
                                      "parameters": {"binary_data_size": 4}}]}),
                    "decoded by the gateway"),
    "unknown_output": (body(matrix_request(outputs=[{"name": "probabilities"}])),
                       "unknown output 'probabilities'"),
    "wrong_columns": (body({"inputs": [{"name": "x", "shape": [1], "datatype": "FP64",
                                        "data": [1.0]}]}), "model prediction failed"),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_errors_are_oip_400(sklearn_worker, case):
    payload, fragment = BAD_REQUESTS[case]
    (reply,) = sklearn_worker.infer([payload])
    assert reply.status == 400
    assert set(reply.json()) == {"error"}
    assert fragment in reply.json()["error"]


def test_batch_of_infer_items_isolates_errors(sklearn_worker):
    replies = sklearn_worker.infer([body(matrix_request()), b"[]", body(matrix_request(id="b"))])
    assert [r.status for r in replies] == [200, 400, 200]
    assert replies[2].json()["id"] == "b"
