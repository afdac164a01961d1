"""The hand-rolled HTTP/1.1 client must cope with every body framing a server may choose."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from keelbench.http_client import RequestFailed, RestClient


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
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
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_content_length_chunked_and_close_on_one_client(url):
    client = RestClient(url)
    assert client.post("runs/create", {"a": 1}) == {"echo": {"a": 1}}
    assert client.get_raw("chunked", {"x": 1}).json() == {"metrics": [1, 2, 3]}
    assert client.get_plain("/close").body == b"OK"
    assert client.post("runs/create", {"b": 2}) == {"echo": {"b": 2}}  # reconnected after close
    assert client.requests_sent == 4


def test_error_carries_endpoint_status_and_payload(url):
    with pytest.raises(RequestFailed) as info:
        RestClient(url).post("runs/fail", {"run_id": "r1"})
    failure = info.value
    assert (failure.endpoint, failure.status) == ("runs/fail", 400)
    assert "INVALID_PARAMETER_VALUE" in failure.body and '"r1"' in failure.payload
