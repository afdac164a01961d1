#!/usr/bin/env python3
"""Train the churn classifier and save it as an MLflow model in model/.

Reads the `train` section of params.yaml (n_estimators, max_depth,
min_samples_leaf, seed). The model is a scikit-learn Pipeline: one-hot
encoding for plan/country/gender, numeric columns passed through, then a
RandomForestClassifier.

This script does not talk to any MLflow tracking server (no mlflow.start_run,
no log_*): Keel records the run itself from the stage's params, metrics and
outputs. It only uses mlflow.sklearn.save_model to write the model directory.
"""
import json
import os
import shutil
import warnings
from importlib.metadata import version

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow.sklearn  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from mlflow.models import infer_signature  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

TRAIN = "data/train.csv"
MODEL_DIR = "model"
METRICS = "metrics/train.json"

CATEGORICAL = ["plan", "country", "gender"]
NUMERIC = ["age", "tenure_months", "monthly_charges", "support_calls"]
FEATURES = NUMERIC + CATEGORICAL
LABEL = "churned"

# Pinned to what is installed. Listing them saves mlflow's requirement
# inference (a subprocess that reloads the model: slow, and it also picks up
# unrelated packages that happen to be imported, such as pytest).
REQUIREMENTS = ["mlflow", "scikit-learn", "skops", "numpy", "pandas", "scipy"]


def main() -> None:
    with open("params.yaml") as f:
        params = yaml.safe_load(f)["train"]

    df = pd.read_csv(TRAIN)
    X = df[FEATURES]
    y = df[LABEL]

    model = Pipeline(
        steps=[
            (
                "features",
                ColumnTransformer(
                    transformers=[
                        ("onehot", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
                        ("numeric", "passthrough", NUMERIC),
                    ]
                ),
            ),
            (
                "classifier",
                RandomForestClassifier(
                    n_estimators=int(params["n_estimators"]),
                    max_depth=None if params.get("max_depth") is None else int(params["max_depth"]),
                    min_samples_leaf=int(params.get("min_samples_leaf", 1)),
                    random_state=int(params["seed"]),
                    n_jobs=1,
                ),
            ),
        ]
    )
    model.fit(X, y)
    train_accuracy = float(accuracy_score(y, model.predict(X)))

    # The columns are integers on purpose (the data has no missing values).
    warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer column")
    example = X.head(5)
    signature = infer_signature(example, model.predict(example))
    # mlflow refuses to save into an existing directory.
    if os.path.exists(MODEL_DIR):
        shutil.rmtree(MODEL_DIR)
    # mlflow's default (and safe) format is skops; it refuses to save types it
    # would not load back unless they are listed. The tree node storage used by
    # every sklearn tree ensemble is the only such type here, and we wrote it.
    mlflow.sklearn.save_model(
        model,
        MODEL_DIR,
        input_example=example,
        signature=signature,
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_SKOPS,
        skops_trusted_types=["sklearn.tree._tree.Tree"],
        pip_requirements=[f"{name}=={version(name)}" for name in REQUIREMENTS],
    )

    os.makedirs(os.path.dirname(METRICS), exist_ok=True)
    with open(METRICS, "w") as f:
        json.dump({"train_accuracy": round(train_accuracy, 6)}, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"saved {MODEL_DIR}/; train_accuracy={train_accuracy:.4f}")


if __name__ == "__main__":
    main()
