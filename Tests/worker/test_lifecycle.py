"""Worker lifecycle: fatal start-up errors, health, malformed frames, exit paths."""

import json
import signal
import struct
import sys

import pytest

from support.gateway import recv_frame, send_frame, worker_env
from support.models import IRIS_COLUMNS


def _blocking_env(tmp_path, module: str) -> dict:
    """A worker env whose interpreter cannot import `module` (sitecustomize)."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(f"import sys\nsys.modules[{module!r}] = None\n")
    return worker_env(extra_pythonpath=str(shim))


def test_fatal_for_missing_model_path(spawn):
    worker = spawn("/nonexistent/keel/model")
    fatal = worker.first
    assert fatal["type"] == "fatal"
    assert fatal["protocol"] == 1 and fatal["worker_id"] == 7
    assert fatal["pid"] == worker.proc.pid
    assert fatal["kind"] == "load_failed"
    assert fatal["message"].startswith("failed to load model /nonexistent/keel/model: ")
    assert worker.wait() == 1


def test_fatal_names_missing_flavor_package(spawn, xgboost_model, tmp_path):
    worker = spawn(xgboost_model, env=_blocking_env(tmp_path, "xgboost"))
    fatal = worker.first
    assert fatal["type"] == "fatal" and fatal["kind"] == "dependency_missing"
    assert fatal["message"].startswith(
        f"the model needs flavor 'xgboost' but package 'xgboost' is not installed in {sys.executable}"
    )
    assert worker.wait() == 1


def test_fatal_when_mlflow_is_missing(spawn, sklearn_model, tmp_path):
    worker = spawn(sklearn_model, env=_blocking_env(tmp_path, "mlflow"))
    assert worker.first["type"] == "fatal" and worker.first["kind"] == "mlflow_missing"
    assert worker.first["message"].startswith(f"mlflow is not installed in {sys.executable}")
    assert worker.wait() == 1


@pytest.fixture
def worker(spawn, sklearn_model):
    worker = spawn(sklearn_model)
    assert worker.first["type"] == "hello"
    return worker


def _ping_ok(worker, frame_id=900):
    assert worker.request({"type": "ping", "id": frame_id}) == ({"type": "pong", "id": frame_id}, b"")


def test_ping_shutdown_and_clean_exit(worker):
    _ping_ok(worker, 1)
    assert worker.request({"type": "shutdown", "id": 2}) == ({"type": "bye", "id": 2}, b"")
    assert worker.wait() == 0


def test_exit_on_socket_close(worker):
    worker.sock.close()
    assert worker.wait() == 0


def test_sigterm_when_idle_exits_zero(worker):
    _ping_ok(worker)
    worker.proc.send_signal(signal.SIGTERM)
    assert worker.wait() == 0


def test_shutdown_after_pending_request_answers_it_first(worker):
    body = json.dumps({"dataframe_split": {"columns": IRIS_COLUMNS, "data": [[5.1, 3.5, 1.4, 0.2]]}}).encode()
    send_frame(worker.sock, {"type": "invocations", "id": 5,
                             "items": [{"content_type": "application/json", "binary_length": len(body)}]},
               body)
    send_frame(worker.sock, {"type": "shutdown", "id": 6})
    first, _ = recv_frame(worker.sock)
    assert (first["type"], first["id"], first["items"][0]["status"]) == ("result", 5, 200)
    assert recv_frame(worker.sock)[0] == {"type": "bye", "id": 6}
    assert worker.wait() == 0


MALFORMED = {
    "unknown_type": ({"type": "teleport", "id": 11}, b"", 11, "unknown_type"),
    "missing_id": ({"type": "ping"}, b"", None, "bad_request"),
    "string_id": ({"type": "ping", "id": "a"}, b"", None, "bad_request"),
    "no_items": ({"type": "invocations", "id": 12, "items": []}, b"", 12, "bad_request"),
    "length_mismatch": ({"type": "invocations", "id": 13,
                         "items": [{"content_type": "text/csv", "binary_length": 5}]}, b"abc", 13,
                        "bad_request"),
    "bad_item_length": ({"type": "infer", "id": 14, "items": [{"binary_length": -1}]}, b"", 14,
                        "bad_request"),
}


@pytest.fixture(scope="module")
def shared_worker(module_spawn, sklearn_model):
    """One worker for all the tests that leave it running (start-up is ~5 s)."""
    worker = module_spawn(sklearn_model)
    assert worker.first["type"] == "hello"
    return worker


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_frame_gets_error_and_worker_keeps_serving(shared_worker, case):
    worker = shared_worker
    header, binary, expected_id, code = MALFORMED[case]
    reply, _ = worker.request(header, binary)
    assert reply["type"] == "error" and reply["id"] == expected_id and reply["code"] == code
    assert isinstance(reply["message"], str) and reply["message"]
    _ping_ok(worker)


def test_invalid_json_frame_is_recoverable(shared_worker):
    worker = shared_worker
    raw = b"{not json"
    worker.sock.sendall(struct.pack(">I", len(raw)) + raw)
    reply, _ = recv_frame(worker.sock)
    assert (reply["type"], reply["id"], reply["code"]) == ("error", None, "bad_frame")
    _ping_ok(worker)


def test_oversized_frame_is_fatal_to_the_connection(worker):
    worker.sock.sendall(struct.pack(">I", 64 * 2**20 + 1))
    reply, _ = recv_frame(worker.sock)
    assert (reply["type"], reply["code"]) == ("error", "bad_frame")
    assert "max_json_bytes" in reply["message"]
    assert worker.wait() == 3
