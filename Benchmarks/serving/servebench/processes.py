"""Starting, waiting for and stopping the processes under test.

Every process runs in its own session (process group), so stopping it also
stops the workers it spawned, and only those. Its stdout and stderr go to a
log file in the run's temp dir, whose tail is quoted whenever something goes
wrong.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import http_calls as http


class StartError(RuntimeError):
    """A process could not be started or never became ready; the message says why, with its log tail."""


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_environment(python: str, **extra: str) -> dict[str, str]:
    """Environment for every process started here: telemetry off, and ``python``'s venv activated.

    Activated means its ``bin`` directory first on PATH, as ``source
    .venv/bin/activate`` does: ``mlflow models serve`` runs ``uvicorn`` by
    name. (Keel is also told ``--python`` explicitly.)
    """
    env = dict(os.environ)
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"
    env["DO_NOT_TRACK"] = "true"
    env["PATH"] = f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


@dataclass
class ManagedProcess:
    """A process this benchmark launched: its command, log file and process group."""

    label: str
    argv: list[str]
    log_path: Path
    _popen: subprocess.Popen = field(repr=False)

    @property
    def pid(self) -> int:
        return self._popen.pid

    def exit_code(self) -> int | None:
        """None while it runs."""
        return self._popen.poll()

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join("    | " + line for line in text) or "    | (empty log)"

    def describe_failure(self, reason: str) -> str:
        """``reason`` plus the command and the last lines of the process's output."""
        return (f"{self.label}: {reason}\n  command: {' '.join(self.argv)}\n"
                f"  log {self.log_path} (tail):\n{self.log_tail()}")

    def stop(self, grace_seconds: float = 5.0) -> None:
        """SIGTERM the process group, SIGKILL it after ``grace_seconds``."""
        if self._popen.poll() is not None:
            return
        try:
            os.killpg(self._popen.pid, signal.SIGTERM)  # start_new_session=True: pgid == pid
            self._popen.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(self._popen.pid, signal.SIGKILL)
            self._popen.wait()
        except ProcessLookupError:
            pass


def launch(label: str, argv: list[str], log_dir: Path, env: dict[str, str] | None = None) -> ManagedProcess:
    """Start ``argv`` in a new session with output to ``log_dir/<label>.log``."""
    log_path = log_dir / f"{label}.log"
    with open(log_path, "wb") as log:
        try:
            popen = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, env=env)
        except OSError as error:
            raise StartError(f"{label}: cannot run {argv[0]}: {error}") from None
    return ManagedProcess(label, argv, log_path, popen)


def wait_until_ready(process: ManagedProcess, url: str, timeout: float) -> None:
    """Poll ``GET url`` until it answers 200; raise StartError if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if (code := process.exit_code()) is not None:
            raise StartError(process.describe_failure(f"exited with code {code} before {url} answered 200"))
        answer = http.get(url, timeout=2)
        if answer.status == 200:
            return
        last = f"last answer: {answer.status} {answer.body[:200]}" if answer.status else answer.body[:200]
        time.sleep(0.25)
    raise StartError(process.describe_failure(f"{url} not 200 after {timeout:.0f} s ({last})"))
