"""A real ``mlflow models serve`` process: the byte-for-byte reference.

Why a real server and not just mlflow's functions: the worker calls those
functions itself, so comparing against them alone would be circular for the
HTTP-level details (status codes, Content-Type headers, unhandled errors).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ReferenceServer:
    """`mlflow models serve -m PATH --env-manager local` on a free port."""

    def __init__(self, model_path: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="mlflow-serve-", suffix=".log", delete=False)
        bin_dir = Path(sys.executable).parent  # the CLI execs `uvicorn` from PATH
        # Same hash seed as the workers: some mlflow messages print a Python set.
        env = dict(os.environ, MLFLOW_DISABLE_TELEMETRY="true", PYTHONHASHSEED="0",
                   PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
        mlflow_cli = bin_dir / "mlflow"
        self.proc = subprocess.Popen(
            [str(mlflow_cli), "models", "serve", "-m", model_path, "--env-manager", "local",
             "-h", "127.0.0.1", "-p", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mlflow models serve exited: {Path(self.log.name).read_text()}")
            try:
                if requests.get(self.url + "/ping", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("mlflow models serve did not become ready")

    def invocations(self, content_type: str | None, body: bytes) -> tuple[int, str, bytes]:
        headers = {"Content-Type": content_type} if content_type else {}
        session = requests.Session()
        request = requests.Request("POST", self.url + "/invocations", data=body, headers=headers)
        prepared = session.prepare_request(request)
        if content_type is None:
            prepared.headers.pop("Content-Type", None)
        response = session.send(prepared, timeout=60)
        return response.status_code, response.headers.get("content-type"), response.content

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # uvicorn is a child of the mlflow CLI
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=5)
        self.log.close()
        os.unlink(self.log.name)
