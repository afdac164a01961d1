"""Synthetic data and registered models for the monitoring end-to-end tests.

What is here: the seeded feature frames and labels, the two fitted
scikit-learn models and the probability-model variants, CSV helpers, and the
functions that register models in the tracking server, including a run that
logs its training and evaluation data sets as inputs (model lineage).

Why these shapes:
- Data is synthetic and seeded: three float features `x_0, x_1, x_2`
  (N(0,1), N(5,2), U(0,10), six decimals so CSV, JSON and the server's parser
  read the same doubles). "Shifted" data moves `x_0` by +2.5 and stretches
  `x_1` by 1.6, which every drift test Evidently picks sees at once. The same
  seed gives the same rows, so verdicts are reproducible, not lucky.
- The probability model (`monitoring_models.ProbabilityModel`) predicts the
  true probability of this population, and labels are drawn from it, so it
  is calibrated by construction.
- Nothing here talks to a deployment: this module only makes inputs (rows,
  labels, registered model versions) for the REST helpers in
  `monitoring_api` and the judges in `monitoring_judges`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cloudpickle
import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn.linear_model import LinearRegression, LogisticRegression

import monitoring_models
from support import serving
from support.rest import unique_name

FEATURES = ["x_0", "x_1", "x_2"]


# ---------------------------------------------------------------------------
# Synthetic data

def feature_frame(n: int, seed: int, shifted: bool = False) -> pd.DataFrame:
    """`n` rows of the three features; `shifted` is the drifted population."""
    rng = np.random.default_rng(seed)
    x0 = rng.normal(0.0, 1.0, n)
    x1 = rng.normal(5.0, 2.0, n)
    x2 = rng.uniform(0.0, 10.0, n)
    if shifted:
        x0 = x0 + 2.5
        x1 = 5.0 + (x1 - 5.0) * 1.6
    return pd.DataFrame({"x_0": x0, "x_1": x1, "x_2": x2}).round(6)


# The calibrated model (version "calibrated") predicts exactly this probability,
# and labels are drawn from it: calibrated by construction.
CALIBRATED = {"weights": {"x_0": 1.8, "x_1": 0.6, "x_2": -0.1}, "bias": -2.5}
# A second version that disagrees with the first on many rows (canary comparisons).
WEAKER = {"weights": {"x_0": 0.4, "x_1": 1.0, "x_2": 0.4}, "bias": -7.0}


def probability_of(frame: pd.DataFrame, variant: dict = CALIBRATED) -> np.ndarray:
    logit = np.full(len(frame), variant["bias"])
    for column, weight in variant["weights"].items():
        logit = logit + weight * frame[column].to_numpy(dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-logit))


def true_probability(frame: pd.DataFrame) -> np.ndarray:
    """P(y = 1 | x) of the synthetic population."""
    return probability_of(frame, CALIBRATED)


def draw_labels(frame: pd.DataFrame, seed: int) -> list[int]:
    """Ground truth for `frame`: y ~ Bernoulli(true probability), seeded."""
    rng = np.random.default_rng(seed)
    return [int(v) for v in (rng.uniform(size=len(frame)) < true_probability(frame))]


def classifier_labels(frame: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return ((frame["x_0"] + 0.4 * (frame["x_1"] - 5.0) + rng.normal(0.0, 0.5, len(frame))) > 0).astype(int).to_numpy()


@lru_cache(maxsize=1)
def classifier() -> LogisticRegression:
    """Deterministic binary classifier on the features (scalar int predictions 0/1)."""
    frame = feature_frame(2000, seed=11)
    return LogisticRegression(max_iter=1000).fit(frame, classifier_labels(frame, seed=12))


def regression_target(frame: pd.DataFrame, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    y = 3.0 * frame["x_0"] + 0.5 * frame["x_1"] - 0.2 * frame["x_2"] + rng.normal(0.0, 1.0, len(frame))
    return [round(float(v), 6) for v in y]


@lru_cache(maxsize=1)
def regressor() -> LinearRegression:
    frame = feature_frame(1000, seed=21)
    return LinearRegression().fit(frame, regression_target(frame, seed=22))


def chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """`frame` cut into requests of `size` rows (the last may be shorter)."""
    return [frame.iloc[i:i + size].reset_index(drop=True) for i in range(0, len(frame), size)]


def classifier_reference(n: int = 500, seed: int = 1) -> pd.DataFrame:
    """Reference for the classifier deployments: features plus the model's own `prediction`."""
    frame = feature_frame(n, seed)
    return frame.assign(prediction=classifier().predict(frame).astype(int))


def probability_reference(n: int = 1000, seed: int = 31) -> pd.DataFrame:
    """Labelled reference for the probability model: features, prediction, probability, target."""
    frame = feature_frame(n, seed)
    probability = true_probability(frame)
    return frame.assign(prediction=(probability >= 0.5).astype(int), probability=probability.round(9),
                        target=draw_labels(frame, seed + 1))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


# ---------------------------------------------------------------------------
# Registering models

def _experiment(tracking_uri: str, prefix: str) -> str:
    mlflow.set_tracking_uri(tracking_uri)
    return MlflowClient(tracking_uri).create_experiment(unique_name(prefix))


def register_sklearn(tracking_uri: str, model, prefix: str) -> serving.RegisteredModel:
    """Log `model` (fitted on FEATURES) as version 1 of a fresh registered model."""
    name = unique_name(prefix)
    frame = feature_frame(20, seed=99)
    with mlflow.start_run(experiment_id=_experiment(tracking_uri, prefix)):
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name,
                                        signature=infer_signature(frame, model.predict(frame)),
                                        pip_requirements=["mlflow", "scikit-learn"])
    return serving.RegisteredModel(name=name, versions={"sklearn": str(info.registered_model_version)})


def register_probability_models(tracking_uri: str, variants: dict[str, dict]) -> serving.RegisteredModel:
    """One pyfunc ProbabilityModel version per variant (in order) under a fresh name."""
    cloudpickle.register_pickle_by_value(monitoring_models)
    name = unique_name("proba")
    frame = feature_frame(20, seed=98)
    experiment_id = _experiment(tracking_uri, "proba")
    versions = {}
    for kind, variant in variants.items():
        python_model = monitoring_models.ProbabilityModel(variant["weights"], variant["bias"])
        with mlflow.start_run(experiment_id=experiment_id):
            info = mlflow.pyfunc.log_model(
                name="model", python_model=python_model, registered_model_name=name,
                signature=infer_signature(frame, python_model.predict(None, frame)),
                pip_requirements=["mlflow", "numpy", "pandas"])
        versions[kind] = str(info.registered_model_version)
    return serving.RegisteredModel(name=name, versions=versions)


def artifact_store_source(uri: str):
    """A dataset source for a URI inside the artifact store (`runs:/…`, `mlflow-artifacts:/…`).

    mlflow.data.from_pandas(source="runs:/…") raises ("Could not find a source
    information resolver"): mlflow deliberately registers no resolver for the
    `runs` and `mlflow-artifacts` schemes. This builds the source class mlflow
    generates for every other artifact scheme, so the run records
    source_type=<scheme> and source={"uri": "<uri>"} — the same shape as the
    `local` and `s3` sources mlflow records for plain paths and s3:// URIs.
    """
    from mlflow.data.artifact_dataset_sources import _create_dataset_source_for_artifact_repo

    scheme = uri.split(":", 1)[0]
    class_name = "".join(part.capitalize() for part in scheme.split("-")) + "ArtifactDatasetSource"
    return _create_dataset_source_for_artifact_repo(scheme=scheme, dataset_source_name=class_name)(uri)


@dataclass
class LineageModel:
    model: serving.RegisteredModel
    training_uri: str           # where the training dataset's source points
    training_rows: int
    evaluation_rows: int


def register_with_training_data(tracking_uri: str, training: pd.DataFrame, where: str,
                                local_dir: Path) -> LineageModel:
    """Register the classifier from a run that logged its data sets as inputs.

    `where`: `runs` (source `runs:/<run>/data/train.csv`), `mlflow-artifacts`
    (the run's own `mlflow-artifacts:/…/artifacts/data/train.csv`) or `local`
    (a file on this machine; from_pandas(source=<path>) records
    source_type=local, {"uri": "<path>"}). An `evaluation` data set is logged
    first, so "training first" is what picks the training one.
    """
    name = unique_name(f"lineage-{where}")
    evaluation = training.head(40)
    local_dir.mkdir(parents=True, exist_ok=True)
    train_csv = write_csv(training, local_dir / "train.csv")
    eval_csv = write_csv(evaluation, local_dir / "evaluation.csv")
    model = classifier()
    features = training[FEATURES]
    with mlflow.start_run(experiment_id=_experiment(tracking_uri, "lineage")) as run:
        if where == "local":
            train_source, eval_source = str(train_csv), str(eval_csv)
            training_uri = str(train_csv)
        else:
            mlflow.log_artifact(str(train_csv), artifact_path="data")
            mlflow.log_artifact(str(eval_csv), artifact_path="data")
            if where == "runs":
                base = f"runs:/{run.info.run_id}"
            else:
                base = run.info.artifact_uri
                if not base.startswith("mlflow-artifacts:"):
                    raise AssertionError(f"the run's artifact_uri is {base!r}, not an mlflow-artifacts: URI")
            training_uri = f"{base}/data/train.csv"
            train_source = artifact_store_source(training_uri)
            eval_source = artifact_store_source(f"{base}/data/evaluation.csv")
        mlflow.log_input(mlflow.data.from_pandas(evaluation, source=eval_source, name="evaluation"),
                         context="evaluation")
        mlflow.log_input(mlflow.data.from_pandas(training, source=train_source, name="training",
                                                 targets="target" if "target" in training else None),
                         context="training")
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name,
                                        signature=infer_signature(features, model.predict(features)),
                                        pip_requirements=["mlflow", "scikit-learn"])
    return LineageModel(model=serving.RegisteredModel(name=name, versions={"sklearn": str(info.registered_model_version)}),
                        training_uri=training_uri, training_rows=len(training), evaluation_rows=len(evaluation))
