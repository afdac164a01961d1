"""Every /invocations body gets byte-for-byte what `mlflow models serve` returns.

The reference is a real `mlflow models serve --env-manager local` process on
the same saved model; status, Content-Type header and body must all match.
"""

import json

import pytest

from support.models import IRIS_COLUMNS

ROWS = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]
XGB_COLUMNS = IRIS_COLUMNS[:3]


def _csv(columns, rows) -> bytes:
    header = ",".join(columns)
    return ("\n".join([header] + [",".join(map(str, r)) for r in rows]) + "\n").encode()


def _json(obj) -> bytes:
    return json.dumps(obj).encode()


def payloads(columns, rows):
    records = [dict(zip(columns, r)) for r in rows]
    columnar = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    app = "application/json"
    return {
        "dataframe_split": (app, _json({"dataframe_split": {"columns": columns, "data": rows}})),
        "dataframe_split_index": (app, _json(
            {"dataframe_split": {"columns": columns, "data": rows, "index": [10, 11, 12]}})),
        "dataframe_records": (app, _json({"dataframe_records": records})),
        "instances_dicts": (app, _json({"instances": records})),
        "inputs_columnar": (app, _json({"inputs": columnar})),
        "params_tolerated": (app, _json(
            {"dataframe_split": {"columns": columns, "data": rows}, "params": {"x": 1}})),
        "charset_utf8": ("application/json; charset=utf-8", _json({"dataframe_records": records})),
        "csv": ("text/csv", _csv(columns, rows)),
        "csv_charset": ("text/csv; charset=UTF-8", _csv(columns, rows)),
        # errors
        "invalid_json": (app, b'{"dataframe_split": '),
        "not_utf8": (app, b'{"inputs": "\xff\xfe"}'),
        "json_list": (app, b"[1, 2, 3]"),
        "two_keys": (app, _json({"inputs": columnar, "instances": records})),
        "no_key": (app, _json({"data": rows})),
        "missing_column": (app, _json(
            {"dataframe_split": {"columns": columns[:-1], "data": [r[:-1] for r in rows]}})),
        "bad_split_key": (app, _json({"dataframe_split": {"columns": columns, "rows": rows}})),
        "wrong_types": (app, _json({"dataframe_records": [{c: "abc" for c in columns}]})),
        "unsupported_type": ("text/plain", b"hello"),
        "latin1_charset": ("application/json; charset=latin-1", _json({"dataframe_records": records})),
        "extra_ct_param": ("application/json; format=pandas-split", _json({"dataframe_records": records})),
        "no_content_type": (None, _json({"dataframe_records": records})),
        "bad_csv": ("text/csv", b"a,b\n1,2,3,4\n\"unterminated"),
    }


SKLEARN_CASES = payloads(IRIS_COLUMNS, ROWS)
XGB_CASES = payloads(XGB_COLUMNS, [r[:3] for r in ROWS])


def _assert_same(worker, reference, content_type, body):
    (reply,) = worker.invocations([(content_type, body)])
    status, ref_type, ref_body = reference.invocations(content_type, body)
    assert (reply.status, reply.content_type) == (status, ref_type)
    assert reply.body == ref_body
    return reply


@pytest.mark.parametrize("case", sorted(SKLEARN_CASES))
def test_sklearn_matches_mlflow_models_serve(case, sklearn_worker, sklearn_reference):
    content_type, body = SKLEARN_CASES[case]
    _assert_same(sklearn_worker, sklearn_reference, content_type, body)


@pytest.mark.parametrize("case", ["dataframe_split", "dataframe_records", "inputs_columnar",
                                  "csv", "missing_column", "json_list"])
def test_xgboost_matches_mlflow_models_serve(case, xgboost_worker, xgboost_reference):
    content_type, body = XGB_CASES[case]
    _assert_same(xgboost_worker, xgboost_reference, content_type, body)


def test_known_answer(sklearn_worker):
    content_type, body = SKLEARN_CASES["dataframe_split"]
    (reply,) = sklearn_worker.invocations([(content_type, body)])
    assert reply.status == 200
    assert reply.body == b'{"predictions": [0, 2, 1]}'


def test_serving_input_example_is_accepted(sklearn_worker, sklearn_model):
    """The example mlflow stores with the model is already an /invocations body."""
    with open(f"{sklearn_model}/serving_input_example.json", "rb") as fh:
        body = fh.read()
    (reply,) = sklearn_worker.invocations([("application/json", body)])
    assert reply.status == 200
    assert len(reply.json()["predictions"]) == 3
