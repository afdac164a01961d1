"""Minimal MLflow REST client: HTTP/1.1 keep-alive over a raw socket.

Why not ``requests``, ``http.client`` or the ``mlflow`` package: measured
here, ``http.client`` alone costs ~230 µs of Python per request (its header
parsing goes through ``email.parser``) against ~30 µs for this client. With
the client confined to one core by the GIL, that overhead would cap how fast
a fast server can *appear* to be and squash the ratios. The client speaks only
what the benchmark needs: requests with a Content-Length body, responses with
Content-Length, chunked encoding, or close-delimited bodies.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

API_PREFIX = "/api/2.0/mlflow/"
_RECV_SIZE = 262_144


class _ConnectionLost(Exception):
    """The server closed the connection before answering (e.g. an idle keep-alive timeout)."""


class RequestFailed(Exception):
    """A request got a non-200 answer (or no answer); carries what is needed to report it.

    The benchmark must say *precisely* which endpoint and payload a server
    rejected, so the exception keeps both, truncated to a readable size.
    """

    def __init__(self, method: str, endpoint: str, status: int | None, body: str, payload: object):
        self.method = method
        self.endpoint = endpoint
        self.status = status
        self.body = body[:500]
        self.payload = _excerpt(payload)
        super().__init__(f"{method} {endpoint} -> {status}: {self.body}")

    def as_dict(self) -> dict:
        """JSON-friendly form for the error section of the report."""
        return {"method": self.method, "endpoint": self.endpoint, "status": self.status,
                "response": self.body, "payload_excerpt": self.payload}


def _excerpt(payload: object, limit: int = 600) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


@dataclass
class Response:
    """Raw answer: ``elapsed`` is time-to-last-byte, excluding JSON decoding."""

    status: int
    body: bytes
    elapsed: float

    def json(self) -> dict:
        return json.loads(self.body) if self.body else {}


class RestClient:
    """One keep-alive connection; use one instance per thread (not thread-safe).

    Counts requests so phases can report requests/s without extra bookkeeping.
    """

    def __init__(self, base_url: str, timeout: float = 120.0):
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.requests_sent = 0
        self._sock: socket.socket | None = None
        self._buffer = b""

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._buffer = b""

    def post(self, endpoint: str, payload: dict) -> dict:
        """POST a JSON body to ``/api/2.0/mlflow/<endpoint>``; return the decoded answer."""
        return self.post_raw(endpoint, payload).json()

    def post_raw(self, endpoint: str, payload: dict) -> Response:
        return self.post_bytes(endpoint, json.dumps(payload).encode(), payload)

    def post_bytes(self, endpoint: str, body: bytes, payload=None) -> Response:
        """POST an already serialised body (hot loops pre-render their JSON)."""
        return self._checked("POST", endpoint, API_PREFIX + endpoint, body, body.decode() if payload is None else payload)

    def get_raw(self, endpoint: str, params: dict) -> Response:
        """GET with fields in the query string, as the MLflow client sends them."""
        path = API_PREFIX + endpoint + "?" + urlencode(params, doseq=True)
        return self._checked("GET", endpoint, path, None, params)

    def get_plain(self, path: str) -> Response:
        """Unchecked GET of a non-API path (``/health``)."""
        return self._send("GET", path, None)

    def _checked(self, method: str, endpoint: str, path: str, body: bytes | None, payload) -> Response:
        try:
            response = self._send(method, path, body)
        except (OSError, _ConnectionLost, ValueError) as exc:
            self.close()
            raise RequestFailed(method, endpoint, None, f"{type(exc).__name__}: {exc}", payload) from exc
        if response.status != 200:
            raise RequestFailed(method, endpoint, response.status,
                                response.body.decode("utf-8", "replace"), payload)
        return response

    def _send(self, method: str, path: str, body: bytes | None) -> Response:
        head = f"{method} {self.prefix}{path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        request = (head + "\r\n").encode() + (body or b"")
        # A keep-alive connection the server closed while idle fails on first
        # use; reconnect once. Anything else is a real failure.
        for attempt in (0, 1):
            fresh = self._sock is None
            sock = self._connection()
            start = time.perf_counter()
            try:
                sock.sendall(request)
                status, data, keep_alive = self._read_response(method)
            except (_ConnectionLost, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 1 or fresh:
                    raise
                continue
            elapsed = time.perf_counter() - start
            self.requests_sent += 1
            if not keep_alive:
                self.close()
            return Response(status, data, elapsed)
        raise AssertionError("unreachable")

    def _connection(self) -> socket.socket:
        if self._sock is None:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._buffer = b""
        return self._sock

    def _fill(self) -> bool:
        chunk = self._sock.recv(_RECV_SIZE)
        self._buffer += chunk
        return bool(chunk)

    def _read_until(self, marker: bytes) -> bytes:
        while (end := self._buffer.find(marker)) < 0:
            if not self._fill():
                raise _ConnectionLost("connection closed by server")
        line, self._buffer = self._buffer[:end], self._buffer[end + len(marker):]
        return line

    def _read_exactly(self, count: int) -> bytes:
        while len(self._buffer) < count:
            if not self._fill():
                raise _ConnectionLost("connection closed mid-body")
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _read_response(self, method: str) -> tuple[int, bytes, bool]:
        while True:
            lines = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            if status != 100:  # skip interim "100 Continue"
                break
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        keep_alive = headers.get("connection") != "close" and lines[0].startswith("HTTP/1.1")
        if method == "HEAD" or status in (204, 304):
            return status, b"", keep_alive
        if "chunked" in headers.get("transfer-encoding", ""):
            return status, self._read_chunked(), keep_alive
        if "content-length" in headers:
            return status, self._read_exactly(int(headers["content-length"])), keep_alive
        while self._fill():  # close-delimited body
            pass
        data, self._buffer = self._buffer, b""
        return status, data, False

    def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size = int(self._read_until(b"\r\n").split(b";")[0], 16)
            if size == 0:
                while self._read_until(b"\r\n"):  # trailers, up to the empty line
                    pass
                return b"".join(parts)
            parts.append(self._read_exactly(size))
            self._read_exactly(2)
