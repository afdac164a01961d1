"""`keel monitor …`: the command line over the monitoring API, as a user runs it.

Why: the CLI is how people set a reference from a shell, read drift in CI,
load labels from a CSV and share a report. Each command is run as a
subprocess against the session server (`--server URL`), its `--json` output
must parse and say the same as the REST API read at the same moment, failures
must exit non-zero with a message on stderr, and `report --html` must be one
self-contained file (inline SVG charts, nothing fetched from the network) —
it gets mailed around and opened offline.

`--json` may print the object itself or the REST envelope around it
(`{"reference": …}`, `{"rules": […]}`): `unwrap` accepts both.
"""

from __future__ import annotations

import csv

import pytest

import monitoring_api as api
import monitoring_data as data
import monitoring_judges as judges
from support.rest import assert_ok, unique_name

pytestmark = pytest.mark.keel_only

HOOK = "http://127.0.0.1:9/keel-hook"  # nothing listens there; deliveries just fail


class CliDeployment:
    def __init__(self, name: str, reference, sent: list[api.Sent]):
        self.name = name
        self.reference = reference
        self.sent = sent


@pytest.fixture(scope="module")
def cli_deployment(module_deployments, classifier_model, keel, monitor) -> CliDeployment:
    """Classifier with a reference, 10 normal and 20 shifted requests, the first 10 labelled."""
    name = module_deployments.create(f"{classifier_model.name}/{classifier_model.versions['sklearn']}")
    reference = data.classifier_reference(500, seed=1)
    monitor.upload_reference(name, reference)
    frames = data.chunks(data.feature_frame(100, seed=301), 10) + \
        data.chunks(data.feature_frame(200, seed=302, shifted=True), 10)
    sent = api.send_rows(keel, name, frames)
    api.wait_logged(keel, name, [s.request_id for s in sent])
    labels = [[int(v) for v in data.classifier_labels(s.rows, seed=303 + i)] for i, s in enumerate(sent[:10])]
    monitor.feedback(api.label_items(sent[:10], labels))
    return CliDeployment(name, reference, sent)


def test_reference_upload_prints_the_profile(server, monitor, cli_deployment, tmp_path):
    path = data.write_csv(cli_deployment.reference, tmp_path / "train.csv")
    printed = api.profile_of(judges.keel_monitor_json(server.url, "reference", cli_deployment.name, str(path)))
    assert printed["rows"] == len(cli_deployment.reference) and printed["source"] == "upload", printed
    assert printed == monitor.reference(cli_deployment.name), "the CLI printed another profile than GET answers"


def test_reference_from_lineage_without_a_dataset_fails_with_a_message(server, cli_deployment):
    result = judges.keel_monitor(server.url, "reference", cli_deployment.name, "--from-lineage")
    assert result.returncode != 0, f"exited 0: {result.stdout[-400:]!r}"
    assert "upload" in result.stderr.lower(), f"stderr should say to upload a reference: {result.stderr[-400:]!r}"


def test_settings(server, monitor, cli_deployment):
    judges.keel_monitor_json(server.url, "settings", cli_deployment.name, "--task", "classification")
    shown = api.unwrap(assert_ok(monitor.get_settings(cli_deployment.name)), "monitor")
    assert shown.get("task") == "classification", shown


def test_drift_json_is_the_rest_answer(server, monitor, cli_deployment):
    printed = judges.keel_monitor_json(server.url, "drift", cli_deployment.name, "--window", "1h")
    rest = monitor.drift(cli_deployment.name, window="1h")
    judges.assert_same_drift(printed, rest, "keel monitor drift --json vs GET drift")
    assert {k: printed["window"][k] for k in ("requests", "rows", "errors")} == \
        {k: rest["window"][k] for k in ("requests", "rows", "errors")}, (printed["window"], rest["window"])
    assert printed["dataset"]["dataset_drift"] is True, printed["dataset"]


def test_drift_table_for_people(server, cli_deployment):
    result = judges.keel_monitor(server.url, "drift", cli_deployment.name, "--window", "1h")
    assert result.returncode == 0, result.stderr[-400:]
    assert "x_0" in result.stdout and "drift" in result.stdout.lower(), result.stdout[-800:]


def test_feedback_from_csv_files(server, keel, cli_deployment, tmp_path):
    sent = api.send_rows(keel, cli_deployment.name, [data.feature_frame(1, seed=304), data.feature_frame(1, seed=305),
                                                     data.feature_frame(3, seed=306)], threads=1)
    api.wait_logged(keel, cli_deployment.name, [s.request_id for s in sent])
    singles = tmp_path / "labels.csv"
    with open(singles, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["request_id", "label"])
        writer.writerow([sent[0].request_id, 1])
        writer.writerow([sent[1].request_id, 0])
    rows = tmp_path / "row-labels.csv"
    with open(rows, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["request_id", "label", "row"])
        for row, label in ((2, 1), (0, 0), (1, 1)):
            writer.writerow([sent[2].request_id, label, row])

    assert judges.keel_monitor_json(server.url, "feedback", cli_deployment.name, str(singles)) == \
        {"stored": 2, "unchanged": 0}
    assert judges.keel_monitor_json(server.url, "feedback", cli_deployment.name, str(rows)) == \
        {"stored": 3, "unchanged": 0}
    assert judges.keel_monitor_json(server.url, "feedback", cli_deployment.name, str(rows)) == \
        {"stored": 0, "unchanged": 3}


def test_performance_json_is_the_rest_answer(server, monitor, cli_deployment):
    printed = judges.keel_monitor_json(server.url, "performance", cli_deployment.name,
                                       "--window", "7d", "--bucket", "1d")
    rest = monitor.performance(cli_deployment.name, window="7d", bucket="1d")
    assert printed["task"] == rest["task"] and printed["versions"] == rest["versions"], (printed, rest)
    assert sum(b["predictions"] for b in printed["buckets"]) == sum(b["predictions"] for b in rest["buckets"])
    assert rest["versions"][0]["labelled"] >= 100, "the fixture labelled 100 rows"


def test_alert_add_list_and_alerts(server, monitor, cli_deployment):
    added = api.unwrap(judges.keel_monitor_json(server.url, "alert", "add", cli_deployment.name,
                                                "--when", "drift_share > 0.3", "--window", "1h", "--webhook", HOOK),
                       "rule")
    rule = api.rule_id(added)
    try:
        assert added["when"] == "drift_share > 0.3" and added["window"] == "1h" and added["webhook"] == HOOK, added
        assert str(rule) in {str(api.rule_id(r)) for r in monitor.rules(cli_deployment.name)}
        listed = api.unwrap(judges.keel_monitor_json(server.url, "alert", "list", cli_deployment.name), "rules")
        assert isinstance(listed, list) and str(rule) in {str(api.rule_id(r)) for r in listed}, listed
        alerts = api.unwrap(judges.keel_monitor_json(server.url, "alerts", cli_deployment.name), "alerts")
        assert isinstance(alerts, list), alerts
        assert all(a.get("state") in ("firing", "resolved") for a in alerts), alerts
    finally:
        monitor.delete_rule(rule)
    bad = judges.keel_monitor(server.url, "alert", "add", cli_deployment.name, "--when", "drift_share >> 0.3",
                              "--window", "1h", "--webhook", HOOK)
    assert bad.returncode != 0 and bad.stderr.strip(), f"a bad rule: exit {bad.returncode}, stderr {bad.stderr!r}"


def test_report_json_and_self_contained_html(server, monitor, cli_deployment, tmp_path):
    report = judges.keel_monitor_json(server.url, "report", cli_deployment.name, "--window", "24h")
    assert isinstance(report, dict), report
    drift = monitor.drift(cli_deployment.name, window="24h")
    assert isinstance(report.get("drift"), dict), f"the report has no drift section: {sorted(report)}"
    assert report["drift"]["dataset"]["dataset_drift"] == drift["dataset"]["dataset_drift"], report["drift"]
    assert isinstance(report.get("performance"), dict), f"the report has no performance section: {sorted(report)}"
    assert report["performance"]["versions"] == monitor.performance(cli_deployment.name, window="24h")["versions"]
    assert isinstance(report.get("alerts"), list), f"the report has no alerts list: {sorted(report)}"

    page_path = tmp_path / "report.html"
    result = judges.keel_monitor(server.url, "report", cli_deployment.name, "--window", "24h", "--html", str(page_path))
    assert result.returncode == 0, f"report --html exited {result.returncode}: {result.stderr[-600:]!r}"
    page = page_path.read_text()
    assert page.lstrip().lower().startswith("<!doctype html>"), page[:200]
    assert cli_deployment.name in page and "x_0" in page, "the report names the deployment and its columns"
    judges.assert_self_contained_html(page, "keel monitor report --html")


@pytest.mark.parametrize("args", [["drift", "{absent}", "--window", "1h"], ["performance", "{absent}"],
                                  ["report", "{absent}", "--window", "24h"],
                                  ["reference", "{absent}", "--from-lineage"]],
                         ids=["drift", "performance", "report", "reference"])
def test_an_unknown_deployment_fails_with_a_message(server, args):
    absent = unique_name("absent")
    result = judges.keel_monitor(server.url, *[a.format(absent=absent) for a in args], "--json")
    assert result.returncode != 0, f"exited 0: {result.stdout[-300:]!r}"
    assert result.stderr.strip(), "no message on stderr"
