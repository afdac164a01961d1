"""Batched serialisation (keel_worker/predictions.py) = mlflow's, byte for byte.

``split_prediction_bodies`` converts the whole prediction once and encodes
each item's rows with ``json.dumps``; mlflow's ``predictions_to_json`` converts
each piece and encodes it with ``json.dump``. These tests feed both the kinds
of outputs models return (numpy arrays of every common dtype, DataFrames,
Series, lists of numpy scalars) including the awkward values (NaN, ±inf,
-0.0, non-ASCII and control characters, timestamps, None, bytes).
"""

import datetime
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from mlflow.pyfunc.scoring_server import predictions_to_json

from keel_worker.predictions import split_prediction_bodies
from keel_worker.scoring import InvocationsScorer, Item

SIZES = [1, 2, 1, 3, 1]  # rows per item; 8 rows in all
N = sum(SIZES)
FLOATS = [0.1, np.nan, np.inf, -np.inf, -0.0, 1e-300, 1 / 3, 2.0]
STRINGS = ["a", "é", "日本", 'quote"back\\slash', "\n\t\x00", "\u2028", "", "x"]


def _timestamps():
    values = ["2024-01-02", "2024-03-04 05:06:07.123456", None] + ["2020-01-01"] * 5
    return pd.to_datetime(values, format="ISO8601")


PREDICTIONS = {
    "int64": lambda: np.array([0, 2, 1, 1, 0, 2, -7, 2**62]),
    "int32": lambda: np.arange(N, dtype=np.int32),
    "float64": lambda: np.array(FLOATS),
    "float32": lambda: np.array(FLOATS, dtype=np.float32),
    "bool": lambda: np.array([True, False] * 4),
    "str": lambda: np.array(STRINGS),
    "bytes": lambda: np.array([b"ab", b"\x00\xff"] * 4),
    "object_mixed": lambda: np.array(
        [np.float64(1.5), np.int64(2), "s", None, np.float32(0.1), True, np.bool_(False),
         [np.int8(1), 2.5]], dtype=object),
    "matrix": lambda: np.arange(N * 3, dtype=np.float64).reshape(N, 3) / 7,
    "tensor3": lambda: np.arange(N * 4).reshape(N, 2, 2),
    "datetime64": lambda: _timestamps().to_numpy(),
    "dataframe": lambda: pd.DataFrame({
        "f": FLOATS, "f32": np.array(FLOATS, dtype=np.float32), "i": range(N),
        "s": STRINGS, "b": [True, False] * 4, "t": _timestamps(),
        "o": [None, 1, "x", 2.5, [1], {"k": 1}, np.int64(3), b"z"],
        "nullable": pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64"),
        "cat": pd.Categorical(["a", "b"] * 4),
    }),
    "dataframe_int_columns": lambda: pd.DataFrame(np.arange(N * 2).reshape(N, 2)),
    "series_named": lambda: pd.Series(FLOATS, name="score"),
    "series_unnamed": lambda: pd.Series(STRINGS),
    "list_numpy_scalars": lambda: [np.int64(i) for i in range(N)],
    "list_of_dicts": lambda: [{"label": s, "p": f} for s, f in zip(STRINGS, FLOATS)],
    "list_of_lists": lambda: [[i, float(i) / 3] for i in range(N)],
    "datetimes": lambda: [datetime.datetime(2024, 1, i + 1, 3, 4, 5) for i in range(N)],
}


def _mlflow_bodies(predictions, sizes):
    """What the single path produces: predictions_to_json of each item's rows."""
    bodies, start = [], 0
    for size in sizes:
        piece = predictions[start:start + size]
        if isinstance(predictions, (pd.DataFrame, pd.Series)):
            piece = predictions.iloc[start:start + size]
        out = StringIO()
        predictions_to_json(piece, out)
        bodies.append(out.getvalue().encode("utf-8"))
        start += size
    return bodies


@pytest.mark.parametrize("case", sorted(PREDICTIONS))
def test_bodies_match_predictions_to_json(case):
    predictions = PREDICTIONS[case]()
    assert split_prediction_bodies(predictions, SIZES) == _mlflow_bodies(predictions, SIZES)


@pytest.mark.parametrize("predictions", [
    np.array(3), np.arange(N + 1), [1] * (N - 1), {"a": list(range(N))}, 7, "text",
    (1,) * N, pd.DataFrame({"a": range(N - 1)}),
], ids=["0d", "long_array", "short_list", "dict", "int", "str", "tuple", "short_frame"])
def test_not_row_aligned_is_none(predictions):
    assert split_prediction_bodies(predictions, SIZES) is None


def test_unserialisable_output_falls_back_to_mlflow():
    """A set cannot be encoded: each item then gets mlflow's own (500) answer."""
    from mlflow.models import Model

    class SetModel:
        metadata = Model()

        def predict(self, data, params=None):
            return [{1}] * len(data)

    scorer = InvocationsScorer(SetModel())
    body = b'{"dataframe_split": {"columns": ["a"], "data": [[1]]}}'
    items = [Item("application/json", body)] * 3
    results = scorer.score_batch(items)
    assert results == [scorer.score_one(item) for item in items]
    assert results[0].status == 500
