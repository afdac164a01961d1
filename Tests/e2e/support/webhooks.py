"""A local webhook endpoint that records what a server POSTs to it.

Why: alerting is judged by what arrives at the other end of the webhook, not
by what the server says it sent. The receiver listens on 127.0.0.1 on an
ephemeral port, in a thread of the test process, and keeps every attempt —
when it arrived, its headers, its body (raw and parsed as JSON) and the status
it was answered with. `fail_first=N` answers the first N attempts with
`fail_status` (500), so a test can watch the sender retry and back off.
Waiting is a condition-variable wait with a deadline and a message that shows
what did arrive, so a webhook that never comes fails in bounded time.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Delivery:
    """One POST as received, and how it was answered."""

    at: float                 # time.monotonic() when the body was read
    path: str
    headers: dict[str, str]
    raw: bytes
    answered: int             # the status the receiver answered with
    json: object = field(default=None)

    @property
    def accepted(self) -> bool:
        return 200 <= self.answered < 300

    def describe(self) -> str:
        return f"{self.path} -> {self.answered} {self.raw[:300].decode(errors='replace')!r}"


class WebhookReceiver:
    """Records JSON POSTs on http://127.0.0.1:<port>/<path>; use as a context manager."""

    def __init__(self, fail_first: int = 0, fail_status: int = 500, path: str = "/hook"):
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.path = path
        self._deliveries: list[Delivery] = []
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's naming)
                raw = self._read_body()
                with receiver._changed:
                    failing = len(receiver._deliveries) < receiver.fail_first
                status = receiver.fail_status if failing else 200
                answer = b'{"error": "failing on purpose"}' if failing else b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = None
                delivery = Delivery(at=time.monotonic(), path=self.path, raw=raw, answered=status, json=parsed,
                                    headers={k.lower(): v for k, v in self.headers.items()})
                with receiver._changed:
                    receiver._deliveries.append(delivery)
                    receiver._changed.notify_all()

            def _read_body(self) -> bytes:
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    body = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()  # the CRLF after the last chunk (no trailers expected)
                            return body
                        body += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def log_message(self, format, *args):  # keep pytest's output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "WebhookReceiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what arrived ----------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "the receiver is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"

    def deliveries(self) -> list[Delivery]:
        """Every attempt so far, accepted or not, in arrival order."""
        with self._changed:
            return list(self._deliveries)

    def accepted(self) -> list[Delivery]:
        return [d for d in self.deliveries() if d.accepted]

    def wait_for(self, matches: Callable[[list[Delivery]], object], timeout: float, what: str):
        """Block until matches(deliveries) is truthy; return its value, or fail naming `what`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = matches(list(self._deliveries))
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = "\n  ".join(d.describe() for d in self._deliveries[-10:]) or "(nothing)"
                    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; "
                                         f"the webhook received:\n  {seen}")
                self._changed.wait(min(left, 0.5))

    def wait_for_body(self, accept: Callable[[dict], bool], timeout: float, what: str) -> dict:
        """The first accepted JSON object body that `accept` approves."""
        def first(deliveries: list[Delivery]):
            for delivery in deliveries:
                if delivery.accepted and isinstance(delivery.json, dict) and accept(delivery.json):
                    return delivery.json
            return None

        return self.wait_for(first, timeout, what)
