"""The JSON fast path (keel_worker/json_batch.py): when it merges, and parity.

In-process on purpose: comparing ``score_batch`` with ``score_one`` (mlflow's
own ``invocations``, checked against ``mlflow models serve`` in
test_invocations_parity.py) needs no sockets, so hundreds of random bodies
run in seconds. The echo models return the values and dtypes pandas produced,
so a merge that changed what the model sees would change the bytes.
"""

import functools
import json

import pytest

from keel_worker.json_batch import SchemaHints, parse_tabular
from keel_worker.scoring import InvocationsScorer, Item
from support import bodies
from support.models import IRIS_COLUMNS

APP = "application/json"


@pytest.fixture(scope="module")
def scorers(sklearn_model, echo_model, echo_schema_model, counting_model):
    import mlflow

    paths = {"sklearn": sklearn_model, "echo": echo_model, "echo_schema": echo_schema_model,
             "counting": counting_model}
    return {name: InvocationsScorer(mlflow.pyfunc.load_model(p)) for name, p in paths.items()}


@pytest.fixture
def predict_calls(monkeypatch):
    """watch(scorer) -> list that receives the row count of every predict call."""

    def watch(scorer):
        calls, original = [], scorer.model.predict

        @functools.wraps(original)
        def predict(data, *args, **kwargs):
            calls.append(len(data))
            return original(data, *args, **kwargs)

        monkeypatch.setattr(scorer.model, "predict", predict)
        return calls

    return watch


def split(columns, rows) -> bytes:
    return json.dumps({"dataframe_split": {"columns": columns, "data": rows}}).encode()


def records(columns, rows) -> bytes:
    return json.dumps({"dataframe_records": [dict(zip(columns, r)) for r in rows]}).encode()


def as_items(pairs) -> list[Item]:
    return [Item(ct, body) for ct, body in pairs]


def assert_batch_equals_singles(scorer, items):
    batched = scorer.score_batch(items)
    singles = [scorer.score_one(item) for item in items]
    for index, (got, want) in enumerate(zip(batched, singles)):
        assert got == want, f"item {index}: {items[index].body[:200]!r}"
    return batched


# -- which bodies may merge --------------------------------------------------

HINTS = SchemaHints(float_columns=frozenset({"x"}), datetime_columns=frozenset({"when"}))

ELIGIBLE = {
    "split": ({"dataframe_split": {"columns": ["x", "s"], "data": [[1.5, "a"]]}}, ("float", "str")),
    "records": ({"dataframe_records": [{"x": 1.5, "s": "a"}]}, ("float", "str")),
    "records_other_key_order": (
        {"dataframe_records": [{"s": "a", "x": 1.5}, {"x": 2.5, "s": "b"}]}, ("str", "float")),
    "int_in_schema_float_column": ({"dataframe_split": {"columns": ["x"], "data": [[1]]}}, ("float",)),
    "int_elsewhere": ({"dataframe_split": {"columns": ["n"], "data": [[1]]}}, ("int",)),
    "int_and_float_rows": ({"dataframe_split": {"columns": ["n"], "data": [[1], [2.5]]}}, ("float",)),
    "bool": ({"dataframe_split": {"columns": ["b"], "data": [[True]]}}, ("bool",)),
}

NOT_ELIGIBLE = {
    "index": {"dataframe_split": {"columns": ["x"], "data": [[1.5]], "index": [0]}},
    "no_columns": {"dataframe_split": {"data": [[1.5]]}},
    "params": {"dataframe_split": {"columns": ["x"], "data": [[1.5]]}, "params": {"k": 1}},
    "extra_key": {"dataframe_split": {"columns": ["x"], "data": [[1.5]]}, "note": 1},
    "inputs": {"inputs": {"x": [1.5]}},
    "instances": {"instances": [{"x": 1.5}]},
    "ragged": {"dataframe_split": {"columns": ["x", "y"], "data": [[1.5]]}},
    "empty": {"dataframe_split": {"columns": ["x"], "data": []}},
    "scalar_rows": {"dataframe_split": {"columns": ["x"], "data": [1.5]}},
    "duplicate_columns": {"dataframe_split": {"columns": ["x", "x"], "data": [[1.5, 2.5]]}},
    "int_column_name": {"dataframe_split": {"columns": [0], "data": [[1.5]]}},
    "null": {"dataframe_split": {"columns": ["x"], "data": [[None]]}},
    "list_value": {"dataframe_split": {"columns": ["x"], "data": [[[1, 2]]]}},
    "huge_int": {"dataframe_split": {"columns": ["n"], "data": [[2**53 + 1]]}},
    "str_and_number": {"dataframe_split": {"columns": ["n"], "data": [["a"], [1]]}},
    "bool_and_number": {"dataframe_split": {"columns": ["n"], "data": [[True], [1]]}},
    "datetime_column": {"dataframe_split": {"columns": ["when"], "data": [["2024-01-02"]]}},
    "records_missing_key": {"dataframe_records": [{"x": 1.5, "s": "a"}, {"x": 2.5}]},
    "records_not_dicts": {"dataframe_records": [[1.5]]},
    "list_body": [1.5],
    "llm": {"messages": [{"role": "user", "content": "hi"}]},
}


@pytest.mark.parametrize("case", sorted(ELIGIBLE))
def test_plain_tabular_bodies_are_eligible(case):
    obj, kinds = ELIGIBLE[case]
    table = parse_tabular(json.dumps(obj).encode(), HINTS)
    assert table is not None and table.kinds == kinds


@pytest.mark.parametrize("case", sorted(NOT_ELIGIBLE))
def test_other_bodies_are_not(case):
    assert parse_tabular(json.dumps(NOT_ELIGIBLE[case]).encode(), HINTS) is None


def test_invalid_json_is_not_eligible():
    assert parse_tabular(b'{"dataframe_split": ', HINTS) is None
    assert parse_tabular(b'\xff\xfe', HINTS) is None


def test_schema_hints(scorers):
    hints = SchemaHints.from_schema(scorers["echo_schema"].input_schema)
    assert hints.float_columns == {"x", "y"}
    assert SchemaHints.from_schema(None) == SchemaHints()


# -- merging happens, and changes nothing ------------------------------------

def test_one_row_requests_share_one_predict(scorers, predict_calls):
    scorer = scorers["sklearn"]
    rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3, 4.2, 1.5], [6, 2.9, 5.6, 2]]
    items = as_items((APP, split(IRIS_COLUMNS, [rows[i % 4]])) for i in range(64))
    calls = predict_calls(scorer)
    results = scorer.score_batch(items)
    assert calls == [64]
    assert [r.body for r in results] == [b'{"predictions": [0]}', b'{"predictions": [2]}',
                                         b'{"predictions": [1]}', b'{"predictions": [2]}'] * 16
    assert_batch_equals_singles(scorer, items)


def test_records_and_split_merge(scorers, predict_calls):
    scorer = scorers["echo_schema"]
    columns = ["x", "y", "n", "s", "flag"]
    reordered = {"dataframe_records": [{"flag": False, "s": "b", "n": 6, "y": 0.5, "x": 7}]}
    items = as_items([(APP, split(columns, [[1.5, 2, 3, "a", True]])),
                      (APP, records(columns, [[2, 0.1, 4, "é", False], [3.25, 1, 5, "", True]])),
                      (APP, json.dumps(reordered).encode())])
    calls = predict_calls(scorer)
    scorer.score_batch(items)
    assert calls == [3, 1]  # items 0 and 1 merged; item 2 has another column order
    assert_batch_equals_singles(scorer, items)


def test_int_and_float_merge_only_under_a_float_schema(scorers, predict_calls):
    with_schema, plain = scorers["echo_schema"], scorers["echo"]
    columns = ["x", "y", "n", "s", "flag"]
    items = as_items([(APP, split(columns, [[1, 2, 3, "a", True]])),
                      (APP, split(columns, [[1.5, 2.5, 3, "a", True]]))])
    calls = predict_calls(with_schema)
    with_schema.score_batch(items)
    assert calls == [2]  # x/y are double/float in the schema: one group
    assert_batch_equals_singles(with_schema, items)
    calls = predict_calls(plain)
    results = plain.score_batch(items)
    assert calls == [1, 1]  # int64 vs float64 columns without a schema
    assert_batch_equals_singles(plain, items)
    assert [json.loads(r.body)["predictions"][0]["dtypes"] for r in results] == [
        "x:int64,y:int64,n:int64,s:str,flag:bool", "x:float64,y:float64,n:int64,s:str,flag:bool"]


def test_bad_items_get_mlflows_answer(scorers):
    scorer = scorers["sklearn"]
    good = split(IRIS_COLUMNS, [[5.1, 3.5, 1.4, 0.2]])
    bad = [
        split(IRIS_COLUMNS, [[5.1, 3.5, 1.4]]),            # ragged row
        split(IRIS_COLUMNS, [[5.1, 3.5, 1.4, None]]),       # null
        split(IRIS_COLUMNS, [["a", 3.5, 1.4, 0.2]]),        # string in a double column
        split(IRIS_COLUMNS[:3], [[5.1, 3.5, 1.4]]),         # missing column
        b'{"dataframe_split": ',                            # invalid JSON
    ]
    items = as_items([(APP, good)] + [(APP, b) for b in bad] + [(APP, good)])
    results = assert_batch_equals_singles(scorer, items)
    assert [r.status for r in results] == [200, 400, 400, 400, 400, 400, 200]


def test_group_whose_merged_predict_fails_is_scored_item_by_item(scorers, predict_calls):
    scorer = scorers["sklearn"]
    missing = IRIS_COLUMNS[:3]  # same columns and kinds: merged, schema enforcement fails
    items = as_items([(APP, split(missing, [[5.1, 3.5, 1.4]])), (APP, split(missing, [[1.0, 2, 3]]))])
    calls = predict_calls(scorer)
    results = scorer.score_batch(items)
    assert calls == [2, 1, 1]  # merged attempt, then one call per item
    assert [r.status for r in results] == [400, 400]
    assert_batch_equals_singles(scorer, items)


def test_one_bad_item_in_a_large_group_costs_few_predicts(scorers, predict_calls):
    """NaN parses as a float but sklearn rejects it: the group is halved until
    the bad item is alone, instead of scoring all 32 items one by one."""
    scorer = scorers["sklearn"]
    rows = [[5.1, 3.5, 1.4, 0.2]] * 32
    rows[21] = [5.1, float("nan"), 1.4, 0.2]
    items = as_items((APP, split(IRIS_COLUMNS, [row])) for row in rows)
    calls = predict_calls(scorer)
    results = scorer.score_batch(items)
    assert [r.status for r in results] == [200] * 21 + [400] + [200] * 10
    # 32 fails, 0-15 ok, 16-31 fails, 16-23 fails, 16-19 ok, 20-23 fails, 20-21 fails
    # (too small to halve), 22-23 ok, 24-31 ok; then items 20 and 21 alone.
    assert calls == [32, 16, 16, 8, 4, 4, 2, 2, 8, 1, 1]
    assert_batch_equals_singles(scorer, items)


# -- random batches: the batch answers exactly like single requests -----------

RANDOM_MODELS = {
    "sklearn": {c: bodies.IRIS_NUMBERS for c in IRIS_COLUMNS},
    "echo": bodies.ECHO_COLUMNS,
    "echo_schema": bodies.ECHO_SCHEMA_COLUMNS,
    "counting": {"a": bodies.NUMBERS, "b": bodies.NUMBERS},
}


@pytest.mark.parametrize("model", sorted(RANDOM_MODELS))
@pytest.mark.parametrize("seed", range(6))
def test_random_batches_equal_single_requests(scorers, predict_calls, model, seed):
    scorer = scorers[model]
    items = as_items(bodies.random_batch(seed, RANDOM_MODELS[model], size=32))
    calls = predict_calls(scorer)
    scorer.score_batch(items)
    batch_calls = len(calls)
    assert_batch_equals_singles(scorer, items)  # the same batch again, then each item alone
    single_calls = len(calls) - 2 * batch_calls
    assert batch_calls < single_calls, "compatible items should have been merged"
