"""N concurrent writers on one thread: keep-alive connections driven by a selector.

Why not a thread per writer (``workers.py``): on a 2-core machine the client
shares the cores with the server it measures. With eight threads, every answer
wakes a thread that must then win the GIL, and that hand-off cost the client
about 160 µs of CPU per request, most of it in the kernel. One thread waiting
on all eight sockets pays for a send, a receive and the Python in between.
The workload is unchanged: eight connections, each sending its writer's
requests strictly one after the other, the next only once the last answered.

A writer is a generator: it yields a request — ``post(endpoint, body)`` or
``get(path)`` — and receives the ``Response``; a rejected request is thrown into it as
``RequestFailed``, at the ``yield``, so its logic reads like the threaded
version's.
"""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Callable, Generator
from urllib.parse import urlsplit

from .http_client import API_PREFIX, RequestFailed, Response

Request = tuple[str, str, str, bytes | None]  # method, path, endpoint (for errors), body
Writer = Generator[Request, Response, int]
_RECV_SIZE = 262_144
# Connections open this far apart, each sending its first request before the next opens. Opened
# all at once, they land on one process of a multi-process server (uvicorn's workers accept in
# a loop): measured, mlflow then used one worker for all eight and ran 15% slower than with a
# thread per writer, whose connections open spread out. Spread out, they use its workers alike.
CONNECT_STAGGER = 0.05


def post(endpoint: str, body: bytes) -> Request:
    """``POST /api/2.0/mlflow/<endpoint>`` with a JSON body."""
    return "POST", API_PREFIX + endpoint, endpoint, body


def get(path: str) -> Request:
    """``GET <path>``, outside the API (``/health``)."""
    return "GET", path, path, None


class _Incomplete(Exception):
    """The buffer does not hold a whole response yet."""


def parse_response(buffer: bytes) -> tuple[int, bytes, int]:
    """``(status, body, bytes used)`` of the first whole response in ``buffer``; raises ``_Incomplete``."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        raise _Incomplete
    lines = buffer[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    start = end + 4
    if status == 100:
        rest_status, body, used = parse_response(buffer[start:])
        return rest_status, body, start + used
    if "content-length" in headers:
        stop = start + int(headers["content-length"])
        if len(buffer) < stop:
            raise _Incomplete
        return status, bytes(buffer[start:stop]), stop
    if "chunked" in headers.get("transfer-encoding", ""):
        parts, cursor = [], start
        while True:
            line_end = buffer.find(b"\r\n", cursor)
            if line_end < 0:
                raise _Incomplete
            size = int(buffer[cursor:line_end].split(b";")[0], 16)
            if size == 0:
                trailer_end = buffer.find(b"\r\n\r\n", line_end)
                if trailer_end < 0:
                    raise _Incomplete
                return status, b"".join(parts), trailer_end + 4
            chunk_start = line_end + 2
            if len(buffer) < chunk_start + size + 2:
                raise _Incomplete
            parts.append(bytes(buffer[chunk_start:chunk_start + size]))
            cursor = chunk_start + size + 2
    raise ValueError(f"status {status}: a response without Content-Length or chunked encoding")


class _Connection:
    """One writer's keep-alive connection and the request it is waiting on."""

    def __init__(self, host: str, port: int, writer: Writer):
        self.host, self.port, self.writer = host, port, writer
        self.sock: socket.socket | None = None
        self.inbox = bytearray()
        self.outbox = memoryview(b"")
        self.method, self.endpoint, self.body = "POST", "", b""
        self.sent_at = 0.0
        self.requests = 0

    def connect(self) -> socket.socket:
        self.sock = socket.create_connection((self.host, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.inbox.clear()
        return self.sock

    def request(self, request: Request, prefix: str) -> None:
        self.method, path, self.endpoint, self.body = request
        head = f"{self.method} {prefix}{path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if self.body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n"
        self.outbox = memoryview((head + "\r\n").encode() + (self.body or b""))
        self.sent_at = time.perf_counter()

    def failure(self, status: int | None, text: str) -> RequestFailed:
        return RequestFailed(self.method, self.endpoint, status, text, (self.body or b"").decode("utf-8", "replace"))


def drive(url: str, writers: list[Writer]) -> dict:
    """Run ``writers`` to completion, one connection each; return wall time, units, requests, client CPU."""
    parts = urlsplit(url)
    host, port, prefix = parts.hostname or "127.0.0.1", parts.port or 80, parts.path.rstrip("/")
    selector = selectors.DefaultSelector()
    units = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()

    def advance(connection: _Connection, step: Callable[[], Request]) -> None:
        """Take the writer's next request, or retire the connection when the writer is done."""
        nonlocal units
        try:
            request = step()
        except StopIteration as done:
            units += done.value or 0
            selector.unregister(connection.sock)
            connection.sock.close()
            return
        connection.request(request, prefix)
        # Most requests fit the socket's buffer: sent at once, the connection stays registered
        # for reading and the selector is not touched (two system calls fewer per request).
        if not flush(connection):
            selector.modify(connection.sock, selectors.EVENT_WRITE, connection)

    def flush(connection: _Connection) -> bool:
        """Send what the socket takes now; whether the whole request is out."""
        try:
            sent = connection.sock.send(connection.outbox)
        except BlockingIOError:
            return False
        except OSError:  # reset or broken pipe: reading sees the closed connection
            connection.outbox = memoryview(b"")
            return True
        connection.outbox = connection.outbox[sent:]
        return not connection.outbox

    def fail(connection: _Connection, failure: RequestFailed) -> None:
        advance(connection, lambda: connection.writer.throw(failure))

    connections = [_Connection(host, port, writer) for writer in writers]
    unopened = list(connections)
    next_open = time.perf_counter()
    try:
        while unopened or selector.get_map():
            if unopened and time.perf_counter() >= next_open:
                connection = unopened.pop(0)
                selector.register(connection.connect(), selectors.EVENT_READ, connection)
                advance(connection, lambda c=connection: next(c.writer))
                next_open += CONNECT_STAGGER
            timeout = max(0.0, next_open - time.perf_counter()) if unopened else None
            for key, events in selector.select(timeout):
                connection: _Connection = key.data
                if events & selectors.EVENT_WRITE:
                    if flush(connection):
                        selector.modify(connection.sock, selectors.EVENT_READ, connection)
                    continue
                try:
                    chunk = connection.sock.recv(_RECV_SIZE)
                except ConnectionResetError:
                    chunk = b""
                if not chunk:  # the server closed the connection: fail this request, go on with a new one
                    selector.unregister(connection.sock)
                    connection.sock.close()
                    selector.register(connection.connect(), selectors.EVENT_READ, connection)
                    fail(connection, connection.failure(None, "connection closed by server"))
                    continue
                connection.inbox += chunk
                try:
                    status, body, used = parse_response(connection.inbox)
                except _Incomplete:
                    continue
                del connection.inbox[:used]
                connection.requests += 1
                if status != 200:
                    fail(connection, connection.failure(status, body.decode("utf-8", "replace")))
                else:
                    elapsed = time.perf_counter() - connection.sent_at
                    advance(connection, lambda c=connection, r=Response(status, body, elapsed): c.writer.send(r))
    finally:  # a writer that raised leaves the others' connections open
        for connection in connections:
            if connection.sock is not None:
                connection.sock.close()
        selector.close()
    return {"seconds": time.perf_counter() - wall0, "units": units,
            "requests": sum(c.requests for c in connections), "client_cpu_seconds": time.process_time() - cpu0}
