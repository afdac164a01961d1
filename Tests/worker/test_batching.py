"""Adaptive batching: N items in one frame answer exactly like N single requests."""

import json

import pytest

from support import bodies
from support.models import IRIS_COLUMNS

APP = "application/json"


def split_body(columns, rows) -> bytes:
    return json.dumps({"dataframe_split": {"columns": columns, "data": rows}}).encode()


def records_body(columns, rows) -> bytes:
    return json.dumps({"dataframe_records": [dict(zip(columns, r)) for r in rows]}).encode()


def iris_items():
    rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5], [6.3, 2.9, 5.6, 1.8]]
    csv = ",".join(IRIS_COLUMNS) + "\n" + "\n".join(",".join(map(str, r)) for r in rows[:2])
    return [
        (APP, split_body(IRIS_COLUMNS, rows[:1])),
        (APP, split_body(IRIS_COLUMNS, rows[1:3])),
        (APP, records_body(IRIS_COLUMNS, rows)),
        ("text/csv", csv.encode()),
        (APP, json.dumps({"inputs": {c: [rows[3][i]] for i, c in enumerate(IRIS_COLUMNS)}}).encode()),
    ]


def _singles(worker, items):
    return [worker.invocations([item])[0] for item in items]


@pytest.mark.parametrize("worker_fixture", ["sklearn_worker", "xgboost_worker"])
def test_batch_equals_single_requests(request, worker_fixture):
    worker = request.getfixturevalue(worker_fixture)
    items = iris_items()
    if worker_fixture == "xgboost_worker":  # xgboost model has 3 features
        items = [
            (APP, split_body(IRIS_COLUMNS[:3], [[5.1, 3.5, 1.4], [6.7, 3.0, 5.2]])),
            (APP, split_body(IRIS_COLUMNS[:3], [[5.9, 3.0, 4.2]])),
            (APP, records_body(IRIS_COLUMNS[:3], [[6.3, 2.9, 5.6], [5.0, 3.4, 1.5]])),
        ]
    batched = worker.invocations(items)
    singles = _singles(worker, items)
    assert [r.status for r in batched] == [200] * len(items)
    assert [(r.status, r.content_type, r.body) for r in batched] == [
        (r.status, r.content_type, r.body) for r in singles
    ]


def test_bad_item_fails_alone(sklearn_worker):
    good = iris_items()
    bad = [
        (APP, b"{not json"),
        (APP, split_body(IRIS_COLUMNS[:2], [[1.0, 2.0]])),  # missing columns -> schema error
        ("text/plain", b"x"),
    ]
    items = [good[0], bad[0], good[1], bad[1], good[2], bad[2]]
    replies = sklearn_worker.invocations(items)
    assert [r.status for r in replies] == [200, 400, 200, 400, 200, 415]
    singles = _singles(sklearn_worker, items)
    assert [r.body for r in replies] == [r.body for r in singles]
    assert replies[1].json()["error_code"] == "BAD_REQUEST"
    assert replies[3].json()["error_code"] == "INVALID_PARAMETER_VALUE"


def _calls(worker) -> list[int]:
    if not worker.predict_log.exists():
        return []
    return [int(x) for x in worker.predict_log.read_text().split()]


def _reset(worker):
    worker.predict_log.write_text("")


def test_compatible_items_share_one_predict_call(counting_worker):
    items = [(APP, split_body(["a", "b"], [[float(i), 1.0]] * (i + 1))) for i in range(5)]
    _reset(counting_worker)
    replies = counting_worker.invocations(items)
    assert _calls(counting_worker) == [15]  # 1+2+3+4+5 rows in one call
    assert [r.json() for r in replies] == [
        {"predictions": [{"total": i + 1.0}] * (i + 1)} for i in range(5)
    ]
    _reset(counting_worker)
    assert [r.body for r in _singles(counting_worker, items)] == [r.body for r in replies]
    assert _calls(counting_worker) == [1, 2, 3, 4, 5]


def test_params_and_other_columns_are_not_merged(counting_worker):
    with_params = json.dumps(
        {"dataframe_split": {"columns": ["a", "b"], "data": [[1.0, 1.0]]}, "params": {"scale": 10.0}}
    ).encode()
    items = [
        (APP, split_body(["a", "b"], [[1.0, 2.0]])),
        (APP, with_params),
        (APP, split_body(["a", "b"], [[3.0, 4.0]])),
        (APP, split_body(["b", "a"], [[3.0, 4.0]])),  # column order differs
    ]
    _reset(counting_worker)
    replies = counting_worker.invocations(items)
    assert sorted(_calls(counting_worker)) == [1, 1, 2]
    assert [r.json()["predictions"] for r in replies] == [
        [{"total": 3.0}], [{"total": 20.0}], [{"total": 7.0}], [{"total": 7.0}]
    ]


def test_single_bad_row_in_group_falls_back_per_item(counting_worker):
    items = [
        (APP, split_body(["a", "b"], [[1.0, 2.0]])),
        (APP, records_body(["a", "b"], [["x", "y"]])),  # strings: schema enforcement fails
        (APP, split_body(["a", "b"], [[3.0, 4.0]])),
    ]
    replies = counting_worker.invocations(items)
    assert [r.status for r in replies] == [200, 400, 200]
    assert replies[0].json() == {"predictions": [{"total": 3.0}]}


@pytest.mark.parametrize("worker_fixture, reference_fixture, columns", [
    ("sklearn_worker", "sklearn_reference", {c: bodies.IRIS_NUMBERS for c in IRIS_COLUMNS}),
    ("echo_worker", "echo_reference", bodies.ECHO_COLUMNS),  # no schema: echoes pandas dtypes
], ids=["sklearn", "echo"])
def test_random_batch_matches_mlflow_models_serve(request, worker_fixture, reference_fixture, columns):
    """One frame of 64 mixed bodies (mostly mergeable one-row requests, plus
    int/float mixes, other column orders, records, bad items, other formats);
    every item must get what `mlflow models serve` answers for it alone."""
    worker = request.getfixturevalue(worker_fixture)
    reference = request.getfixturevalue(reference_fixture)
    items = bodies.random_batch(seed=11, columns=columns, size=64)
    replies = worker.invocations(items)
    for index, ((content_type, body), reply) in enumerate(zip(items, replies)):
        expected = reference.invocations(content_type, body)
        assert (reply.status, reply.content_type, reply.body) == expected, f"item {index}: {body!r}"
    assert sum(r.status == 200 for r in replies) > 32
