"""Starting each server on a data directory this benchmark seeded, and stopping it.

``keelbench.servers.start_keel``/``start_mlflow`` always begin on a fresh directory; here the
database must be filled while the server is down and then served, so the launch takes the
directory. Everything else (health wait, settle wait, process-group stop) is keelbench's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from keelbench.http_client import RestClient
from keelbench.servers import Server, ServerError, free_port, mlflow_environment, wait_healthy, wait_idle


def launch_keel(binary: str, data_dir: Path, settle: float, timeout: float = 60) -> Server:
    """``keel server`` on ``data_dir/data`` (created on first start)."""
    if not Path(binary).exists():
        raise ServerError(f"keel binary not found: {binary} (build it with swift build -c release, or pass --keel-bin)")
    port = free_port()
    argv = [binary, "server", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir / "data")]
    return _launch("keel", argv, port, data_dir, settle, timeout)


def launch_mlflow(mlflow_bin: str | None, data_dir: Path, settle: float, timeout: float = 180) -> Server:
    """``mlflow server`` on ``data_dir/mlflow.db`` with proxied artifacts and default workers, as users run it."""
    binary = mlflow_bin or str(Path(sys.executable).with_name("mlflow"))
    port = free_port()
    argv = [binary, "server", "--backend-store-uri", f"sqlite:///{data_dir}/mlflow.db",
            "--artifacts-destination", str(data_dir / "artifacts"), "--host", "127.0.0.1", "--port", str(port)]
    return _launch("mlflow", argv, port, data_dir, settle, timeout, env=mlflow_environment())


def _launch(label: str, argv: list[str], port: int, data_dir: Path, settle: float, timeout: float,
            env: dict | None = None) -> Server:
    log_path = data_dir / f"{label}-server.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env=env)
    server = Server(label, f"http://127.0.0.1:{port}", process.pid, data_dir, log_path, _process=process)
    try:
        wait_healthy(server, timeout, process)
    except ServerError as reason:
        tail = server.log_tail()
        server.stop(keep_data=True)
        raise ServerError(f"{reason}; log {log_path}:\n{tail}") from None
    server.version = _version(server.url)
    server.settled = wait_idle(server, settle)
    return server


def _version(url: str) -> str:
    client = RestClient(url, timeout=30)  # a busy MLflow worker may answer slowly
    try:
        answer = client.get_plain("/version")
        return answer.body.decode(errors="replace").strip()[:40] if answer.status == 200 else "?"
    finally:
        client.close()
