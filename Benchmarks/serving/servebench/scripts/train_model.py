"""Train, log and register the benchmark model with the real MLflow client (run as a script).

Runs in the Python that serves the model (``--python``), not in the harness,
so the harness never imports MLflow. ``MLFLOW_TRACKING_URI`` comes from the
environment. The last stdout line is ``SERVEBENCH-MODEL <json>``: the
registered version, the one-row benchmark payload, a multi-row check payload
and the predictions the trained model gives for both locally.

    python train_model.py --name bench-iris --alias champion --dataset iris
"""

from __future__ import annotations

import argparse
import json

import platform

import mlflow
import numpy as np
import pandas as pd
import sklearn
from mlflow.models import infer_signature
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

RESULT_MARKER = "SERVEBENCH-MODEL"
CHECK_ROWS = 10
SEED = 7


def iris_frame() -> tuple[pd.DataFrame, pd.Series]:
    """The iris measurements (4 double columns) and species (0-2)."""
    data = load_iris(as_frame=True)
    return data.data, data.target


def churn_frame(rows: int = 5_000) -> tuple[pd.DataFrame, pd.Series]:
    """A deterministic churn-like table: 6 double columns, label 1 = churned."""
    rng = np.random.default_rng(SEED)
    features = pd.DataFrame({
        "tenure_months": rng.integers(0, 73, rows).astype(float),
        "monthly_charges": rng.uniform(20, 120, rows).round(2),
        "support_calls": rng.poisson(1.5, rows).astype(float),
        "contract_months": rng.choice([1.0, 12.0, 24.0], rows),
        "paperless_billing": rng.integers(0, 2, rows).astype(float),
        "products": rng.integers(1, 6, rows).astype(float),
    })
    score = (-0.04 * features.tenure_months + 0.02 * features.monthly_charges + 0.5 * features.support_calls
             - 0.05 * features.contract_months + 0.3 * features.paperless_billing - 0.2 * features.products - 0.5)
    churned = rng.uniform(size=rows) < 1 / (1 + np.exp(-score))
    return features, pd.Series(churned.astype(int), name="churned")


DATASETS = {"iris": iris_frame, "churn": churn_frame}


def dataframe_split(frame: pd.DataFrame) -> dict:
    """The ``/invocations`` body for ``frame`` in MLflow's ``dataframe_split`` orientation."""
    return {"dataframe_split": {"columns": list(frame.columns), "data": frame.values.tolist()}}


def train_and_register(name: str, alias: str, dataset: str) -> dict:
    features, labels = DATASETS[dataset]()
    x_train, x_test, y_train, y_test = train_test_split(features, labels, test_size=0.25, random_state=SEED)
    model = LogisticRegression(max_iter=2_000).fit(x_train, y_train)
    mlflow.set_experiment("bench-serving")
    with mlflow.start_run(run_name=f"{name}-{dataset}") as run:
        mlflow.log_metric("accuracy", float(model.score(x_test, y_test)))
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name,
                                        signature=infer_signature(x_train, model.predict(x_train)))
    version = str(info.registered_model_version)
    mlflow.MlflowClient().set_registered_model_alias(name, alias, version)
    one_row, check_rows = x_test.iloc[:1], x_test.iloc[:CHECK_ROWS]
    return {"name": name, "alias": alias, "version": version, "run_id": run.info.run_id, "dataset": dataset,
            "accuracy": float(model.score(x_test, y_test)),
            "payload": dataframe_split(one_row), "expected": {"predictions": model.predict(one_row).tolist()},
            "check_payload": dataframe_split(check_rows),
            "check_expected": {"predictions": model.predict(check_rows).tolist()},
            "versions": {"python": platform.python_version(), "mlflow": mlflow.__version__,
                         "scikit-learn": sklearn.__version__, "pandas": pd.__version__}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", required=True)
    parser.add_argument("--alias", required=True)
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="iris")
    args = parser.parse_args()
    print(RESULT_MARKER, json.dumps(train_and_register(args.name, args.alias, args.dataset)), flush=True)


if __name__ == "__main__":
    main()
