"""Drift over windows of the inference log, judged against `keel drift` on the same rows.

Why: `GET .../drift` promises "the same JSON as `keel drift --json`, plus the
window it read". So the judge is the offline command itself (whose numbers
are already checked against Evidently in test_drift_cli.py), run on a CSV of
exactly the rows the window should hold — the features as sent and each row's
prediction as answered. Traffic drawn from the reference population must not
drift; traffic from the shifted population must; a window of both must match
the command on both. Every protocol a caller may use must produce the same
rows, failed requests must be counted as errors and left out, and every bad
window must be a 400 the caller can act on.

The deployment is shared by the module: each test reads only windows holding
its own requests (`last=N` right after sending N, or `start=` after a pause).
The data is seeded (monitoring_data), so "no drift" is a fact about these
rows, not luck: every p-value of the in-distribution window is far above 0.05.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import tritonclient.http as httpclient

import monitoring_api as api
import monitoring_data as data
import monitoring_judges as judges
from support.rest import assert_error, now_ms, unique_name

pytestmark = pytest.mark.keel_only

ROWS_PER_REQUEST = 10


class DriftDeployment:
    def __init__(self, name: str, reference):
        self.name = name
        self.reference = reference


@pytest.fixture(scope="module")
def drifting(module_deployments, classifier_model, monitor) -> DriftDeployment:
    """The classifier, deployed, with a 500-row reference of features and the model's predictions."""
    name = module_deployments.create(f"{classifier_model.name}/{classifier_model.versions['sklearn']}")
    reference = data.classifier_reference(500, seed=1)
    monitor.upload_reference(name, reference)
    return DriftDeployment(name, reference)


def send_and_wait(keel, name, frame, fmt="dataframe_split", threads=4) -> list[api.Sent]:
    sent = api.send_rows(keel, name, data.chunks(frame, ROWS_PER_REQUEST), fmt=fmt, threads=threads)
    api.wait_logged(keel, name, [s.request_id for s in sent])
    return sent


def assert_window(drift: dict, requests: int, rows: int, errors: int = 0) -> None:
    window = drift.get("window")
    assert isinstance(window, dict), f"drift answer without its window: {drift}"
    counts = {k: window.get(k) for k in ("requests", "rows", "errors")}
    assert counts == {"requests": requests, "rows": rows, "errors": errors}, f"window {window}"
    assert isinstance(window.get("start"), int) and isinstance(window.get("end"), int), window
    assert window["start"] <= window["end"], window


def test_reference_traffic_does_not_drift_and_shifted_traffic_does(keel, monitor, drifting):
    normal = data.feature_frame(300, seed=101)
    shifted = data.feature_frame(300, seed=102, shifted=True)

    sent_normal = send_and_wait(keel, drifting.name, normal)
    calm = monitor.drift(drifting.name, last=len(sent_normal))
    assert_window(calm, requests=30, rows=300)
    assert {c["column"] for c in calm["columns"]} == {"x_0", "x_1", "x_2", "prediction"}, \
        "features the requests carry, plus prediction drift (the reference has a prediction column)"
    assert calm["dataset"]["dataset_drift"] is False, calm
    judges.assert_same_drift(calm, judges.drift_via_cli(drifting.reference, judges.current_frame(sent_normal)),
                             "reference-like window")

    sent_shifted = send_and_wait(keel, drifting.name, shifted)
    drifted = monitor.drift(drifting.name, last=len(sent_shifted))
    assert_window(drifted, requests=30, rows=300)
    assert drifted["dataset"]["dataset_drift"] is True, drifted
    by_column = {c["column"]: c for c in drifted["columns"]}
    assert by_column["x_0"]["drift_detected"] and by_column["x_1"]["drift_detected"], by_column
    judges.assert_same_drift(drifted, judges.drift_via_cli(drifting.reference, judges.current_frame(sent_shifted)),
                             "shifted window")

    both = monitor.drift(drifting.name, last=60)
    assert_window(both, requests=60, rows=600)
    judges.assert_same_drift(both, judges.drift_via_cli(drifting.reference,
                                                        judges.current_frame(sent_normal + sent_shifted)),
                             "window of both")


def test_query_parameters_override_the_settings_for_one_call(keel, monitor, drifting):
    sent = send_and_wait(keel, drifting.name, data.feature_frame(200, seed=104, shifted=True))
    current = judges.current_frame(sent)
    drift = monitor.drift(drifting.name, last=len(sent), method="psi", threshold="0.2", drift_share="0.9")
    assert {c["stattest"] for c in drift["columns"]} == {"psi"}, drift["columns"]
    assert drift["dataset"]["drift_share_threshold"] == 0.9, drift["dataset"]
    judges.assert_same_drift(drift, judges.drift_via_cli(drifting.reference, current, "--method", "psi",
                                                         "--threshold", "0.2", "--drift-share", "0.9"), "method=psi")
    plain = monitor.drift(drifting.name, last=len(sent))
    assert "psi" not in {c["stattest"] for c in plain["columns"]}, "the override lasted beyond its call"


def send_oip_tritonclient(server, name, frames) -> None:
    client = httpclient.InferenceServerClient(url=server.url.removeprefix("http://"), connection_timeout=60.0,
                                              network_timeout=120.0)
    try:
        for rows in frames:
            inputs = []
            for column in rows.columns:
                tensor = httpclient.InferInput(column, [len(rows), 1], "FP64")
                tensor.set_data_from_numpy(rows[[column]].to_numpy(dtype=np.float64), binary_data=True)
                inputs.append(tensor)
            client.infer(name, inputs)
    finally:
        client.close()


PROTOCOLS = ["dataframe_records", "instances", "inputs", "csv", "oip-json-columns", "oip-json-matrix",
             "oip-tritonclient-binary"]


def test_every_protocol_gives_the_same_rows(server, keel, monitor, drifting):
    """The same 20 requests through each protocol: the same rows, so the same drift, to the last digit."""
    frames = data.chunks(data.feature_frame(200, seed=103), ROWS_PER_REQUEST)
    baseline_sent = api.send_rows(keel, drifting.name, frames, threads=1)
    api.wait_logged(keel, drifting.name, [s.request_id for s in baseline_sent])
    baseline = monitor.drift(drifting.name, last=len(frames))
    assert_window(baseline, requests=len(frames), rows=200)
    expected = judges.drift_scores(baseline)

    for protocol in PROTOCOLS:
        logged = len(keel.inference_log(drifting.name))
        if protocol.startswith("oip-json"):
            api.send_oip_json(keel, drifting.name, frames, "columns" if protocol.endswith("columns") else "matrix")
        elif protocol == "oip-tritonclient-binary":
            send_oip_tritonclient(server, drifting.name, frames)
        else:
            api.send_rows(keel, drifting.name, frames, fmt=protocol, threads=1)
        api.wait_log_count(keel, drifting.name, logged + len(frames))
        drift = monitor.drift(drifting.name, last=len(frames))
        assert_window(drift, requests=len(frames), rows=200)
        got = judges.drift_scores(drift)
        assert sorted(got) == sorted(expected), f"{protocol}: columns {sorted(got)} != {sorted(expected)}"
        for column, (test, score, detected, count) in expected.items():
            assert got[column][0] == test and got[column][2] == detected and got[column][3] == count, \
                f"{protocol}: {column} {got[column]} != dataframe_split's {expected[column]}"
            assert judges.same_number(got[column][1], score), \
                f"{protocol}: {column} score {got[column][1]} != dataframe_split's {score}"


def test_failed_requests_are_errors_not_rows(keel, monitor, drifting):
    start = api.window_start_ms()
    sent = api.send_rows(keel, drifting.name, data.chunks(data.feature_frame(100, seed=105), ROWS_PER_REQUEST))
    failed = api.send_failing(keel, drifting.name, 3)
    api.wait_logged(keel, drifting.name, [s.request_id for s in sent] + failed)
    drift = monitor.drift(drifting.name, start=start)
    assert_window(drift, requests=13, rows=100, errors=3)
    judges.assert_same_drift(drift, judges.drift_via_cli(drifting.reference, judges.current_frame(sent)),
                             "window with errors")


BAD_WINDOWS = {
    "unknown-unit": {"window": "5x"},
    "empty-window": {"window": ""},
    "negative-window": {"window": "-1h"},
    "fractional-window": {"window": "1.5h"},
    "unit-only": {"window": "h"},
    "last-zero": {"last": "0"},
    "last-negative": {"last": "-3"},
    "last-not-a-number": {"last": "ten"},
    "last-too-many": {"last": "100001"},
    "start-not-a-number": {"start": "yesterday"},
    "end-not-a-number": {"end": "2025-01-01"},
    "start-after-end": {"start": str(now_ms()), "end": str(now_ms() - 3_600_000)},
}


@pytest.mark.parametrize("read", ["drift", "performance"])
@pytest.mark.parametrize("case", list(BAD_WINDOWS))
def test_bad_window_is_400(monitor, drifting, read, case):
    get = monitor.get_drift if read == "drift" else monitor.get_performance
    error = assert_error(get(drifting.name, **BAD_WINDOWS[case]), *api.INVALID)
    assert error["message"], error


def test_empty_window_is_400_naming_the_window(keel, monitor, drifting):
    future = now_ms() + 86_400_000
    assert_error(monitor.get_drift(drifting.name, start=future), *api.INVALID)
    api.send_rows(keel, drifting.name, data.chunks(data.feature_frame(10, seed=106), ROWS_PER_REQUEST))
    time.sleep(2.5)  # the newest request is now older than the window
    error = assert_error(monitor.get_drift(drifting.name, window="1s"), *api.INVALID)
    assert "1s" in error["message"], f"the message should name the window: {error}"


def test_no_reference_is_404(keel, monitor, bare_deployment):
    sent = api.send_rows(keel, bare_deployment, data.chunks(data.feature_frame(20, seed=107), ROWS_PER_REQUEST))
    api.wait_logged(keel, bare_deployment, [s.request_id for s in sent])
    assert_error(monitor.get_drift(bare_deployment, last=len(sent)), *api.MISSING)
    assert_error(monitor.get_drift(unique_name("absent")), *api.MISSING)
