"""The fluent `mlflow` API end to end: what a training script does first."""

import time

import mlflow
from mlflow.entities import RunStatus

from support.rest import unique_name


def test_fluent_run_logs_params_metrics_tags(client):
    experiment = mlflow.set_experiment(unique_name("fluent"))
    with mlflow.start_run(run_name="first") as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"epochs": 3, "optimizer": "adam"})
        mlflow.log_metric("loss", 0.5)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8})
        mlflow.set_tag("team", "keel")
        mlflow.set_tags({"stage": "dev", "owner": "ci"})
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.experiment_id == experiment.experiment_id
    assert fetched.info.run_name == "first"
    assert fetched.info.status == "FINISHED"
    assert fetched.info.end_time and fetched.info.end_time >= fetched.info.start_time
    assert fetched.data.params == {"lr": "0.01", "epochs": "3", "optimizer": "adam"}
    assert fetched.data.metrics == {"loss": 0.5, "acc": 0.9, "f1": 0.8}
    tags = fetched.data.tags
    assert tags["team"] == "keel" and tags["stage"] == "dev" and tags["owner"] == "ci"
    assert tags["mlflow.runName"] == "first"


def test_metric_history_returns_every_step_in_order(client):
    mlflow.set_experiment(unique_name("history"))
    with mlflow.start_run() as run:
        for step in range(25):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    history = client.get_metric_history(run.info.run_id, "loss")
    assert [m.step for m in sorted(history, key=lambda m: (m.step, m.timestamp))] == list(range(25))
    assert {m.step: m.value for m in history} == {s: 1.0 / (s + 1) for s in range(25)}
    # The run's summary metric is the latest step's value.
    assert client.get_run(run.info.run_id).data.metrics["loss"] == 1.0 / 25


def test_metric_history_keeps_repeated_steps_and_timestamps(client):
    mlflow.set_experiment(unique_name("history-ts"))
    with mlflow.start_run() as run:
        base = int(time.time() * 1000)
        mlflow.log_metric("m", 1.0, step=0, timestamp=base)
        mlflow.log_metric("m", 2.0, step=0, timestamp=base + 10)
        mlflow.log_metric("m", 3.0, step=1, timestamp=base + 5)
    history = client.get_metric_history(run.info.run_id, "m")
    assert sorted((m.step, m.timestamp, m.value) for m in history) == [
        (0, base, 1.0), (0, base + 10, 2.0), (1, base + 5, 3.0)]
    assert client.get_run(run.info.run_id).data.metrics["m"] == 3.0


def test_end_run_with_failed_status(client):
    mlflow.set_experiment(unique_name("failed"))
    run = mlflow.start_run()
    mlflow.end_run(status=RunStatus.to_string(RunStatus.FAILED))
    assert client.get_run(run.info.run_id).info.status == "FAILED"


def test_nested_runs_carry_parent_tag(client):
    mlflow.set_experiment(unique_name("nested"))
    with mlflow.start_run() as parent:
        with mlflow.start_run(nested=True) as child:
            mlflow.log_metric("child_metric", 1.0)
    fetched = client.get_run(child.info.run_id)
    assert fetched.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert fetched.data.metrics == {"child_metric": 1.0}
    children = mlflow.search_runs(
        experiment_ids=[parent.info.experiment_id],
        filter_string=f"tags.`mlflow.parentRunId` = '{parent.info.run_id}'",
        output_format="list")
    assert [r.info.run_id for r in children] == [child.info.run_id]


def test_run_name_is_generated_when_absent(client):
    mlflow.set_experiment(unique_name("noname"))
    with mlflow.start_run() as run:
        pass
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name, "the server must generate a run name"
    assert fetched.data.tags.get("mlflow.runName") == fetched.info.run_name


def test_set_experiment_reuses_existing_experiment(client):
    name = unique_name("reuse")
    first = mlflow.set_experiment(name)
    second = mlflow.set_experiment(name)
    assert first.experiment_id == second.experiment_id
    assert client.get_experiment_by_name(name).experiment_id == first.experiment_id


def test_run_info_identifiers_and_artifact_uri(client):
    mlflow.set_experiment(unique_name("ids"))
    with mlflow.start_run() as run:
        pass
    info = client.get_run(run.info.run_id).info
    assert len(info.run_id) == 32 and int(info.run_id, 16) >= 0
    assert info.lifecycle_stage == "active"
    assert info.artifact_uri == f"mlflow-artifacts:/{info.experiment_id}/{info.run_id}/artifacts"
