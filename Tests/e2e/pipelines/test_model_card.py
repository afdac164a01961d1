"""`keel card` and `GET /api/2.0/keel/model-cards/...` on the version examples/churn registers:
the card holds the run's real datasets (by hash), metrics, gate and bias results and its
deployment, renders to Markdown and HTML, and protected aliases need a data justification.
"""

from __future__ import annotations

import hashlib
import json

import requests
from mlflow import MlflowClient

from conftest import statuses


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def card(server, ref: str = "churn/1", **params) -> requests.Response:
    return requests.get(f"{server.url}/api/2.0/keel/model-cards/{ref}", params=params, timeout=30)


def test_the_card_of_the_pipelines_version_comes_from_its_lineage(churn, pipeline_server):
    result, events = churn.run_json("--server", pipeline_server.url)
    assert result.returncode == 0, result.stderr
    assert set(statuses(events).values()) == {"ran"}

    response = card(pipeline_server)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["format"] == "keel.model-card/1"
    details = body["model_details"]
    assert (details["name"], details["version"], details["pipeline"]) == ("churn", 1, "churn")
    assert "challenger" in details["aliases"]
    assert details["model_sha256"] and details["pipeline_run_id"]
    assert {entry["name"] for entry in details["code"]} >= {"generate_data.py", "split.py", "train.py", "evaluate.py"}
    assert details["params"]["train.n_estimators"] == "100"

    training = {entry["name"]: entry for entry in body["training_data"]}
    evaluation = {entry["name"]: entry for entry in body["evaluation_data"]}
    assert set(training) == {"data/raw.csv", "data/train.csv"}
    assert set(evaluation) == {"data/test.csv", "eval/predictions.csv", "metrics/eval.json"}
    for name, entries in [("data/raw.csv", training), ("data/train.csv", training), ("data/test.csv", evaluation)]:
        assert entries[name]["sha256"] == sha256(churn.path(name)), name
        assert entries[name]["digest"] == sha256(churn.path(name))[:32]
    raw_rows = sum(1 for _ in churn.path("data/raw.csv").open()) - 1
    assert training["data/raw.csv"]["rows"] == raw_rows
    assert any(column.startswith("age: type") for column in training["data/raw.csv"]["schema"])
    assert training["data/train.csv"]["stages"] == ["train"]
    assert training["data/raw.csv"]["stages"] == ["split", "validate"]

    eval_metrics = json.loads(churn.path("metrics/eval.json").read_text())
    assert body["metrics"]["values"]["accuracy"] == eval_metrics["accuracy"]
    assert body["metrics"]["values"]["roc_auc"] == eval_metrics["roc_auc"]
    report = json.loads(churn.path(".keel/reports/gate.json").read_text())
    [gate] = body["metrics"]["gates"]
    assert gate["stage"] == "gate" and gate["passed"] is True and gate["sensitive"] == "gender"
    assert [c["condition"] for c in gate["conditions"]] == [c["condition"] for c in report["conditions"]]
    assert {b["metric"]: b["value"] for b in gate["bias"]} == {b["metric"]: b["value"] for b in report["bias"]}
    assert {g["group"]: g["count"] for g in gate["groups"]} == {g["group"]: g["count"] for g in report["groups"]}
    assert sum(g["count"] for g in gate["groups"]) == sum(1 for _ in churn.path("eval/predictions.csv").open()) - 1
    assert body["quantitative_analyses"]["bias"][0]["groups"] == gate["groups"]
    [validation] = body["metrics"]["validations"]
    assert validation["dataset"] == "data/raw.csv" and validation["passed"] is True

    [deployed] = body["deployments"]
    assert deployed["name"] == "churn" and deployed["traffic_share"] == 1.0
    assert deployed["history"], deployed
    assert "drift_note" in deployed["monitoring"] or "drift_share" in deployed["monitoring"]
    assert [change["kind"] for change in body["changes"]][:1] == ["model_version_created"] or body["changes"]
    assert body["missing"] == [
        "keel.card.intended_use", "keel.card.intended_users", "keel.card.out_of_scope_use",
        "keel.card.factors", "keel.card.ethical_considerations", "keel.card.caveats",
    ]
    sections = [section["section"] for section in body["eu_ai_act"]]
    assert sections[:2] == ["Model details", "Intended use"] and "Quantitative analyses" in sections


def test_owners_fill_in_the_card_and_it_renders(churn, pipeline_server, tmp_path):
    edited = churn.cli("card", "edit", "churn", "--server", pipeline_server.url,
                       "--intended-use", "Rank accounts for retention calls",
                       "--out-of-scope", "Pricing & credit decisions",
                       "--caveats", "<script>alert(1)</script> trained on synthetic data")
    assert edited.returncode == 0, edited.stderr
    assert "Rank accounts" in edited.stdout

    markdown = churn.cli("card", "churn/1", "--server", pipeline_server.url)
    assert markdown.returncode == 0, markdown.stderr
    for heading in ["# Model card: churn version 1", "## Intended use", "## Training data", "## Quantitative analyses", "## Deployment and monitoring"]:
        assert heading in markdown.stdout, heading
    assert "Rank accounts for retention calls" in markdown.stdout
    assert "EU AI Act: Annex IV 2(d)" in markdown.stdout
    assert sha256(churn.path("data/train.csv"))[:32] in markdown.stdout
    assert "<script>" not in markdown.stdout

    page = tmp_path / "card.html"
    html = churn.cli("card", "churn@challenger", "--html", "-o", str(page), "--server", pipeline_server.url)
    assert html.returncode == 0, html.stderr
    text = page.read_text()
    assert text.startswith("<!doctype html>") and "<h2>Quantitative analyses</h2>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
    assert "Pricing &amp; credit decisions" in text

    as_json = json.loads(churn.cli("card", "churn/1", "--json", "--server", pipeline_server.url).stdout)
    assert as_json["intended_use"]["out_of_scope_uses"] == "Pricing & credit decisions"
    assert "keel.card.intended_use" not in as_json["missing"]

    assert card(pipeline_server, format="pdf").status_code == 400
    assert card(pipeline_server, "churn/99").status_code == 404
    refused = requests.patch(f"{pipeline_server.url}/api/2.0/keel/model-cards/churn", json={"colour": "blue"}, timeout=10)
    assert refused.status_code == 400 and "colour" in refused.json()["message"]


def test_a_protected_alias_moves_only_with_a_data_justification(churn, pipeline_server):
    client = MlflowClient(pipeline_server.url)
    client.set_registered_model_tag("churn", "keel.protected_aliases", "champion, production")
    refused = churn.cli("models", "alias", "churn", "champion", "1", "--server", pipeline_server.url)
    assert refused.returncode != 0 and "protected" in refused.stderr and "justification" in refused.stderr
    client.set_registered_model_alias("churn", "staging", 1)  # not protected

    reason = "Q3 export: 5000 accounts, all plans, the same period the model will score"
    moved = churn.cli("models", "alias", "churn", "champion", "1", "--justification", reason, "--server", pipeline_server.url)
    assert moved.returncode == 0, moved.stderr
    assert client.get_model_version("churn", "1").tags["keel.data_justification"] == reason
    assert card(pipeline_server, "churn/champion").json()["data_justification"] == reason
    # Once justified, the mlflow client (which cannot send one) may move it back to this version.
    client.set_registered_model_alias("churn", "production", 1)
