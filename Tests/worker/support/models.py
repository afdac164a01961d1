"""Test models saved to local directories (no tracking server needed).

Why these three: sklearn LogisticRegression is the canonical tabular model
(ColSpec signature, int tensor output); xgboost exercises a second flavor with
float outputs and the missing-package path; the counting pyfunc makes
adaptive batching observable (it logs each predict call to a file) and has a
params schema and DataFrame output.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

import mlflow
from mlflow.models import infer_signature
from mlflow.pyfunc import PythonModel

IRIS_COLUMNS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
PREDICT_LOG_ENV = "KEEL_TEST_PREDICT_LOG"


def iris_frame() -> tuple[pd.DataFrame, pd.Series]:
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True, as_frame=True)
    return X, y


def save_sklearn(path: str) -> str:
    from sklearn.linear_model import LogisticRegression

    X, y = iris_frame()
    model = LogisticRegression(max_iter=1000).fit(X, y)
    mlflow.sklearn.save_model(
        model, path, signature=infer_signature(X, model.predict(X)), input_example=X.head(3)
    )
    return path


def save_xgboost(path: str) -> str:
    import xgboost as xgb

    X, y = iris_frame()
    target = X.pop("petal width (cm)")
    model = xgb.XGBRegressor(n_estimators=20, max_depth=3).fit(X, target)
    mlflow.xgboost.save_model(
        model, path, signature=infer_signature(X, model.predict(X)), input_example=X.head(3)
    )
    return path


class CountingModel(PythonModel):
    """total = (a + b) * scale; logs the row count of every predict call."""

    def predict(self, context, model_input, params=None):
        log = os.environ.get(PREDICT_LOG_ENV)
        if log:
            with open(log, "a") as fh:
                fh.write(f"{len(model_input)}\n")
        scale = (params or {}).get("scale", 1.0)
        return pd.DataFrame({"total": (model_input["a"] + model_input["b"]) * scale})


def save_counting(path: str) -> str:
    import cloudpickle

    import support.models as this_module

    # Pickle the class by value so the worker needs no access to Tests/.
    cloudpickle.register_pickle_by_value(this_module)
    example = pd.DataFrame({"a": [1.0, 2.0], "b": [0.5, 0.25]})
    signature = infer_signature(
        example, pd.DataFrame({"total": [1.5, 2.25]}), params={"scale": 1.0}
    )
    mlflow.pyfunc.save_model(path, python_model=CountingModel(), signature=signature)
    return path


def tensor_rows(rows: int = 3) -> np.ndarray:
    X, _ = iris_frame()
    return X.head(rows).to_numpy()


class EchoModel(PythonModel):
    """Returns its input plus a ``dtypes`` column ("name:dtype,…").

    Why: batching must not change what a model sees. Echoing the values and
    the column names/order/dtypes pandas produced makes any difference between
    a merged batch and single requests show up in the response bytes.
    """

    def predict(self, context, model_input, params=None):
        out = model_input.copy()
        out["dtypes"] = ",".join(f"{c}:{t}" for c, t in model_input.dtypes.items())
        return out


ECHO_EXAMPLE = pd.DataFrame({
    "x": [1.5, 2.0], "y": np.array([0.5, 1.0], dtype=np.float32), "n": [1, 2],
    "s": ["a", "b"], "flag": [True, False],
})


def save_echo(path: str, with_schema: bool) -> str:
    """An EchoModel; with_schema gives x double, y float, n long, s string, flag boolean."""
    import cloudpickle

    import support.models as this_module

    cloudpickle.register_pickle_by_value(this_module)
    signature = infer_signature(ECHO_EXAMPLE) if with_schema else None
    mlflow.pyfunc.save_model(path, python_model=EchoModel(), signature=signature)
    return path
