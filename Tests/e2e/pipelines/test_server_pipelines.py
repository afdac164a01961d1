"""Pipelines the server runs: registered with `keel pipelines`, started by REST and by
a firing alert, followed live, cancelled; errors in Keel's JSON error format.

The story of the last test is the loop the issue asks for: the deployed model's
alert fires, the server retrains on the data now in place and registers a new
version, which goes out as a canary.
"""

from __future__ import annotations

import json

import pandas as pd
import requests
import yaml
from mlflow import MlflowClient

from conftest import Pipeline
from support.a11y import audit
from support.serving import Serving, poll

ALL_STAGES = ["generate", "validate", "split", "train", "evaluate", "gate", "register", "deploy"]


def api(server, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{server.url}/api/2.0/keel/pipelines{path}", timeout=30, **kwargs)


def wait_for_run(server, pipeline: str, count: int, timeout: float = 300) -> dict:
    """The newest run, once there are `count` runs and the newest has ended."""
    def fetch():
        return api(server, "GET", f"/{pipeline}/runs").json()["runs"]

    runs = poll(fetch, lambda runs: len(runs) >= count and runs[0]["status"] in ("succeeded", "failed", "cancelled"),
                timeout, f"run {count} of {pipeline} to end", interval=0.5)
    return runs[0]


def test_register_and_run_through_the_cli(churn: Pipeline, pipeline_server):
    registered = churn.cli("pipelines", "register", str(churn.directory), "--on-alert", "churn",
                            "--schedule", "0 3 * * *", "--server", pipeline_server.url, "--json")
    assert registered.returncode == 0, registered.stderr
    pipeline = json.loads(registered.stdout)
    assert pipeline["name"] == "churn" and pipeline["settings"]["on_alert"] == ["churn"]
    assert pipeline["next_scheduled_at"] > 0

    run = churn.cli("pipelines", "run", "churn", "--follow", "--server", pipeline_server.url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "deploy ▶ running" in run.stdout and "Run 1 succeeded." in run.stdout

    runs = api(pipeline_server, "GET", "/churn/runs").json()["runs"]
    assert [(r["run_id"], r["status"], r["trigger"]) for r in runs] == [("1", "succeeded", "rest")]
    assert [stage["status"] for stage in runs[0]["result"]] == ["ran"] * 8
    # The same tracking records as `keel run --server`: a pipeline run with nested stage runs.
    client = MlflowClient(tracking_uri=pipeline_server.url)
    tracking_run = client.get_run(runs[0]["tracking_run_id"])
    assert tracking_run.data.tags["keel.pipeline"] == "churn" and tracking_run.info.status == "FINISHED"
    assert client.get_model_version_by_alias("churn", "challenger").version == "1"

    events = api(pipeline_server, "GET", "/churn/runs/1/events", params={"after": 0}).json()
    assert events["status"] == "succeeded"
    kinds = [event["event"] for event in events["events"]]
    assert kinds[0] == "pipeline_started" and kinds[-1] == "pipeline_finished"
    assert [event["seq"] for event in events["events"]] == list(range(1, len(kinds) + 1))
    later = api(pipeline_server, "GET", "/churn/runs/1/events", params={"after": events["last_seq"]}).json()
    assert later["events"] == []

    shown = churn.cli("pipelines", "show", "churn", "--server", pipeline_server.url)
    assert "alerts on 'churn'" in shown.stdout and "succeeded" in shown.stdout


def test_pipeline_pages_show_the_graph_runs_and_log(pipeline_server, new_tab):
    """After the run above: the pages in Chromium (see Tests/e2e/web)."""
    tab = new_tab(pipeline_server.url)
    tab.open("/ui/pipelines")
    row = tab.page.locator("tbody tr", has_text="churn")
    assert "succeeded" in row.inner_text() and "0 3 * * *" in row.inner_text()
    row.locator("a").first.click()
    graph = tab.page.locator("svg[aria-label='Stages of churn']")
    assert graph.locator("g.stage").count() == len(ALL_STAGES)
    assert graph.locator("line").count() >= len(ALL_STAGES) - 1, "an arrow per dependency"
    stages = tab.page.locator("#graph ~ table tbody tr")
    assert stages.all_inner_texts()[0].startswith("generate") and stages.count() == len(ALL_STAGES)
    assert "[train]" in tab.page.locator("pre.preview").inner_text(), "the stages' own output is in the log"
    assert tab.page.locator("#runs ~ div table tbody tr").count() == 1
    assert audit(tab.page) == []
    tab.shot("pipeline")


def test_a_firing_alert_retrains_and_rolls_out_a_new_version(churn: Pipeline, pipeline_server):
    serving = Serving(pipeline_server.url)
    serving.wait_ready("churn")
    # The world changed: fresh customer data is in place for the next training.
    params = yaml.safe_load(churn.path("params.yaml").read_text())
    params["generate"]["seed"] = 8
    churn.path("params.yaml").write_text(yaml.safe_dump(params))

    rule = requests.post(f"{pipeline_server.url}/api/2.0/keel/alerts/rules", timeout=10,
                         json={"deployment": "churn", "when": "requests >= 1", "window": "1h", "every": "1h"}).json()["rule"]
    rows = pd.read_csv(churn.path("data/test.csv")).drop(columns=["churned", "customer_id"]).head(3)
    answer = requests.post(f"{pipeline_server.url}/deployments/churn/invocations", timeout=30,
                           json={"dataframe_split": json.loads(rows.to_json(orient="split", index=False))})
    assert answer.status_code == 200, answer.text

    def evaluate():
        return requests.post(f"{pipeline_server.url}/api/2.0/keel/alerts/rules/{rule['rule_id']}/evaluate", timeout=10).json()

    poll(evaluate, lambda body: body.get("state") == "firing", 30, "the alert to fire", interval=0.5)
    run = wait_for_run(pipeline_server, "churn", 2)
    assert run["trigger"] == "alert", run
    assert "alert on 'churn': requests >= 1 fired" in run["trigger_detail"]
    assert run["status"] == "succeeded", run
    by_stage = {stage["stage"]: stage for stage in run["result"]}
    assert by_stage["generate"]["status"] == "ran" and by_stage["train"]["status"] == "ran"
    assert by_stage["register"]["result"]["version"] == "2"
    client = MlflowClient(tracking_uri=pipeline_server.url)
    assert client.get_model_version_by_alias("churn", "challenger").version == "2"
    traffic = serving.deployment("churn")["traffic"]
    assert traffic["kind"] == "canary" and str(traffic["candidate"]) == "2"


def test_cancelling_a_running_run(tmp_path, pipeline_server):
    slow = Pipeline(tmp_path / "slow")
    slow.directory.mkdir()
    slow.path("keel.yaml").write_text("stages:\n  wait: {cmd: 'sleep 60'}\n  after: {cmd: 'true', after: [wait]}\n")
    assert api(pipeline_server, "POST", "", json={"name": "slow", "directory": str(slow.directory)}).status_code == 200
    run = api(pipeline_server, "POST", "/slow/runs", json={}).json()["run"]
    poll(lambda: api(pipeline_server, "GET", f"/slow/runs/{run['run_id']}").json()["run"]["status"],
         lambda status: status == "running", 30, "the run to start")
    # Deleting a pipeline with a running run is refused.
    busy = api(pipeline_server, "DELETE", "/slow")
    assert busy.status_code == 409 and busy.json()["error_code"] == "RESOURCE_CONFLICT"
    cancelled = slow.cli("pipelines", "cancel", "slow", run["run_id"], "--server", pipeline_server.url)
    assert cancelled.returncode == 0, cancelled.stderr
    ended = wait_for_run(pipeline_server, "slow", 1, timeout=30)
    assert ended["status"] == "cancelled"
    assert [stage["status"] for stage in ended["result"]] == ["cancelled", "cancelled"]
    assert api(pipeline_server, "DELETE", "/slow").status_code == 200


def test_mistakes_get_errors_in_keels_format(tmp_path, pipeline_server):
    (tmp_path / "keel.yaml").write_text("stages:\n  a: {cmd: 'echo a > a.txt', outs: [a.txt]}\n")
    cases = [
        ("POST", "", {"name": "x", "directory": "relative/dir"}, 400, "INVALID_PARAMETER_VALUE", "absolute path"),
        ("POST", "", {"name": "x", "directory": str(tmp_path / "absent")}, 400, "INVALID_PARAMETER_VALUE", "No readable keel.yaml"),
        ("POST", "", {"name": "x y", "directory": str(tmp_path)}, 400, "INVALID_PARAMETER_VALUE", "Invalid pipeline name"),
        ("POST", "", {"name": "x", "directory": str(tmp_path), "settings": {"schedule": "every day"}}, 400, "INVALID_PARAMETER_VALUE", "five fields"),
        ("POST", "", {"name": "x", "directory": str(tmp_path), "settings": {"on_dataset": ["a.txt"]}}, 400, "INVALID_PARAMETER_VALUE", "written by stage 'a'"),
        ("POST", "", {"directory": str(tmp_path)}, 400, "INVALID_PARAMETER_VALUE", "name"),
        ("GET", "/absent", None, 404, "RESOURCE_DOES_NOT_EXIST", "Pipeline 'absent' not found"),
        ("POST", "/absent/runs", {}, 404, "RESOURCE_DOES_NOT_EXIST", "not found"),
        ("GET", "/absent/runs/abc", None, 400, "INVALID_PARAMETER_VALUE", "run id must be a positive number"),
    ]
    for method, path, body, status, code, message in cases:
        response = api(pipeline_server, method, path, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert response.json()["error_code"] == code, response.text
        assert message in response.json()["message"], response.text
    ok = api(pipeline_server, "POST", "", json={"name": "x", "directory": str(tmp_path)})
    assert ok.status_code == 200
    again = api(pipeline_server, "POST", "", json={"name": "x", "directory": str(tmp_path)})
    assert again.status_code == 400 and again.json()["error_code"] == "RESOURCE_ALREADY_EXISTS"
    unknown_stage = api(pipeline_server, "POST", "/x/runs", json={"stages": ["nope"]})
    assert unknown_stage.status_code == 400 and "no stage 'nope'" in unknown_stage.json()["message"]
