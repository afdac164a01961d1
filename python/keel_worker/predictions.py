"""Split one batched prediction back into per-request JSON bodies.

Why not call mlflow's ``predictions_to_json`` once per piece: for a batch of
64 one-row requests that is 64 ``_get_jsonable_obj`` conversions (a
``DataFrame.to_dict`` each for DataFrame outputs) and 64 runs of the
pure-Python ``json.dump`` encoder. Here the whole prediction is made
JSON-able once with mlflow's own ``_get_jsonable_obj`` and each row slice is
encoded with ``json.dumps`` and mlflow's ``NumpyEncoder``. The bytes are the
same as ``predictions_to_json(piece)`` because

* ``_get_jsonable_obj`` maps an ndarray, DataFrame or Series to a list with one
  entry per row (``tolist()`` / ``to_dict(orient="records")``), and converting
  a row slice gives the same entries as slicing the converted list;
* ``json.dumps`` (the C encoder) and ``json.dump`` (the Python encoder) emit the
  same text for the same object and encoder class: both format floats and
  ints with ``float.__repr__``/``int.__repr__`` and call ``default`` for
  anything else.

Tests/worker/test_fast_path.py checks this against ``predictions_to_json``.
"""

from __future__ import annotations

import json


def _jsonable_rows(predictions, total: int) -> list | None:
    """One JSON-able entry per input row, or None if not row-aligned."""
    import numpy as np
    import pandas as pd
    from mlflow.utils.proto_json_utils import _get_jsonable_obj

    if not isinstance(predictions, (np.ndarray, pd.DataFrame, pd.Series, list)):
        return None
    rows = _get_jsonable_obj(predictions, pandas_orient="records")
    if not isinstance(rows, list) or len(rows) != total:
        return None
    return rows


def split_prediction_bodies(predictions, sizes: list[int]) -> list[bytes] | None:
    """``{"predictions": …}`` body per item (``sizes`` = rows per item), or None.

    None means the predictions cannot be split back by rows (not an ndarray,
    DataFrame, Series or list, or the wrong length); the caller then scores
    the items one by one.
    """
    from mlflow.utils.proto_json_utils import NumpyEncoder

    rows = _jsonable_rows(predictions, sum(sizes))
    if rows is None:
        return None
    bodies, start = [], 0
    for size in sizes:
        piece = rows[start:start + size]
        bodies.append(json.dumps({"predictions": piece}, cls=NumpyEncoder).encode("utf-8"))
        start += size
    return bodies
