"""The worker's request loop: one frame in, one frame out, strictly in order.

Why one request at a time: pyfunc models are not guaranteed thread-safe, and
the gateway gets parallelism by running several worker processes. Keeping the
loop sequential also makes ordering trivial — a reply always answers the
oldest unanswered frame, so ``shutdown`` naturally means "after everything
sent before it".
"""

from __future__ import annotations

import logging
import os
import signal
import socket

from . import framing, protocol
from .framing import ConnectionClosed, FrameError

_logger = logging.getLogger(__name__)


class WorkerLoop:
    """Dispatches gateway frames to the scorers of one loaded model."""

    def __init__(self, sock: socket.socket, loaded, worker_id):
        from .oip_infer import InferHandler
        from .scoring import InvocationsScorer

        self.sock = sock
        self.worker_id = worker_id
        self.scorer = InvocationsScorer(loaded.model)
        self.infer = InferHandler(loaded.model)
        self.busy = False
        self.stop_requested = False

    def run(self) -> int:
        """Serve until shutdown, SIGTERM or EOF; returns the exit code."""
        self._install_sigterm()
        while not self.stop_requested:
            try:
                frame = framing.read_frame(self.sock)
            except ConnectionClosed as exc:
                _logger.info("gateway closed the socket (%s)", exc)
                return protocol.EXIT_OK if exc.clean else protocol.EXIT_CONNECTION
            except FrameError as exc:
                try:
                    self._send_error(exc.frame_id, "bad_frame", str(exc))
                except OSError:
                    return protocol.EXIT_CONNECTION
                if not exc.recoverable:
                    return protocol.EXIT_PROTOCOL
                continue
            except OSError as exc:
                _logger.error("socket error: %s", exc)
                return protocol.EXIT_CONNECTION
            try:
                self.busy = True
                self._dispatch(frame)
            except OSError as exc:
                _logger.error("socket error while replying: %s", exc)
                return protocol.EXIT_CONNECTION
            finally:
                self.busy = False
        return protocol.EXIT_OK

    def _install_sigterm(self) -> None:
        """SIGTERM = finish the current request, then exit 0."""

        def on_term(signum, _frame):
            self.stop_requested = True
            if not self.busy:
                raise SystemExit(protocol.EXIT_OK)

        signal.signal(signal.SIGTERM, on_term)

    # -- dispatch ----------------------------------------------------------
    def _dispatch(self, frame: framing.Frame) -> None:
        header = frame.header
        frame_id = header.get("id")
        kind = header.get("type")
        if not _valid_id(frame_id):
            self._send_error(None, "bad_request", "'id' must be a non-negative integer")
            return
        if kind == protocol.PING:
            framing.write_frame(self.sock, {"type": protocol.PONG, "id": frame_id})
        elif kind == protocol.SHUTDOWN:
            framing.write_frame(self.sock, {"type": protocol.BYE, "id": frame_id})
            self.stop_requested = True
        elif kind == protocol.INVOCATIONS:
            self._handle_batch(frame, self._invocations_items)
        elif kind == protocol.INFER:
            self._handle_batch(frame, self._infer_items)
        else:
            self._send_error(frame_id, "unknown_type", f"unknown frame type {kind!r}")

    def _handle_batch(self, frame: framing.Frame, handler) -> None:
        header = frame.header
        try:
            bodies = _split_items(header, frame.binary)
        except ValueError as exc:
            self._send_error(header["id"], "bad_request", str(exc))
            return
        replies = handler(header, bodies)
        items, blobs = [], []
        for status, content_type, body in replies:
            if len(body) > protocol.MAX_BINARY_BYTES:
                status, content_type = 500, "application/json"
                body = b'{"error": "response body exceeds max_binary_bytes"}'
            items.append({"status": status, "content_type": content_type, "binary_length": len(body)})
            blobs.append(body)
        total = sum(len(b) for b in blobs)
        if total > protocol.MAX_BINARY_BYTES:
            self._send_error(header["id"], "too_large",
                             f"batch response of {total} bytes exceeds max_binary_bytes")
            return
        framing.write_frame(
            self.sock, {"type": protocol.RESULT, "id": header["id"], "items": items}, b"".join(blobs)
        )

    def _invocations_items(self, header: dict, bodies: list) -> list:
        from .scoring import Item

        items = [Item(content_type=ct, body=body) for ct, body in bodies]
        try:
            results = self.scorer.score_batch(items)
        except Exception:  # defensive: the scorer already isolates items
            _logger.exception("batch scoring failed")
            results = [self.scorer.score_one(item) for item in items]
        return [(r.status, r.content_type, r.body) for r in results]

    def _infer_items(self, header: dict, bodies: list) -> list:
        replies = []
        for _, body in bodies:
            try:
                status, payload = self.infer.handle(
                    body, header.get("model_name"), header.get("model_version")
                )
            except Exception as exc:
                _logger.exception("infer failed unexpectedly")
                status, payload = 500, _error_json(f"internal error: {type(exc).__name__}: {exc}")
            replies.append((status, "application/json", payload))
        return replies

    def _send_error(self, frame_id, code: str, message: str) -> None:
        frame_id = frame_id if _valid_id(frame_id) else None
        _logger.warning("error frame (id=%s, %s): %s", frame_id, code, message)
        framing.write_frame(
            self.sock, {"type": protocol.ERROR, "id": frame_id, "code": code, "message": message}
        )


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _error_json(message: str) -> bytes:
    import json

    return json.dumps({"error": message}).encode("utf-8")


def _split_items(header: dict, binary: bytes) -> list:
    """[(content_type, body bytes)] from ``items``; ValueError if inconsistent."""
    items = header.get("items")
    if not isinstance(items, list) or not items:
        raise ValueError("'items' must be a non-empty list")
    bodies, offset = [], 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"items[{index}] must be an object")
        length = item.get("binary_length")
        if not isinstance(length, int) or isinstance(length, bool) or length < 0:
            raise ValueError(f"items[{index}].binary_length must be a non-negative integer")
        content_type = item.get("content_type")
        if content_type is not None and not isinstance(content_type, str):
            raise ValueError(f"items[{index}].content_type must be a string or null")
        bodies.append((content_type, binary[offset:offset + length]))
        offset += length
    if offset != len(binary):
        raise ValueError(
            f"items declare {offset} bytes in total but the frame's binary_length is {len(binary)}"
        )
    return bodies


def connect(path: str) -> socket.socket:
    """Connect to the gateway's listening Unix socket."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    return sock


def hello_frame(loaded, worker_id) -> dict:
    """The first frame of every successful worker."""
    from .oip_types import oip_metadata

    return {
        "type": protocol.HELLO,
        "protocol": protocol.PROTOCOL_VERSION,
        "worker_id": worker_id,
        "pid": os.getpid(),
        "model_uri": loaded.uri,
        "flavors": loaded.flavors,
        "model_info": loaded.info,
        "signature": loaded.signature,
        "oip": oip_metadata(loaded.model),
        "limits": protocol.limits(),
        "versions": _versions(),
    }


def _versions() -> dict:
    import platform

    import mlflow

    return {"python": platform.python_version(), "mlflow": mlflow.__version__}
