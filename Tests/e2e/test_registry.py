"""Model registry through the official client: register, promote, find, load.

Why: the registry is how models leave the tracking server. Each test drives the
real `mlflow` client against the server and checks what a user would see:
versions resolve through `models:/` URIs to the exact model that was logged,
and every registry mutation is visible to the next read. The Keel-only tail
covers the lineage API and the `keel models` CLI built on the registry.
"""

import mlflow
import pandas as pd
import pytest
import requests
from mlflow.exceptions import MlflowException

from support.registry_models import (
    assert_same_predictions, create_versions, fit_classifier, iris, keel_cli, keel_cli_json, log_sklearn,
)
from support.rest import assert_ok, unique_name

LINEAGE = "/api/2.0/keel/lineage"


def _experiment_id(prefix: str) -> str:
    """A fresh experiment for the fluent API; tests share one server per backend."""
    return mlflow.set_experiment(unique_name(prefix)).experiment_id


# --- log, register, alias, load ---------------------------------------------------------------


def test_logged_model_registers_and_loads_by_alias_version_and_latest(client):
    _experiment_id("reg-load")
    name = unique_name("reg-load")
    model = fit_classifier()
    run_id, info = log_sklearn(model, registered_model_name=name)
    assert str(info.registered_model_version) == "1"
    version = client.get_model_version(name, "1")
    assert version.status == "READY" and version.run_id == run_id

    client.set_registered_model_alias(name, "champion", "1")
    assert_same_predictions(mlflow.pyfunc.load_model(f"models:/{name}@champion"), model)
    assert_same_predictions(mlflow.sklearn.load_model(f"models:/{name}/1"), model)
    assert_same_predictions(mlflow.sklearn.load_model(f"models:/{name}/latest"), model)


def test_second_version_from_runs_uri_becomes_latest(client):
    _experiment_id("reg-v2")
    name = unique_name("reg-v2")
    log_sklearn(fit_classifier(1.0), registered_model_name=name)
    second = fit_classifier(0.01)
    run_id, _ = log_sklearn(second)

    registered = mlflow.register_model(f"runs:/{run_id}/model", name)
    assert registered.version == "2" and registered.run_id == run_id
    latest = client.get_latest_versions(name)
    assert [v.version for v in latest] == ["2"], "one latest version per stage; both are in stage None"
    assert_same_predictions(mlflow.sklearn.load_model(f"models:/{name}/latest"), second)
    assert_same_predictions(mlflow.pyfunc.load_model(f"runs:/{run_id}/model"), second)


# --- tags, descriptions ----------------------------------------------------------------------


def test_model_tags_and_description_round_trip(client):
    name = unique_name("reg-tags")
    client.create_registered_model(name, tags={"team": "risk", "tier": "1"}, description="first")
    client.set_registered_model_tag(name, "owner", "ada")
    client.delete_registered_model_tag(name, "tier")
    client.update_registered_model(name, description="second")
    model = client.get_registered_model(name)
    assert model.tags == {"team": "risk", "owner": "ada"}
    assert model.description == "second"


def test_version_tags_and_description_round_trip(client):
    name = unique_name("reg-vtags")
    create_versions(client, name, 1, _experiment_id("reg-vtags"))
    client.set_model_version_tag(name, "1", "validated", "yes")
    client.set_model_version_tag(name, "1", "scratch", "x")
    client.delete_model_version_tag(name, "1", "scratch")
    client.update_model_version(name, "1", description="the good one")
    version = client.get_model_version(name, "1")
    assert version.tags == {"validated": "yes"}
    assert version.description == "the good one"


# --- search ----------------------------------------------------------------------------------


def _names(models) -> list[str]:
    return [m.name for m in models]


def test_search_registered_models_filters_orders_and_pages(client):
    prefix = unique_name("reg-search")
    names = [f"{prefix}-{suffix}" for suffix in ("a", "b", "c")]
    for name in names:
        client.create_registered_model(name)

    exact = client.search_registered_models(filter_string=f"name = '{names[1]}'")
    assert _names(exact) == [names[1]]
    like = client.search_registered_models(filter_string=f"name LIKE '{prefix}%'", order_by=["name DESC"])
    assert _names(like) == sorted(names, reverse=True)
    assert _names(_all_pages(client, f"name LIKE '{prefix}%'", page_size=2)) == names


def _all_pages(client, filter_string: str, page_size: int) -> list:
    """Follow next_page_token to the end; each page must respect max_results."""
    found, token = [], None
    for _ in range(20):
        page = client.search_registered_models(filter_string=filter_string, max_results=page_size,
                                               order_by=["name ASC"], page_token=token)
        assert len(page) <= page_size
        found += page
        token = page.token
        if not token:
            return found
    raise AssertionError("pagination did not terminate")


def test_search_model_versions_by_name_and_run_id(client):
    name = unique_name("reg-vsearch")
    versions = create_versions(client, name, 3, _experiment_id("reg-vsearch"))

    by_name = client.search_model_versions(f"name = '{name}'", order_by=["version_number DESC"])
    assert [v.version for v in by_name] == ["3", "2", "1"]
    by_run = client.search_model_versions(f"run_id = '{versions[1].run_id}'")
    assert [(v.name, v.version) for v in by_run] == [(name, "2")]


# --- stages, aliases, rename, delete ---------------------------------------------------------


def test_stage_transition_archives_existing_versions(client):
    name = unique_name("reg-stage")
    create_versions(client, name, 3, _experiment_id("reg-stage"))
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "2", "Staging")
    moved = client.transition_model_version_stage(name, "3", "Production", archive_existing_versions=True)

    assert moved.current_stage == "Production"
    stages = {v.version: v.current_stage for v in client.search_model_versions(f"name = '{name}'")}
    assert stages == {"1": "Archived", "2": "Staging", "3": "Production"}
    assert [v.version for v in client.get_latest_versions(name, stages=["Production"])] == ["3"]
    latest = {v.current_stage: v.version for v in client.get_latest_versions(name)}
    assert latest == {"Archived": "1", "Staging": "2", "Production": "3"}


def test_alias_moves_and_deletes(client):
    name = unique_name("reg-alias")
    create_versions(client, name, 2, _experiment_id("reg-alias"))
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "champion", "2")
    assert client.get_model_version_by_alias(name, "champion").version == "2"
    assert client.get_model_version(name, "2").aliases == ["champion"]
    assert client.get_model_version(name, "1").aliases == []

    client.delete_registered_model_alias(name, "champion")
    assert client.get_registered_model(name).aliases == {}
    with pytest.raises(MlflowException):
        client.get_model_version_by_alias(name, "champion")


def test_rename_carries_versions_and_aliases(client):
    name = unique_name("reg-rename")
    create_versions(client, name, 2, _experiment_id("reg-rename"))
    client.set_registered_model_alias(name, "champion", "2")
    new_name = f"{name}-renamed"
    client.rename_registered_model(name, new_name)

    with pytest.raises(MlflowException, match="RESOURCE_DOES_NOT_EXIST|not found|does not exist"):
        client.get_registered_model(name)
    assert client.get_model_version_by_alias(new_name, "champion").version == "2"
    assert sorted(v.version for v in client.search_model_versions(f"name = '{new_name}'")) == ["1", "2"]


def test_delete_version_then_model(client):
    name = unique_name("reg-delete")
    create_versions(client, name, 2, _experiment_id("reg-delete"))
    client.delete_model_version(name, "1")
    assert [v.version for v in client.search_model_versions(f"name = '{name}'")] == ["2"]
    with pytest.raises(MlflowException):
        client.get_model_version(name, "1")

    client.delete_registered_model(name)
    with pytest.raises(MlflowException):
        client.get_registered_model(name)
    assert client.search_model_versions(f"name = '{name}'") == []


# --- Keel lineage API and CLI ----------------------------------------------------------------


def _train_with_lineage(name: str) -> tuple[str, str]:
    """Log a registered model from a run with params, metrics, a training dataset and a commit.

    Returns (run_id, dataset digest).
    """
    X, y = iris()
    frame = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"]).assign(label=y)
    dataset = mlflow.data.from_pandas(frame, name="iris-train", targets="label")
    with mlflow.start_run(run_name="lineage-train") as run:
        mlflow.set_tag("mlflow.source.git.commit", "0123456789abcdef0123456789abcdef01234567")
        mlflow.log_input(dataset, context="training")
        mlflow.log_param("C", "1.0")
        mlflow.log_metric("accuracy", 0.97)
        mlflow.sklearn.log_model(fit_classifier(), name="model", registered_model_name=name)
    return run.info.run_id, dataset.digest


def _lineage(server, *parts: str) -> dict:
    return assert_ok(requests.get(f"{server.url}{LINEAGE}/{'/'.join(parts)}", timeout=60))


def _key_values(entries) -> dict:
    return {e["key"]: e["value"] for e in entries or []}


@pytest.mark.keel_only
def test_lineage_of_model_version(client, server):
    _experiment_id("lineage")
    name = unique_name("lineage")
    run_id, digest = _train_with_lineage(name)

    answer = _lineage(server, "model-versions", name, "1")
    assert {"model_version", "logged_model", "run", "datasets", "code", "deployments"} <= answer.keys()
    assert answer["model_version"]["name"] == name and answer["model_version"]["version"] == "1"
    assert answer["logged_model"]["info"]["source_run_id"] == run_id
    assert answer["run"]["info"]["run_id"] == run_id
    assert _key_values(answer["run"]["data"].get("params"))["C"] == "1.0"
    assert _key_values(answer["run"]["data"].get("metrics"))["accuracy"] == 0.97
    assert [(d["name"], d["digest"], d["context"]) for d in answer["datasets"]] == [("iris-train", digest, "training")]
    assert answer["code"]["git_commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert answer["code"]["source_name"], "mlflow.source.name is set by the client on every run"
    assert answer["deployments"] == []


@pytest.mark.keel_only
def test_lineage_of_dataset_digest(client, server):
    _experiment_id("lineage-ds")
    name = unique_name("lineage-ds")
    run_id, digest = _train_with_lineage(name)

    answer = _lineage(server, "datasets", digest)
    assert answer["digest"] == digest
    runs = {r["run_id"]: r for r in answer["runs"]}
    assert runs[run_id]["run_name"] == "lineage-train"
    assert runs[run_id]["experiment_id"] == mlflow.get_run(run_id).info.experiment_id
    assert runs[run_id]["dataset"]["digest"] == digest
    assert (name, "1") in {(v["name"], v["version"]) for v in answer["model_versions"]}


@pytest.mark.keel_only
def test_lineage_of_missing_version_is_404(server):
    resp = requests.get(f"{server.url}{LINEAGE}/model-versions/{unique_name('absent')}/1", timeout=60)
    assert resp.status_code == 404 and resp.json().get("error_code") == "RESOURCE_DOES_NOT_EXIST", resp.text


@pytest.mark.keel_only
def test_cli_lists_shows_aliases_and_traces_lineage(client, server):
    _experiment_id("cli")
    name = unique_name("cli")
    run_id, digest = _train_with_lineage(name)

    listed = keel_cli_json("models", "list", "--server", server.url, "--filter", f"name = '{name}'")
    assert [m["name"] for m in listed] == [name]
    alias = keel_cli("models", "alias", name, "champion", "1", "--server", server.url)
    assert alias.returncode == 0, f"keel models alias exited {alias.returncode}: {alias.stderr[-400:]!r}"
    assert client.get_model_version_by_alias(name, "champion").version == "1"

    shown = keel_cli_json("models", "show", name, "--server", server.url)
    assert shown["name"] == name and [v["version"] for v in shown["versions"]] == ["1"]
    assert {"alias": "champion", "version": "1"} in shown["aliases"]
    lineage = keel_cli_json("models", "lineage", name, "1", "--server", server.url)
    assert lineage["run"]["info"]["run_id"] == run_id
    assert [d["digest"] for d in lineage["datasets"]] == [digest]


@pytest.mark.keel_only
def test_cli_reports_missing_model_with_non_zero_exit(server):
    result = keel_cli("models", "show", unique_name("absent"), "--server", server.url, "--json")
    assert result.returncode != 0, f"expected failure, got stdout={result.stdout[-400:]!r}"
