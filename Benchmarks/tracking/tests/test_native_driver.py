"""``keel-load-driver`` against a real local HTTP server: bodies, captures, failures, and the ingest plan."""

import json
import os
import time
from pathlib import Path

import pytest

from keelbench import ingest, native_driver
from keelbench.errors import ErrorLog

from conftest import _Handler

ROOT = Path(__file__).resolve().parents[3]


def _driver() -> Path:
    """The driver of the build under test: beside $KEEL_BIN (CI builds both), else any local build."""
    for keel in (os.environ.get("KEEL_BIN"), ROOT / ".build/debug/keel", ROOT / ".build/release/keel"):
        found = native_driver.find_driver(keel) if keel else None
        if found is not None:
            return found
    if os.environ.get("CI") or os.environ.get("KEEL_BIN"):
        pytest.fail("keel-load-driver is not built beside the keel binary under test")
    pytest.skip("keel-load-driver is not built (swift build --product keel-load-driver)")


def test_units_fill_their_holes_and_follow_each_other(url):
    unit = native_driver.Unit(
        [native_driver.post("runs/create", '{"run": {"info": {"run_id": "w{{connection}}-u{{unit}}"}}}'),
         native_driver.post("runs/log", '{"id": "{{run_id}}", "t": {{now_ms}}}'),
         native_driver.get("/health")],
        [native_driver.Capture("run_id", 0, "run_id")])
    errors = ErrorLog()
    _Handler.received.clear()
    before_ms = int(time.time() * 1000)
    totals = native_driver.drive(_driver(), url, [unit], 3, errors, "test", units_per_connection=2)
    assert errors.total == 0 and totals["failures"] == []
    assert totals["units"] == 6 and totals["failed_units"] == 0 and totals["requests"] == 18
    assert totals["seconds"] > 0 and totals["client_cpu_seconds"] >= 0
    # Each log request carries the run id its own unit's create answered, and the time it was sent.
    logs = [json.loads(body) for path, body in _Handler.received if path.endswith("/runs/log")]
    assert sorted(log["id"] for log in logs) == sorted(f"w{c}-u{u:06d}" for c in range(3) for u in range(2))
    assert all(before_ms <= log["t"] <= int(time.time() * 1000) for log in logs)


def test_failures_are_reported_and_stop_only_their_unit(url):
    big = '"' + "x" * 3_000_000 + '"'  # larger than a socket buffer: sent in parts
    unit = native_driver.Unit([native_driver.post("runs/big", big), native_driver.post("fail", '{"n": {{unit}}}'),
                               native_driver.post("never", "{}")])
    errors = ErrorLog()
    totals = native_driver.drive(_driver(), url, [unit], 2, errors, "test", units_per_connection=2)
    assert totals["units"] == 4 and totals["failed_units"] == 4 and totals["requests"] == 8
    assert errors.counts == {"test: POST fail -> 400": 4}
    example = errors.examples[0]
    assert json.loads(example["response"]) == {"error_code": "INVALID_PARAMETER_VALUE"}
    assert example["payload_excerpt"] in ('{"n": 000000}', '{"n": 000001}')


def test_a_missing_capture_fails_the_unit(url):
    unit = native_driver.Unit([native_driver.post("runs/create", '{"other": 1}'), native_driver.post("x", '"{{run_id}}"')],
                              [native_driver.Capture("run_id", 0, "run_id")])
    errors = ErrorLog()
    totals = native_driver.drive(_driver(), url, [unit], 1, errors, "test", units_per_connection=1)
    assert totals["failed_units"] == 1 and totals["requests"] == 1
    assert "no string run_id" in errors.examples[0]["response"]


def test_a_bad_plan_is_an_error_not_a_silent_zero(url):
    unit = native_driver.Unit([native_driver.post("x", "{{nope}}")])
    with pytest.raises(OSError, match="unknown placeholder"):
        native_driver.drive(_driver(), url, [unit], 1, ErrorLog(), "test", units_per_connection=1)


def test_the_ingest_units_send_the_python_writers_bodies():
    specs = [ingest.dataset.make_run("ingest", i, 3) for i in range(2)]
    batches = [ingest.dataset.LogBatchTemplate(spec) for spec in specs]
    units = ingest._native_units("7", specs, batches)
    assert [r.endpoint for r in units[0].requests] == ["runs/create", "runs/log-batch", *["runs/log-metric"] * 5, "runs/update"]
    filled = {"{{run_id}}": "abc", "{{connection}}": "2", "{{unit}}": "000004", "{{now_ms}}": "123"}

    def render(body: str) -> dict:
        for hole, value in filled.items():
            body = body.replace(hole, value)
        return json.loads(body)

    create = render(units[1].requests[0].body)
    assert create == dict(ingest.dataset.create_payload("7", specs[1]), run_name="ingest-w2-000004")
    assert render(units[1].requests[1].body) == ingest.dataset.log_batch_payload("abc", specs[1])
    assert render(units[1].requests[3].body) == {"run_id": "abc", "run_uuid": "abc", "key": "live", "value": 0.2,
                                                 "timestamp": 123, "step": 1}
    assert render(units[1].requests[7].body) == ingest.dataset.finish_payload("abc", specs[1])
