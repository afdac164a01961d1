"""Custom pyfunc models for the serving tests, pickled by value.

Why a module of its own: the worker that loads these models runs with
`PYTHONPATH=<repo>/python` and cannot import anything under Tests/. cloudpickle
therefore has to carry the classes' code inside the model artifact
(`register_pickle_by_value`), and a tiny module keeps that payload small.

The two models are built to be told apart on the wire: `ConstantModel`
answers a value no iris classifier can (iris classes are 0, 1, 2), and
`FailingModel` loads fine but raises on every prediction.
"""

from __future__ import annotations

import numpy as np
from mlflow.pyfunc import PythonModel

CONSTANT_PREDICTION = 7


class ConstantModel(PythonModel):
    """Predicts CONSTANT_PREDICTION for every input row."""

    def predict(self, context, model_input, params=None):
        return np.full(len(model_input), CONSTANT_PREDICTION, dtype=np.int64)


class FailingModel(PythonModel):
    """Loads like any model, raises on every prediction (a broken candidate)."""

    def predict(self, context, model_input, params=None):
        raise RuntimeError("keel-e2e: this model always fails to predict")
