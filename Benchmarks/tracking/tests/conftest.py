"""Make ``keelbench`` importable when pytest runs from the repository root; a local server."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class _Handler(BaseHTTPRequestHandler):
    """A POST answers `{"echo": <its JSON body>}`, or 400 under `/fail`; GETs try each body framing.

    Every POST's path and body are kept in ``received``, for tests that check what a client sent.
    """

    protocol_version = "HTTP/1.1"
    received: list[tuple[str, bytes]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, body))
        if self.path.endswith("/fail"):
            return self._send(400, b'{"error_code": "INVALID_PARAMETER_VALUE"}')
        self._send(200, json.dumps({"echo": json.loads(body)}).encode())

    def do_GET(self):
        if self.path.startswith("/api/2.0/mlflow/chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b'{"metrics": ', b"[1, 2, 3]", b"}"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/close":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"OK")
            self.close_connection = True
        else:
            self._send(200, b"OK")

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def url():
    """A real local HTTP/1.1 server, for the clients' tests."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
