"""Starting, probing and stopping the two servers under test.

Each server gets a fresh temporary data directory so no run inherits another's
database. Servers run in their own session (process group) so that stopping
one also stops the workers it spawned, and only those.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .http_client import RestClient
from .memory import tree_cpu_seconds


class ServerError(RuntimeError):
    """The server could not be started or never became healthy."""


@dataclass
class Server:
    """A server under test: its URL, and the process we own (if we started it)."""

    label: str
    url: str
    pid: int | None = None
    data_dir: Path | None = None
    log_path: Path | None = None
    version: str = "?"
    settled: bool | None = None  # did the tree go idle before the workload started?
    _process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def started_here(self) -> bool:
        """True for a server this benchmark launched (fresh data), False for an attached one."""
        return self._process is not None

    def data_size_mb(self) -> float | None:
        """On-disk size of the data directory after the workload (informational)."""
        if self.data_dir is None:
            return None
        total = sum(p.stat().st_size for p in self.data_dir.rglob("*") if p.is_file())
        return total / 2**20

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, keep_data: bool = False) -> None:
        """SIGTERM our process group, SIGKILL after 5 s; then drop the data dir.

        Measurements are over by then; MLflow's graceful shutdown of a dozen
        processes can take longer than that and is not worth waiting for.
        """
        if self._process is not None and self._process.poll() is None:
            pgid = self._process.pid  # start_new_session=True: pgid == pid
            try:
                os.killpg(pgid, signal.SIGTERM)
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(pgid, signal.SIGKILL)
                self._process.wait()
            except ProcessLookupError:
                pass
        if self.data_dir is not None and not keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mlflow_environment() -> dict[str, str]:
    """Environment for every mlflow process: telemetry off, nothing phoning home."""
    env = dict(os.environ)
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"
    env["DO_NOT_TRACK"] = "true"
    return env


def _launch(label: str, argv: list[str], url: str, data_dir: Path, timeout: float, settle: float,
            env=None) -> Server:
    log_path = data_dir / "server.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True, env=env)
    log.close()
    server = Server(label, url, process.pid, data_dir, log_path, _process=process)
    try:
        wait_healthy(server, timeout, process)
    except ServerError as reason:
        tail = server.log_tail()
        server.stop(keep_data=True)
        raise ServerError(f"{reason} (command: {' '.join(argv)}); log {log_path}:\n{tail}") from None
    server.version = _read_version(server)
    server.settled = wait_idle(server, settle)
    return server


def wait_idle(server: Server, timeout: float, busy_fraction: float = 0.1) -> bool | None:
    """Wait until the process tree stops burning CPU after /health turned 200.

    ``mlflow server`` answers /health as soon as the first of its uvicorn
    workers is up, while the others are still importing MLflow (tens of
    seconds on a small machine). Starting the clock then would charge MLflow's
    start-up to its benchmark, so both servers get the same settle step.
    """
    if server.pid is None:
        return None
    deadline = time.monotonic() + timeout
    previous = tree_cpu_seconds(server.pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        current = tree_cpu_seconds(server.pid)
        if current - previous < busy_fraction:
            return True
        previous = current
    return False


def wait_healthy(server: Server, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll ``GET /health`` until it answers 200 (the readiness contract of both servers)."""
    client = RestClient(server.url, timeout=2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerError(f"{server.label} exited with code {process.returncode}")
        try:
            if client.get_plain("/health").status == 200:
                return
        except OSError:
            pass
        finally:
            client.close()
        time.sleep(0.2)
    raise ServerError(f"{server.label} at {server.url} not healthy after {timeout:.0f}s")


def _read_version(server: Server) -> str:
    client = RestClient(server.url, timeout=30)  # a busy MLflow worker may answer slowly
    try:
        answer = client.get_plain("/version")
        return answer.body.decode(errors="replace").strip()[:40] if answer.status == 200 else "?"
    except OSError:
        return "?"
    finally:
        client.close()


def start_keel(binary: str, settle: float, timeout: float = 60) -> Server:
    if not Path(binary).exists():
        raise ServerError(f"keel binary not found: {binary} (build it, or pass --keel-bin / --keel-url)")
    data_dir = Path(tempfile.mkdtemp(prefix="keelbench-keel-"))
    port = free_port()
    argv = [binary, "server", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir / "data")]
    return _launch("keel", argv, f"http://127.0.0.1:{port}", data_dir, timeout, settle)


def start_mlflow(mlflow_bin: str | None, settle: float, timeout: float = 180) -> Server:
    """``mlflow server`` on SQLite with proxied artifacts and default workers, as users run it."""
    binary = mlflow_bin or str(Path(sys.executable).with_name("mlflow"))
    data_dir = Path(tempfile.mkdtemp(prefix="keelbench-mlflow-"))
    port = free_port()
    argv = [binary, "server", "--backend-store-uri", f"sqlite:///{data_dir}/mlflow.db",
            "--artifacts-destination", str(data_dir / "artifacts"),
            "--host", "127.0.0.1", "--port", str(port)]
    return _launch("mlflow", argv, f"http://127.0.0.1:{port}", data_dir, timeout, settle,
                   env=mlflow_environment())


def attach(label: str, url: str, pid: int | None, settle: float, timeout: float = 30) -> Server:
    """Use an already running server; memory is only measured if its PID is given."""
    server = Server(label, url.rstrip("/"), pid)
    wait_healthy(server, timeout)
    server.version = _read_version(server)
    server.settled = wait_idle(server, settle)
    return server
