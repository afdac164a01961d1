"""Start and stop the tracking server under test as a real OS process.

Why a process and not an in-process app: the suite must see exactly what the
`mlflow` client sees on the wire, including what survives a `kill -9`. The same
code starts either Keel or the reference `mlflow server`, so every expectation
can first be checked against the reference (KEEL_E2E_TARGET=mlflow).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_KEEL_BIN = REPO_ROOT / ".build" / "debug" / "keel"
STARTUP_TIMEOUT_S = 90.0


def target() -> str:
    """Which server the suite drives: `keel` (default) or the reference `mlflow`."""
    value = os.environ.get("KEEL_E2E_TARGET", "keel").strip().lower()
    if value not in ("keel", "mlflow"):
        raise ValueError(f"KEEL_E2E_TARGET must be 'keel' or 'mlflow', not {value!r}")
    return value


def keel_binary() -> Path:
    return Path(os.environ.get("KEEL_BIN", str(DEFAULT_KEEL_BIN)))


def free_port() -> int:
    """A port nobody listens on right now (the small race is acceptable in tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerSpec:
    """Everything needed to (re)start one server on the same state."""

    backend: str  # "sqlite" or "postgres"
    data_dir: Path
    postgres_url: str | None = None  # postgres://user:pass@host:port/db
    env: dict[str, str] = field(default_factory=dict)  # added to the server's environment
    args: list[str] = field(default_factory=list)  # added to `keel server`'s arguments (e.g. --auth)

    @property
    def artifact_root(self) -> Path:
        return self.data_dir / "artifacts"


@dataclass
class ServerProcess:
    """A running server; `url` is what the client uses as its tracking URI."""

    spec: ServerSpec
    port: int
    process: subprocess.Popen
    log_path: Path
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def artifact_root(self) -> Path:
        return self.spec.artifact_root

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def kill_hard(self) -> None:
        """SIGKILL the whole process group: no shutdown hooks, no flushing."""
        _signal_group(self.process, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> bool:
        """Graceful stop (SIGTERM), escalating to SIGKILL after 15 s.

        Returns whether the server exited on SIGTERM alone.
        """
        if self.process.poll() is not None:
            return True
        _signal_group(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
            return True
        except subprocess.TimeoutExpired:
            self.kill_hard()
            return False


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _command(spec: ServerSpec, port: int) -> list[str]:
    if target() == "mlflow":
        mlflow_bin = Path(sys.executable).with_name("mlflow")
        if spec.postgres_url:
            store_uri = spec.postgres_url.replace("postgres://", "postgresql+psycopg2://", 1)
        else:
            store_uri = f"sqlite:///{spec.data_dir / 'mlflow.db'}"
        return [
            str(mlflow_bin), "server",
            "--backend-store-uri", store_uri,
            "--artifacts-destination", str(spec.artifact_root),
            "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1",
        ]
    command = [
        str(keel_binary()), "server",
        "--host", "127.0.0.1", "--port", str(port),
        "--data-dir", str(spec.data_dir),
        "--artifact-root", str(spec.artifact_root),
    ]
    if spec.postgres_url:
        command += ["--db", spec.postgres_url]
    return command + spec.args


def start_server(spec: ServerSpec, port: int | None = None) -> ServerProcess:
    """Start a server on `spec` and block until `GET /health` answers 200."""
    if target() == "keel" and not keel_binary().exists():
        raise FileNotFoundError(
            f"keel binary not found at {keel_binary()} (run `swift build`, or set KEEL_BIN, "
            "or KEEL_E2E_TARGET=mlflow to check the tests against the reference server)"
        )
    spec.data_dir.mkdir(parents=True, exist_ok=True)
    spec.artifact_root.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log_path = spec.data_dir / f"server-{port}-{int(time.time() * 1000)}.log"
    env = dict(os.environ, MLFLOW_DISABLE_TELEMETRY="true", **spec.env)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            _command(spec, port), stdout=log, stderr=subprocess.STDOUT,
            env=env, start_new_session=True,
        )
    server = ServerProcess(spec=spec, port=port, process=process, log_path=log_path)
    _wait_until_healthy(server)
    return server


def _wait_until_healthy(server: ServerProcess) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"server exited with {server.process.returncode} before becoming healthy:\n"
                f"{server.log_tail()}"
            )
        try:
            if requests.get(f"{server.url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.stop()
    raise TimeoutError(f"server not healthy after {STARTUP_TIMEOUT_S}s:\n{server.log_tail()}")
