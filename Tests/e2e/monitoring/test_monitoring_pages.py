"""The deployment and monitoring pages in headless Chromium, on a real deployment with real
traffic: the traffic split and charts, the inference log, drift per feature with its
histograms, performance from ground truth, the alert rule, and the model card."""

from __future__ import annotations

import pytest

import monitoring_api as api
import monitoring_data as data
import monitoring_judges as judges
from support.a11y import audit

pytestmark = pytest.mark.keel_only


def test_deployment_and_monitoring_pages(server, keel, monitor, deployments, rules, probability_model, new_tab, tmp_path):
    version = probability_model.versions["calibrated"]
    name = deployments.create(f"{probability_model.name}/{version}")
    reference = data.probability_reference(1000, seed=41)
    judges.keel_monitor_json(server.url, "reference", name, str(data.write_csv(reference, tmp_path / "train.csv")))
    judges.keel_monitor_json(server.url, "settings", name, "--task", "classification", "--probability", "probability")
    rules.create(deployment=name, when="drift_share > 0.3", window="1h", every="1s")
    shifted_frame = data.feature_frame(300, seed=942, shifted=True)
    shifted = api.send_rows(keel, name, data.chunks(shifted_frame, 5))
    api.wait_logged(keel, name, [s.request_id for s in shifted])
    labels = data.draw_labels(shifted_frame, seed=943)
    monitor.feedback(api.label_items(shifted, api.split_labels(labels, shifted)))

    tab = new_tab(server.url)
    tab.open("/ui/deployments")
    row = tab.page.locator("tbody tr", has_text=name)
    assert row.count() == 1 and f"v{version} 100 %" in row.inner_text()
    assert audit(tab.page) == []

    row.locator("a").first.click()
    assert tab.page.locator("h1").inner_text() == name
    targets = tab.page.locator("#targets ~ table").first
    assert "primary" in targets.inner_text() and "100 %" in targets.inner_text()
    for title in ("Requests per 1 min", "Error rate (%)", "Mean latency (ms)"):
        chart = tab.page.locator(f"svg.chart[aria-label='{title}']")
        assert chart.count() == 1 and chart.locator("polyline").count() >= 1, title
    log = tab.page.locator("#log ~ div table tbody tr")
    assert log.count() == 50, "one page of the inference log"
    assert audit(tab.page) == []
    tab.shot("deployment")
    tab.page.click("a:text('Older requests')")
    assert tab.page.locator("#log ~ div table tbody tr").count() == 10
    assert tab.page.locator("a:text('Older requests')").count() == 0

    tab.page.click("a:text('Newest')")
    tab.page.click("a:text('Monitoring: drift, performance, alerts')")
    assert tab.page.locator("h1").inner_text() == f"Monitoring {name}"
    assert "columns drifted" in tab.page.locator("#drift ~ p").first.inner_text()
    drift_rows = tab.page.locator("#drift ~ div table tbody tr")
    assert drift_rows.count() >= len(data.FEATURES)
    assert tab.page.locator("#drift ~ div table tbody tr:has-text('yes')").count() >= 1, "the shift is seen"
    histograms = tab.page.locator("svg.chart[aria-label^='x_']")
    assert histograms.count() >= 1 and histograms.first.locator("rect").count() > 4
    performance = tab.page.locator("#performance ~ div table").first.inner_text()
    assert "300" in performance and "accuracy" in performance
    assert "drift_share > 0.3" in tab.page.locator("#alerts ~ table").first.inner_text()
    assert audit(tab.page) == []
    tab.shot("monitoring")

    tab.open(f"/ui/models/{probability_model.name}/versions/{version}")
    assert name in tab.page.locator("svg.lineage").text_content(), "lineage reaches the deployment"
    tab.page.click("a:text('Model card')")
    main = tab.page.locator("main").inner_text()
    assert "EU AI Act" in main and name in main
    assert audit(tab.page) == []
    tab.shot("model-card")
