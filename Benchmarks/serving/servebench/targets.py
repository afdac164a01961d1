"""The registry host and the three scoring targets, started on free loopback ports.

* registry host: ``keel server`` (default) or, without a Keel binary,
  ``mlflow server``; the model is logged and registered there, and every
  target loads ``models:/<name>@<alias>`` from it.
* ``mlflow``: ``mlflow models serve --env-manager local`` (the reference).
* ``keel-serve``: the standalone ``keel serve --model …``.
* ``keel-deploy``: a deployment inside the registry host's ``keel server``,
  created with ``keel deploy create`` and scored at ``/deployments/<name>/invocations``.

A target that the Keel build does not provide yet is reported as
``unavailable``; one that fails to start is ``failed``, with the reason and the
tail of its log. Neither stops the others from being measured.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .processes import ManagedProcess, StartError, free_port, launch, process_environment, wait_until_ready

ALL_TARGETS = ("mlflow", "keel-serve", "keel-deploy")
KEEL_TARGETS = ("keel-deploy", "keel-serve")  # in order of preference for the headline ratio
DEPLOYMENT_NAME = "bench"


@dataclass
class Target:
    """A scoring endpoint under test and the process tree that serves it."""

    label: str
    title: str
    status: str = "ready"              # ready | unavailable | failed
    reason: str = ""
    invocations_url: str | None = None
    root_pid: int | None = None        # tree measured for memory and CPU
    note: str = ""                     # caveat printed beside its figures
    process: ManagedProcess | None = field(default=None, repr=False)

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    def mark(self, status: str, reason: str) -> "Target":
        self.status, self.reason = status, reason
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def as_dict(self) -> dict:
        return {"label": self.label, "title": self.title, "status": self.status, "reason": self.reason,
                "invocations_url": self.invocations_url, "root_pid": self.root_pid, "note": self.note}


@dataclass(frozen=True)
class Tools:
    """Executables and the scratch directory shared by every start function."""

    keel_bin: str | None
    mlflow_bin: str
    python: str
    workdir: Path
    ready_timeout: float

    def environment(self, **extra: str) -> dict[str, str]:
        """Telemetry off and the serving Python's venv on PATH, for every server (see process_environment)."""
        return process_environment(self.python, **extra)


def keel_help(keel_bin: str, *words: str) -> str:
    """Output of ``keel <words> --help`` ('' if it cannot run)."""
    try:
        done = subprocess.run([keel_bin, *words, "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout + done.stderr


def keel_has_subcommand(keel_bin: str, name: str) -> bool:
    """True when ``keel <name> --help`` documents ``<name>``.

    An unknown subcommand makes ``keel`` print its root help and exit 0, so
    the exit status says nothing; the usage line does.
    """
    return f"USAGE: keel {name}" in keel_help(keel_bin, name)


# --- registry host -------------------------------------------------------------------------------------

@dataclass
class RegistryHost:
    """The tracking/registry server the model is registered on (and, for Keel, the deployment host)."""

    kind: str                 # "keel" or "mlflow"
    url: str
    process: ManagedProcess

    def stop(self) -> None:
        self.process.stop()


def start_registry(kind: str, tools: Tools) -> RegistryHost:
    """``keel server`` or ``mlflow server`` on a fresh data dir; StartError if it never answers /health."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    if kind == "keel":
        argv = [tools.keel_bin, "server", "--host", "127.0.0.1", "--port", str(port),
                "--data-dir", str(tools.workdir / "keel-data")]
        if "--python" in keel_help(tools.keel_bin, "server"):  # builds before deployments lack it
            argv += ["--python", tools.python]
        process = launch("keel-server", argv, tools.workdir, tools.environment())
    else:
        argv = [tools.mlflow_bin, "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                "--backend-store-uri", f"sqlite:///{tools.workdir / 'mlflow.db'}",
                "--artifacts-destination", str(tools.workdir / "mlflow-artifacts")]
        process = launch("mlflow-server", argv, tools.workdir, tools.environment())
    try:
        wait_until_ready(process, f"{url}/health", tools.ready_timeout)
    except StartError:
        process.stop()
        raise
    return RegistryHost(kind, url, process)


# --- scoring targets -----------------------------------------------------------------------------------

def _serve_process(target: Target, argv: list[str], env: dict[str, str], tools: Tools, port: int) -> Target:
    """Launch a standalone scoring server and wait for its /ping; failures become the target's status."""
    process = launch(target.label, argv, tools.workdir, env)
    target.process, target.root_pid = process, process.pid
    target.invocations_url = f"http://127.0.0.1:{port}/invocations"
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}/ping", tools.ready_timeout)
    except StartError as error:
        process.stop()
        return target.mark("failed", str(error))
    return target


def start_mlflow_serve(model_uri: str, registry: RegistryHost, tools: Tools, workers: int) -> Target:
    target = Target("mlflow", f"mlflow models serve ({workers} worker{'s' * (workers != 1)})")
    port = free_port()
    argv = [tools.mlflow_bin, "models", "serve", "-m", model_uri, "--env-manager", "local",
            "-p", str(port), "--host", "127.0.0.1", "--workers", str(workers)]
    return _serve_process(target, argv, tools.environment(MLFLOW_TRACKING_URI=registry.url), tools, port)


def start_keel_serve(model_uri: str, registry: RegistryHost, tools: Tools, workers: int) -> Target:
    target = Target("keel-serve", f"keel serve ({workers} worker{'s' * (workers != 1)})")
    if not tools.keel_bin:
        return target.mark("unavailable", "no keel binary (build it or pass --keel-bin)")
    if not keel_has_subcommand(tools.keel_bin, "serve"):
        return target.mark("unavailable", f"{tools.keel_bin} has no `serve` subcommand yet")
    port = free_port()
    argv = [tools.keel_bin, "serve", "--model", model_uri, "--port", str(port), "--host", "127.0.0.1",
            "--workers", str(workers), "--python", tools.python]
    return _serve_process(target, argv, tools.environment(MLFLOW_TRACKING_URI=registry.url), tools, port)


def start_keel_deployment(model_ref: str, registry: RegistryHost, tools: Tools, workers: int) -> Target:
    """``keel deploy create bench --model <name@alias>`` on the registry's ``keel server``, then its ping."""
    target = Target("keel-deploy", f"keel server deployment ({workers} worker{'s' * (workers != 1)})",
                    note="memory and CPU include the tracking server it shares a process with")
    if registry.kind != "keel":
        return target.mark("unavailable", "the registry host is mlflow server, not keel server")
    if not keel_has_subcommand(tools.keel_bin, "deploy"):
        return target.mark("unavailable", f"{tools.keel_bin} has no `deploy` subcommand yet")
    argv = [tools.keel_bin, "deploy", "create", DEPLOYMENT_NAME, "--model", model_ref, "--workers", str(workers),
            "--server", registry.url, "--timeout", f"{tools.ready_timeout:g}", "--json"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=tools.environment(),
                              timeout=tools.ready_timeout + 30)
    except subprocess.TimeoutExpired:
        return target.mark("failed", registry.process.describe_failure(f"`{' '.join(argv)}` did not return"))
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip()[-1500:]
        return target.mark("failed", registry.process.describe_failure(
            f"`{' '.join(argv)}` exited with {done.returncode}: {said}"))
    target.root_pid = registry.process.pid
    base = f"{registry.url}/deployments/{DEPLOYMENT_NAME}"
    target.invocations_url = f"{base}/invocations"
    try:
        wait_until_ready(registry.process, f"{base}/ping", tools.ready_timeout)
    except StartError as error:
        return target.mark("failed", str(error))
    return target


def default_mlflow_bin(python: str) -> str:
    """The ``mlflow`` script next to the serving Python (falls back to the one next to this Python)."""
    beside = Path(python).with_name("mlflow")
    return str(beside) if beside.exists() else str(Path(sys.executable).with_name("mlflow"))
