"""`keel run` on examples/churn against a real server: raw CSV to a deployed canary,
cached re-runs, and the gates that stop a bad model.

The tests run in file order and share one copy of the example and one server
(see conftest.py): each builds on what the previous left, as a user's next run would.
"""

from __future__ import annotations

import hashlib
import json

import requests
import yaml
from mlflow import MlflowClient

from conftest import finished, statuses

ALL_STAGES = ["generate", "validate", "split", "train", "evaluate", "gate", "register", "deploy"]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lock(pipeline) -> dict:
    return yaml.safe_load(pipeline.path("keel.lock").read_text())


def locked_out(stage: dict, path: str) -> str:
    """The hash `keel.lock` records for one output of a stage."""
    return next(out["sha256"] for out in stage["outs"] if out["path"] == path)


def set_param(pipeline, section: str, key: str, value) -> None:
    params = yaml.safe_load(pipeline.path("params.yaml").read_text())
    params[section][key] = value
    pipeline.path("params.yaml").write_text(yaml.safe_dump(params))


def deployment(server, name: str) -> dict:
    response = requests.get(f"{server.url}/api/2.0/keel/deployments/{name}", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["deployment"]


def test_first_run_goes_from_raw_csv_to_a_deployment(churn, pipeline_server):
    result, events = churn.run_json("--server", pipeline_server.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(events) == {stage: "ran" for stage in ALL_STAGES}
    summary = events[-1]
    assert summary["event"] == "pipeline_finished" and summary["succeeded"] is True
    assert summary["counts"] == {"ran": 8}

    # keel.lock names every file by its content hash.
    locked = lock(churn)["stages"]
    raw = churn.path("data/raw.csv")
    assert locked["generate"]["outs"] == [{"path": "data/raw.csv", "sha256": sha256(raw), "size": raw.stat().st_size}]
    assert {dep["path"]: dep["sha256"] for dep in locked["train"]["deps"]}["data/train.csv"] == sha256(churn.path("data/train.csv"))
    assert locked["train"]["params"]["train.n_estimators"] == "100"
    assert locked["register"]["result"]["version"] == "1"
    churn.first_model_sha256 = locked_out(locked["train"], "model")

    # The registry: version 1 behind the alias, linked to the register stage's run.
    client = MlflowClient(tracking_uri=pipeline_server.url)
    version = client.get_model_version_by_alias("churn", "challenger")
    assert version.version == "1"
    assert version.tags["keel.model.sha256"] == locked_out(locked["train"], "model")
    register_run = client.get_run(version.run_id)
    assert register_run.data.tags["keel.stage"] == "register"
    # The gate's metrics ride on the version's run, so the next gate's `prev` finds them.
    assert abs(register_run.data.metrics["accuracy"] - 0.783) < 0.01

    # The pipeline run and one nested run per stage.
    pipeline_run = client.get_run(register_run.data.tags["mlflow.parentRunId"])
    assert pipeline_run.info.run_id == summary["run_id"]
    assert pipeline_run.info.status == "FINISHED"
    assert pipeline_run.data.params["train.n_estimators"] == "100"
    assert pipeline_run.data.tags["keel.pipeline"] == "churn"
    stage_runs = client.search_runs(
        [pipeline_run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{pipeline_run.info.run_id}'"
    )
    by_stage = {run.data.tags["keel.stage"]: run for run in stage_runs}
    assert sorted(by_stage) == sorted(ALL_STAGES)
    train = by_stage["train"]
    assert train.data.params["train.max_depth"] == "8"
    assert "train_accuracy" in train.data.metrics
    # Lineage to the data: the train stage's inputs, by content hash.
    inputs = {d.dataset.name: d.dataset for d in train.inputs.dataset_inputs}
    assert inputs["data/train.csv"].digest == sha256(churn.path("data/train.csv"))[:32]
    assert json.loads(inputs["data/train.csv"].source)["sha256"] == sha256(churn.path("data/train.csv"))
    # Each stage's log is an artifact of its run.
    assert "keel" in {a.path for a in client.list_artifacts(train.info.run_id)}
    log = client.download_artifacts(train.info.run_id, "keel/train.log")
    assert "saved model/" in open(log).read()
    gate_report = client.download_artifacts(by_stage["gate"].info.run_id, "keel/gate-report.json")
    assert json.load(open(gate_report))["bias"][0]["metric"] == "demographic_parity_difference"

    # The version's lineage reaches the exact data files and the code commit's tag.
    lineage = requests.get(f"{pipeline_server.url}/api/2.0/keel/lineage/model-versions/churn/1", timeout=10).json()
    digests = {d["name"]: d["digest"] for d in lineage["datasets"]}
    assert digests["data/raw.csv"] == sha256(raw)[:32]
    assert digests["data/train.csv"] == sha256(churn.path("data/train.csv"))[:32]
    back = requests.get(f"{pipeline_server.url}/api/2.0/keel/lineage/datasets/{sha256(raw)[:32]}", timeout=10).json()
    assert any(v["name"] == "churn" and v["version"] == "1" for v in back["model_versions"]), back

    # The first deployment of a model has nothing to share traffic with: it serves version 1.
    served = deployment(pipeline_server, "churn")
    assert served["primary_version"] == "1"


def test_second_run_changes_nothing(churn, pipeline_server):
    outputs = ["data/raw.csv", "data/train.csv", "model/MLmodel", "eval/predictions.csv"]
    before = {path: churn.path(path).stat().st_mtime_ns for path in outputs}
    lock_before = churn.path("keel.lock").read_bytes()

    status = churn.keel("status", "--json")
    assert status.returncode == 0, status.stderr
    assert {s["stage"]: s["state"] for s in json.loads(status.stdout)["stages"]} == {stage: "up_to_date" for stage in ALL_STAGES}

    result, events = churn.run_json("--server", pipeline_server.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(events) == {stage: "unchanged" for stage in ALL_STAGES}
    assert {path: churn.path(path).stat().st_mtime_ns for path in outputs} == before
    assert churn.path("keel.lock").read_bytes() == lock_before
    client = MlflowClient(tracking_uri=pipeline_server.url)
    assert [v.version for v in client.search_model_versions("name = 'churn'")] == ["1"]


def test_changed_param_retrains_and_rolls_out_a_canary(churn, pipeline_server):
    set_param(churn, "train", "n_estimators", 60)
    status = churn.keel("status", "--json")
    states = {s["stage"]: s for s in json.loads(status.stdout)["stages"]}
    assert states["train"]["state"] == "stale"
    assert "param train.n_estimators: 100 → 60" in states["train"]["reasons"]
    assert states["evaluate"]["state"] == "waiting"
    assert states["split"]["state"] == "up_to_date"

    result, events = churn.run_json("--server", pipeline_server.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(events) == {
        "generate": "unchanged", "validate": "unchanged", "split": "unchanged",
        "train": "ran", "evaluate": "ran", "gate": "ran", "register": "ran", "deploy": "ran",
    }
    assert finished(events)["register"]["result"]["version"] == "2"
    assert finished(events)["deploy"]["result"]["role"] == "canary"
    client = MlflowClient(tracking_uri=pipeline_server.url)
    assert client.get_model_version_by_alias("churn", "challenger").version == "2"
    traffic = deployment(pipeline_server, "churn")["traffic"]
    assert traffic["kind"] == "canary" and str(traffic["candidate"]) == "2" and float(traffic["percent"]) == 10


def test_reverting_a_param_restores_outputs_from_the_run_cache(churn, pipeline_server):
    retrained_model = locked_out(lock(churn)["stages"]["train"], "model")
    set_param(churn, "train", "n_estimators", 100)
    result, events = churn.run_json("--server", pipeline_server.url, "evaluate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(statuses(events)) == ["generate", "validate", "split", "train", "evaluate"]
    assert statuses(events)["train"] == "restored" and statuses(events)["evaluate"] == "restored"
    # Version 1's exact model is back, byte for byte: retraining would have written a new
    # MLmodel (it holds a timestamp and a uuid), so a match proves nothing was trained.
    restored = locked_out(lock(churn)["stages"]["train"], "model")
    assert restored == churn.first_model_sha256 != retrained_model


def test_failing_validation_stops_the_pipeline_and_says_why(churn, pipeline_server, tmp_path):
    broken = churn.copy(tmp_path / "churn")
    set_param(broken, "generate", "rows", 500)
    result = broken.keel("run", "--server", pipeline_server.url, "--experiment", "churn-broken-data")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL  table rows.min: 1000: 500 rows" in result.stdout
    _, events = broken.run_json("--server", pipeline_server.url, "--experiment", "churn-broken-data")
    done = finished(events)
    assert done["validate"]["status"] == "failed"
    assert done["validate"]["reasons"] == ["rows.min: 1000: 500 rows"]
    assert all(done[stage]["status"] == "blocked" for stage in ALL_STAGES[2:])
    assert done["split"]["reasons"] == ["stage 'validate' failed"]
    client = MlflowClient(tracking_uri=pipeline_server.url)
    assert client.get_run(events[-1]["run_id"]).info.status == "FAILED"
    assert len(client.search_model_versions("name = 'churn'")) == 2


def test_failing_bias_gate_stops_promotion(churn, pipeline_server, tmp_path):
    strict = churn.copy(tmp_path / "churn")
    text = strict.path("keel.yaml").read_text()
    strict.path("keel.yaml").write_text(text.replace("demographic_parity_difference: {max: 0.10}", "demographic_parity_difference: {max: 0.001}"))
    result, events = strict.run_json("--server", pipeline_server.url, "--experiment", "churn-strict-gate")
    assert result.returncode == 1
    done = finished(events)
    assert done["gate"]["status"] == "failed"
    (reason,) = done["gate"]["reasons"]
    assert reason.startswith("demographic_parity_difference = 0.0071") and "outside the limit (at most 0.001)" in reason
    assert done["register"]["status"] == "blocked" and done["deploy"]["status"] == "blocked"
    # Only the gate ran: everything before it came from the lock or the cache.
    assert {stage: done[stage]["status"] for stage in ALL_STAGES[:5]} == {stage: "unchanged" for stage in ALL_STAGES[:5]}
    client = MlflowClient(tracking_uri=pipeline_server.url)
    assert len(client.search_model_versions("name = 'churn'")) == 2
    assert str(deployment(pipeline_server, "churn")["traffic"]["candidate"]) == "2"


def test_without_a_server_the_run_goes_to_the_embedded_store(churn, tmp_path, server_factory):
    from support.servers import ServerSpec

    local = churn.copy(tmp_path / "churn")
    data_dir = tmp_path / "keel-data"
    result = local.keel("run", "--data-dir", str(data_dir), "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"into the embedded store in {data_dir}" in result.stdout
    # A server started later on the same data directory shows the run.
    server = server_factory.start(ServerSpec(backend="sqlite", data_dir=data_dir))
    client = MlflowClient(tracking_uri=server.url)
    experiment = client.get_experiment_by_name("churn")
    runs = client.search_runs([experiment.experiment_id], filter_string="tags.keel.stage = 'validate'")
    assert len(runs) == 1 and runs[0].data.tags["keel.stage.status"] == "unchanged"


def test_usage_errors_are_explained(churn):
    unknown = churn.keel("run", "--no-tracking", "nope")
    assert unknown.returncode != 0 and "no stage 'nope'" in unknown.stderr
    jobs = churn.keel("run", "--jobs", "0")
    assert jobs.returncode != 0 and "--jobs must be at least 1" in jobs.stderr
