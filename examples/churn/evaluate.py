#!/usr/bin/env python3
"""Evaluate model/ on data/test.csv.

Writes metrics/eval.json (accuracy, precision, recall, f1, roc_auc; the
positive class is churned=1, the decision threshold 0.5) and
eval/predictions.csv (customer_id, gender, churned, predicted, probability),
which the gate stage uses for its bias checks.
"""
import json
import os

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow.sklearn  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.models import Model  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

TEST = "data/test.csv"
MODEL_DIR = "model"
METRICS = "metrics/eval.json"
PREDICTIONS = "eval/predictions.csv"
LABEL = "churned"


def main() -> None:
    model = mlflow.sklearn.load_model(MODEL_DIR)
    # Feed the model exactly the columns its saved signature declares.
    columns = Model.load(MODEL_DIR).get_input_schema().input_names()
    df = pd.read_csv(TEST)
    features = df[columns]
    y = df[LABEL].to_numpy()

    probability = model.predict_proba(features)[:, 1]
    predicted = (probability >= 0.5).astype(int)

    metrics = {
        "accuracy": accuracy_score(y, predicted),
        "precision": precision_score(y, predicted, zero_division=0),
        "recall": recall_score(y, predicted, zero_division=0),
        "f1": f1_score(y, predicted, zero_division=0),
        "roc_auc": roc_auc_score(y, probability),
    }
    metrics = {k: round(float(v), 6) for k, v in metrics.items()}

    os.makedirs(os.path.dirname(METRICS), exist_ok=True)
    with open(METRICS, "w") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
        f.write("\n")

    os.makedirs(os.path.dirname(PREDICTIONS), exist_ok=True)
    out = pd.DataFrame(
        {
            "customer_id": df["customer_id"],
            "gender": df["gender"],
            "churned": y,
            "predicted": predicted,
            "probability": probability.round(6),
        }
    )
    out.to_csv(PREDICTIONS, index=False, float_format="%.6f", lineterminator="\n")
    print("eval: " + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items()))


if __name__ == "__main__":
    main()
