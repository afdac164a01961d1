"""A minimal stand-in for the Swift gateway: listen, spawn, speak the protocol.

Why an independent framing implementation (not keel_worker.framing): the
tests must check the wire format as PROTOCOL.md describes it, the way the
Swift side will implement it, not the worker's own reading of it.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PYTHON_DIR = REPO / "python"
START_TIMEOUT = 120.0
REPLY_TIMEOUT = 60.0


def worker_env(extra_pythonpath: str | None = None, **extra) -> dict:
    env = dict(os.environ)
    paths = [str(PYTHON_DIR)] + ([extra_pythonpath] if extra_pythonpath else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"
    # mlflow's "exactly one of the input fields {...}" message prints a Python
    # set, whose order depends on the hash seed (it differs between restarts of
    # `mlflow models serve` too). A fixed seed makes byte comparison possible.
    env["PYTHONHASHSEED"] = "0"
    env.update(extra)
    return env


def recv_exactly(sock: socket.socket, count: int) -> bytes:
    buf = b""
    while len(buf) < count:
        chunk = sock.recv(count - len(buf))
        if not chunk:
            raise EOFError(f"socket closed after {len(buf)} of {count} bytes")
        buf += chunk
    return buf


def send_frame(sock: socket.socket, header: dict, binary: bytes = b"") -> None:
    if binary:
        header = {**header, "binary_length": len(binary)}
    raw = json.dumps(header).encode("utf-8")
    sock.sendall(struct.pack(">I", len(raw)) + raw + binary)


def recv_frame(sock: socket.socket) -> tuple[dict, bytes]:
    (length,) = struct.unpack(">I", recv_exactly(sock, 4))
    header = json.loads(recv_exactly(sock, length).decode("utf-8"))
    binary = recv_exactly(sock, header.get("binary_length", 0))
    return header, binary


@dataclass
class Reply:
    """One answered item: status, content type and body."""

    status: int
    content_type: str
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Worker:
    """A connected worker process and the gateway end of its socket."""

    proc: subprocess.Popen
    sock: socket.socket
    first: dict
    tmpdir: tempfile.TemporaryDirectory
    next_id: int = field(default=1)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def request(self, header: dict, binary: bytes = b"") -> tuple[dict, bytes]:
        send_frame(self.sock, header, binary)
        return recv_frame(self.sock)

    def invocations(self, items: list[tuple[str | None, bytes]]) -> list[Reply]:
        """Send a batch of (content_type, body); return the per-item replies."""
        frame_id = self.new_id()
        header = {
            "type": "invocations",
            "id": frame_id,
            "items": [{"content_type": ct, "binary_length": len(b)} for ct, b in items],
        }
        reply, binary = self.request(header, b"".join(b for _, b in items))
        return self._split(reply, binary, frame_id)

    def infer(self, bodies: list[bytes], **extra) -> list[Reply]:
        frame_id = self.new_id()
        header = {"type": "infer", "id": frame_id, **extra,
                  "items": [{"binary_length": len(b)} for b in bodies]}
        reply, binary = self.request(header, b"".join(bodies))
        return self._split(reply, binary, frame_id)

    @staticmethod
    def _split(reply: dict, binary: bytes, frame_id: int) -> list[Reply]:
        assert reply["type"] == "result", reply
        assert reply["id"] == frame_id
        assert reply["binary_length"] == len(binary) == sum(i["binary_length"] for i in reply["items"])
        out, offset = [], 0
        for item in reply["items"]:
            n = item["binary_length"]
            out.append(Reply(item["status"], item["content_type"], binary[offset:offset + n]))
            offset += n
        return out

    def stderr_text(self) -> str:
        return Path(self.tmpdir.name, "stderr.log").read_text(errors="replace")

    def wait(self, timeout: float = 30.0) -> int:
        return self.proc.wait(timeout=timeout)

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self.tmpdir.cleanup()


def start_worker(model_uri: str, worker_id: int = 7, env: dict | None = None,
                 python: str = sys.executable) -> Worker:
    """Listen on a fresh Unix socket, spawn the worker, accept, read frame 1."""
    tmpdir = tempfile.TemporaryDirectory(prefix="kw", dir="/tmp")  # short: sun_path limit
    path = os.path.join(tmpdir.name, "gw.sock")
    log = os.path.join(tmpdir.name, "stderr.log")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(START_TIMEOUT)
    proc = subprocess.Popen(
        [python, "-m", "keel_worker", "--socket", path, "--model-uri", model_uri,
         "--worker-id", str(worker_id)],
        env=env or worker_env(), stdout=subprocess.DEVNULL, stderr=open(log, "wb"),
    )
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        proc.kill()
        proc.wait(timeout=10)
        raise AssertionError(f"worker never connected; stderr:\n{Path(log).read_text()}")
    finally:
        listener.close()
    conn.settimeout(REPLY_TIMEOUT)
    first, _ = recv_frame(conn)
    return Worker(proc=proc, sock=conn, first=first, tmpdir=tmpdir)
