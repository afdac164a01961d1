"""The whole story, end to end, as an operator lives it.

Deploy a model, give it its training data as the reference and its settings
(from the command line), serve normal traffic (no drift, no alert), then the
population shifts: drift shows, the alert rule fires at the webhook, labels
arrive and performance is measured on them, and the report — JSON and a
self-contained HTML page — tells the story in one place. Each step checks
only what the step adds; the details are the other modules' business.
"""

from __future__ import annotations

import time

import pytest

import monitoring_api as api
import monitoring_data as data
import monitoring_judges as judges
from support.rest import now_ms
from support.webhooks import WebhookReceiver

pytestmark = pytest.mark.keel_only


def test_deploy_drift_alert_feedback_report(server, keel, monitor, deployments, rules, probability_model, tmp_path):
    # 1. Deploy, then reference and settings from the command line.
    name = deployments.create(f"{probability_model.name}/{probability_model.versions['calibrated']}")
    reference = data.probability_reference(1000, seed=31)
    path = data.write_csv(reference, tmp_path / "train.csv")
    profile = api.profile_of(judges.keel_monitor_json(server.url, "reference", name, str(path)))
    assert profile["rows"] == 1000 and [c["name"] for c in profile["columns"]] == list(reference.columns), profile
    judges.keel_monitor_json(server.url, "settings", name, "--task", "classification", "--probability", "probability")

    with WebhookReceiver() as hook:
        started = now_ms()
        rule = rules.create(deployment=name, when="drift_share > 0.3", window="1h", webhook=hook.url, every="1s")

        # 2. Normal traffic: no drift, and the rule stays quiet.
        normal = api.send_rows(keel, name, data.chunks(data.feature_frame(200, seed=901), 10))
        api.wait_logged(keel, name, [s.request_id for s in normal])
        calm = monitor.drift(name, last=len(normal))
        assert calm["dataset"]["dataset_drift"] is False, calm
        time.sleep(3)  # three evaluations over the normal traffic
        assert not hook.deliveries(), f"the rule fired on normal traffic: {[d.describe() for d in hook.deliveries()]}"

        # 3. The population shifts: drift, and the alert reaches the webhook.
        shifted_frame = data.feature_frame(400, seed=902, shifted=True)
        shifted = api.send_rows(keel, name, data.chunks(shifted_frame, 10))
        api.wait_logged(keel, name, [s.request_id for s in shifted])
        drifted = monitor.drift(name, last=len(shifted))
        assert drifted["dataset"]["dataset_drift"] is True, drifted
        fired = hook.wait_for_body(lambda b: str(b.get("rule_id")) == str(api.rule_id(rule)) and
                                   b.get("state") == "firing", api.WEBHOOK_TIMEOUT_S, "the drift alert")
        assert fired["deployment"] == name and fired["value"] > 0.3 and fired["fired_at"] >= started - 1000, fired

    # 4. Labels arrive for the shifted traffic: performance is measured on them.
    labels = data.draw_labels(shifted_frame, seed=903)
    assert monitor.feedback(api.label_items(shifted, api.split_labels(labels, shifted))) == \
        {"stored": 400, "unchanged": 0}
    (entry,) = monitor.performance(name, last=len(shifted))["versions"]
    assert entry["labelled"] == 400, entry
    expected = judges.classification_metrics(labels, [p["prediction"] for s in shifted for p in s.predictions],
                                             [p["probability"] for s in shifted for p in s.predictions])
    judges.assert_metrics(entry.get("metrics"), expected, "shifted traffic, labelled")

    # 5. The report tells it all.
    report = judges.keel_monitor_json(server.url, "report", name, "--window", "24h")
    assert report["drift"]["dataset"]["dataset_drift"] is True, report["drift"]
    assert any(str(a.get("alert_id", a.get("id"))) == str(fired["alert_id"]) and a.get("state") == "firing"
               for a in report["alerts"]), report["alerts"]
    (reported,) = report["performance"]["versions"]
    assert reported["labelled"] == 400 and reported["predictions"] == 600, reported
    page_path = tmp_path / "report.html"
    result = judges.keel_monitor(server.url, "report", name, "--window", "24h", "--html", str(page_path))
    assert result.returncode == 0, result.stderr[-600:]
    page = page_path.read_text()
    assert name in page, "the report names its deployment"
    judges.assert_self_contained_html(page, "story report")
