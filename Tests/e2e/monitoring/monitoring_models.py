"""Pyfunc models for the monitoring tests, pickled by value into the model artifact.

Why a module of its own: the worker that loads these models cannot import
anything under Tests/, so cloudpickle carries the classes' code inside the
artifact (`register_pickle_by_value`); a tiny module keeps that payload small
(the same arrangement as support/serving_models.py).

`ProbabilityModel` is a binary classifier whose probability is the *true*
probability of the synthetic data (monitoring_data.true_probability uses
the same formula), i.e. calibrated by construction: that is what makes the
confidence-based estimate comparable with the accuracy the labels reveal.
Its answer is a DataFrame with columns `prediction` and `probability`, so
`/invocations` answers `{"predictions": [{"prediction": 1, "probability": 0.83}, ...]}`.
"""

import numpy as np
import pandas as pd
from mlflow.pyfunc import PythonModel


class ProbabilityModel(PythonModel):
    """P(y=1 | x) = sigmoid(bias + sum(weights[c] * x[c])); prediction = P >= 0.5."""

    def __init__(self, weights: dict, bias: float):
        self.weights = dict(weights)
        self.bias = float(bias)

    # A pd.DataFrame hint: mlflow infers no schema from it (the logged signature is used) and
    # does not warn at class creation that `predict` lacks type hints.
    def predict(self, context, model_input: pd.DataFrame, params=None):
        frame = pd.DataFrame(model_input)
        logit = np.full(len(frame), self.bias, dtype=np.float64)
        for column, weight in self.weights.items():
            logit = logit + weight * frame[column].to_numpy(dtype=np.float64)
        probability = 1.0 / (1.0 + np.exp(-logit))
        return pd.DataFrame({"prediction": (probability >= 0.5).astype(np.int64), "probability": probability})
