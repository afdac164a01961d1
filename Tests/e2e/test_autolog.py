"""Autologging: a plain sklearn `fit` must produce a complete run."""

import mlflow
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from support.rest import unique_name


@pytest.mark.needs_logged_models
@pytest.mark.slow
def test_sklearn_autolog_logs_params_and_metrics(client, logged_models_supported, request):
    if not logged_models_supported:
        request.applymarker(pytest.mark.xfail(
            reason="POST /api/2.0/mlflow/logged-models/search is not implemented yet; "
                   "autolog logs its model through the logged-model endpoints (later issue)",
            strict=False))
    experiment = mlflow.set_experiment(unique_name("autolog"))
    X, y = load_iris(return_X_y=True)
    mlflow.sklearn.autolog(log_input_examples=False, log_model_signatures=False, silent=True)
    try:
        LogisticRegression(max_iter=200, C=0.5).fit(X, y)
    finally:
        mlflow.sklearn.autolog(disable=True)
    run = mlflow.last_active_run()
    assert run is not None, "autolog created no run"
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.experiment_id == experiment.experiment_id
    assert fetched.info.status == "FINISHED"
    assert fetched.data.params["C"] == "0.5" and fetched.data.params["max_iter"] == "200"
    assert fetched.data.tags["mlflow.autologging"] == "sklearn"
    assert fetched.data.tags["estimator_name"] == "LogisticRegression"
    for metric in ("training_accuracy_score", "training_f1_score", "training_score"):
        assert metric in fetched.data.metrics, f"{metric} missing from {sorted(fetched.data.metrics)}"
    assert 0.8 < fetched.data.metrics["training_accuracy_score"] <= 1.0
    assert [d.dataset.name for d in fetched.inputs.dataset_inputs], "autolog logs its training dataset"
