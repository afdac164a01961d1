"""Dataset inputs: mlflow.log_input and searching runs by dataset."""

import json

import mlflow
import pandas as pd
import pytest

from support.rest import unique_name


@pytest.fixture
def logged_dataset(client):
    """A run with one pandas dataset logged as training input."""
    mlflow.set_experiment(unique_name("datasets"))
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0], "label": ["a", "b", "a"]})
    dataset = mlflow.data.from_pandas(df, source="s3://bucket/train.csv", name=unique_name("train"))
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training", tags={"split": "train"})
    return run, dataset


def test_dataset_input_round_trips(client, logged_dataset):
    run, dataset = logged_dataset
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    got = inputs[0].dataset
    assert got.name == dataset.name
    assert got.digest == dataset.digest
    assert got.source_type == dataset.to_dict()["source_type"]
    assert json.loads(got.source) == json.loads(dataset.source.to_json())
    assert json.loads(got.schema) == json.loads(dataset.to_dict()["schema"])
    assert json.loads(got.profile) == json.loads(dataset.to_dict()["profile"])
    tags = {t.key: t.value for t in inputs[0].tags}
    assert tags["mlflow.data.context"] == "training"
    assert tags["split"] == "train"


def test_same_dataset_twice_is_one_input(client, logged_dataset):
    run, dataset = logged_dataset
    with mlflow.start_run(run_id=run.info.run_id):
        mlflow.log_input(dataset, context="training", tags={"split": "train"})
    assert len(client.get_run(run.info.run_id).inputs.dataset_inputs) == 1


def test_search_runs_by_dataset(client, logged_dataset):
    run, dataset = logged_dataset
    experiment_id = run.info.experiment_id
    with mlflow.start_run():  # a run without datasets must not match
        pass
    for filter_string in [
        f"datasets.name = '{dataset.name}'",
        f"datasets.digest = '{dataset.digest}'",
        f"datasets.name LIKE '{dataset.name[:8]}%'",
        f"datasets.name IN ('{dataset.name}', 'other')",
        "datasets.context = 'training'",
    ]:
        found = client.search_runs([experiment_id], filter_string)
        assert [r.info.run_id for r in found] == [run.info.run_id], filter_string
    assert client.search_runs([experiment_id], "datasets.name = 'no-such-dataset'") == []
