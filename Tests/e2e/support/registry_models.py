"""Small models and registry helpers shared by the registry and flavor tests.

Why: registry tests need real, loadable models (the point is that the client's
`models:/` URIs resolve and download the right artifacts), but training must
stay cheap and deterministic so that "loads and predicts the same" is an exact
comparison. The `keel` CLI is driven as a subprocess, exactly as a user runs it.
"""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache

import mlflow
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from support.servers import keel_binary

CLI_TIMEOUT_S = 60


@lru_cache(maxsize=1)
def iris() -> tuple[np.ndarray, np.ndarray]:
    """Iris features and labels, loaded once per test process."""
    return load_iris(return_X_y=True)


def fit_classifier(c: float = 1.0) -> LogisticRegression:
    """A deterministic classifier; different `c` values give distinguishable models."""
    X, y = iris()
    return LogisticRegression(max_iter=300, C=c).fit(X, y)


def log_sklearn(model, registered_model_name: str | None = None, **run_kwargs):
    """Log `model` as artifact `model` in a fresh run; returns (run_id, ModelInfo)."""
    with mlflow.start_run(**run_kwargs) as run:
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=registered_model_name)
    return run.info.run_id, info


def assert_same_predictions(loaded, original, X=None) -> None:
    """A loaded model must predict exactly what the model that was logged predicts."""
    X = iris()[0] if X is None else X
    np.testing.assert_array_equal(np.asarray(loaded.predict(X)), np.asarray(original.predict(X)))


def bare_version_source(run) -> str:
    """A version source under the run's artifact root, valid without uploading a model."""
    return f"{run.info.artifact_uri}/model"


def create_versions(client, name: str, count: int, experiment_id: str) -> list:
    """Register `count` versions of a new model `name`, each from its own run.

    Why not log real models: stage, alias and search semantics only need
    version rows, and uploading models would make these tests slow.
    """
    client.create_registered_model(name)
    versions = []
    for _ in range(count):
        run = client.create_run(experiment_id)
        versions.append(client.create_model_version(name, bare_version_source(run), run_id=run.info.run_id))
    return versions


def keel_cli(*args: str) -> subprocess.CompletedProcess:
    """Run `keel <args>` and capture its output (never raises on a non-zero exit)."""
    return subprocess.run([str(keel_binary()), *args], capture_output=True, text=True,
                          timeout=CLI_TIMEOUT_S, check=False)


def keel_cli_json(*args: str):
    """Run `keel <args> --json`, require exit 0, and parse what it printed."""
    result = keel_cli(*args, "--json")
    assert result.returncode == 0, (
        f"keel {' '.join(args)} --json exited {result.returncode}: "
        f"stdout={result.stdout[-400:]!r} stderr={result.stderr[-400:]!r}"
    )
    try:
        return json.loads(result.stdout)
    except ValueError as error:
        raise AssertionError(f"keel {' '.join(args)} --json printed non-JSON: {result.stdout[-400:]!r}") from error
