"""Performance: metrics from labels per model version, and the estimate before labels.

Why: these are the numbers people act on (roll back a canary, retrain), so
they must be exactly the textbook ones: scikit-learn computes accuracy,
precision, recall, F1 and ROC-AUC (or MAE, RMSE, R²) in the test on the very
predictions the callers received and the labels sent back, and the server
must agree to 1e-9. A canary's two versions are measured apart, each on the
rows it answered. Before any label, the confidence-based estimate must
already be there: with a model calibrated by construction (monitoring_models
.ProbabilityModel predicts the true probability of the synthetic data) it
must land close to the accuracy the labels later reveal (0.05; the seeded
data puts it within 0.02 with a correct implementation), and without a
labelled reference it must be exactly the expected confusion matrix of the
raw probabilities (NannyML's CBPE formulas, computed here).

Metric keys assumed: accuracy, precision, recall, f1, roc_auc; mae, rmse, r2.
"""

from __future__ import annotations

import numpy as np
import pytest

import monitoring_api as api
import monitoring_data as data
import monitoring_judges as judges
from support import serving
from support.rest import assert_error, assert_ok, unique_name

pytestmark = pytest.mark.keel_only

SETTINGS = {"task": "classification", "prediction": "prediction", "probability": "probability",
            "positive_label": 1}
ESTIMATE_TOLERANCE = 0.05


@pytest.fixture(scope="module")
def calibrated(module_deployments, probability_model, monitor) -> str:
    """The calibrated probability model with its settings and a labelled 1000-row reference."""
    name = module_deployments.create(f"{probability_model.name}/{probability_model.versions['calibrated']}")
    monitor.configure(name, SETTINGS)
    monitor.upload_reference(name, data.probability_reference(1000, seed=31))
    return name


def expected_from_probabilities(probability: np.ndarray, predicted: np.ndarray) -> dict:
    """CBPE: the expected confusion matrix when each probability is taken as calibrated."""
    positive = predicted == 1
    tp, fp = probability[positive].sum(), (1 - probability[positive]).sum()
    fn, tn = probability[~positive].sum(), (1 - probability[~positive]).sum()
    return {"accuracy": (tp + tn) / len(probability), "precision": tp / (tp + fp), "recall": tp / (tp + fn),
            "f1": 2 * tp / (2 * tp + fp + fn)}


def columns_of(sent: list[api.Sent], field: str) -> list:
    return [v for s in sent for v in s.prediction_values(field)]


def test_settings_round_trip_and_are_validated(monitor, bare_deployment):
    settings = {"task": "classification", "prediction": "label", "probability": "score", "positive_label": "yes",
                "drift_share": 0.4, "method": "psi", "threshold": 0.2, "column_methods": {"x_0": "wasserstein"},
                "column_thresholds": {"x_0": 0.05}}
    stored = monitor.configure(bare_deployment, settings)
    shown = api.unwrap(assert_ok(monitor.get_settings(bare_deployment)), "monitor")
    for key, value in settings.items():
        assert stored.get(key) == value and shown.get(key) == value, f"{key}: PUT {stored!r}, GET {shown!r}"
    for bad in ({"task": "clustering"}, {"drift_share": 2}, {"method": "magic"}, {"threshold": "high"},
                {"column_methods": {"x_0": "magic"}}, {"column_thresholds": {"x_0": "high"}}):
        assert_error(monitor.put_settings(bare_deployment, bad), *api.INVALID)
    assert api.unwrap(assert_ok(monitor.get_settings(bare_deployment)), "monitor").get("method") == "psi", \
        "a refused PUT changed the settings"
    monitor.configure(bare_deployment, {})
    absent = unique_name("absent")
    assert_error(monitor.put_settings(absent, SETTINGS), *api.MISSING)
    assert_error(monitor.get_settings(absent), *api.MISSING)


def test_classification_metrics_and_the_estimate_before_labels(keel, monitor, calibrated):
    frame = data.feature_frame(1000, seed=701)
    sent = api.send_rows(keel, calibrated, data.chunks(frame, 10))
    api.wait_logged(keel, calibrated, [s.request_id for s in sent])
    assert isinstance(sent[0].predictions[0], dict), f"object predictions expected: {sent[0].predictions[:2]}"
    predicted = columns_of(sent, "prediction")
    probability = columns_of(sent, "probability")

    before = monitor.performance(calibrated, last=len(sent))
    assert before["task"] == "classification" and str(before["positive_label"]) == "1", before
    (entry,) = before["versions"]
    assert entry["predictions"] == 1000 and entry["labelled"] == 0 and api.no_metrics(entry), entry
    estimated = entry.get("estimated")
    assert isinstance(estimated, dict), f"no estimate before labels: {entry}"
    for key in ("accuracy", "precision", "recall", "f1", "roc_auc"):
        assert isinstance(estimated.get(key), (int, float)) and 0.0 <= estimated[key] <= 1.0, f"estimated {key}: {estimated}"

    labels = data.draw_labels(frame, seed=1701)
    per_request = api.split_labels(labels, sent)
    assert monitor.feedback(api.label_items(sent, per_request)) == {"stored": 1000, "unchanged": 0}
    after = monitor.performance(calibrated, last=len(sent))
    (entry,) = after["versions"]
    assert entry["predictions"] == 1000 and entry["labelled"] == 1000, entry
    truth = judges.classification_metrics(labels, predicted, probability)
    judges.assert_metrics(entry.get("metrics"), truth, "labelled calibrated model")
    for key in ("accuracy", "roc_auc"):
        gap = abs(estimated[key] - truth[key])
        assert gap <= ESTIMATE_TOLERANCE, (f"estimated {key} {estimated[key]:.4f} is {gap:.4f} from the "
                                           f"{truth[key]:.4f} the labels revealed")

    bucketed = monitor.performance(calibrated, last=len(sent), bucket="1d")
    buckets = bucketed.get("buckets")
    assert isinstance(buckets, list) and buckets, f"bucket=1d gave no buckets: {bucketed}"
    assert all(b["start"] < b["end"] and str(b["version"]) == entry["version"] for b in buckets), buckets
    assert sum(b["predictions"] for b in buckets) == 1000 and sum(b["labelled"] for b in buckets) == 1000, buckets


def test_metrics_per_version_on_a_canary_split(server, keel, monitor, deployments, probability_model):
    v1, v2 = probability_model.versions["calibrated"], probability_model.versions["weaker"]
    name = deployments.create(f"{probability_model.name}/{v1}")
    monitor.configure(name, SETTINGS)  # no reference: raw probabilities count as calibrated
    deployments.set_traffic(name, {"kind": "canary", "candidate": v2, "percent": 50}, {v1, v2})
    probe = api.invocation_payload(data.feature_frame(2, seed=799))
    serving.settle(server.url, name, probe, lambda a: a.version == v2, f"the canary {v2} to answer")
    start = api.window_start_ms()

    frame = data.feature_frame(300, seed=702)
    sent = api.send_rows(keel, name, data.chunks(frame, 5))
    api.wait_logged(keel, name, [s.request_id for s in sent])
    by_version = {v: [s for s in sent if s.version == v] for v in (v1, v2)}
    assert all(by_version.values()) and len(by_version[v1]) + len(by_version[v2]) == len(sent), \
        {v: len(s) for v, s in by_version.items()}

    before = monitor.performance(name, start=start)
    for version, answered in by_version.items():
        entry = api.version_entry(before, version)
        expected = expected_from_probabilities(np.array(columns_of(answered, "probability")),
                                               np.array(columns_of(answered, "prediction")))
        judges.assert_metrics(entry.get("estimated"), expected, f"version {version} estimate (raw probabilities)",
                              rel=1e-6)

    labels = {s.request_id: data.draw_labels(s.rows, seed=703 + i) for i, s in enumerate(sent)}
    assert monitor.feedback([{"request_id": rid, "labels": values} for rid, values in labels.items()]) \
        == {"stored": 300, "unchanged": 0}
    performance = monitor.performance(name, start=start)
    assert {str(v["version"]) for v in performance["versions"]} == {v1, v2}, performance["versions"]
    roles = {str(v["version"]): v["role"] for v in performance["versions"]}
    assert roles == {v1: "primary", v2: "candidate"}, roles
    for version, answered in by_version.items():
        entry = api.version_entry(performance, version)
        rows = sum(len(s.rows) for s in answered)
        assert entry["predictions"] == rows and entry["labelled"] == rows, entry
        expected = judges.classification_metrics([v for s in answered for v in labels[s.request_id]],
                                                 columns_of(answered, "prediction"),
                                                 columns_of(answered, "probability"))
        judges.assert_metrics(entry.get("metrics"), expected, f"version {version}")

    only_v2 = monitor.performance(name, start=start, version=v2)
    assert [str(v["version"]) for v in only_v2["versions"]] == [v2], only_v2["versions"]
    assert only_v2["versions"][0]["metrics"] == api.version_entry(performance, v2)["metrics"]


def test_regression_metrics(keel, monitor, deployments, regression_model):
    name = deployments.create(f"{regression_model.name}/{regression_model.versions['sklearn']}")
    frame = data.feature_frame(200, seed=801)
    sent = api.send_rows(keel, name, data.chunks(frame, 10))
    api.wait_logged(keel, name, [s.request_id for s in sent])
    truth = data.regression_target(frame, seed=802)
    assert monitor.feedback(api.label_items(sent, api.split_labels(truth, sent))) == {"stored": 200, "unchanged": 0}

    performance = monitor.performance(name, last=len(sent))
    assert performance["task"] == "regression", "float predictions make a regression task by default"
    (entry,) = performance["versions"]
    assert entry["predictions"] == 200 and entry["labelled"] == 200, entry
    predicted = [p for s in sent for p in s.predictions]
    judges.assert_metrics(entry.get("metrics"), judges.regression_metrics(truth, predicted), "regression")
    assert not {"accuracy", "roc_auc"} & set(entry["metrics"]), entry["metrics"]

    (extra,) = api.send_rows(keel, name, [frame.head(1)])
    api.wait_logged(keel, name, [extra.request_id])
    assert_error(monitor.post_feedback([{"request_id": extra.request_id, "label": "high"}]), *api.INVALID)


def test_unknown_deployment_is_404(monitor):
    assert_error(monitor.get_performance(unique_name("absent")), *api.MISSING)
