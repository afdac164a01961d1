"""Fixtures for the pipeline tests: the churn example run by the real `keel` binary.

Why it is shaped this way:
- Pipelines reach tracking and the registry only through the REST API that the
  tracking suite already checks on both backends, and a full run of the example
  trains a model (seconds). So these tests run once, in the sqlite pass: they
  are skipped when `--backend` does not select sqlite.
- One server and one copy of the example serve the whole module, in file order:
  the first test runs the pipeline from raw CSV to a deployment, the next ones
  build on its cache, `keel.lock` and registry (as a user's second and third run
  would). Tests that break the pipeline on purpose work on copies that keep the
  cache, so only the stages they change run again.
- The server runs deployments' model workers with this interpreter, and stage
  commands find `python` first on PATH in this venv (mlflow, scikit-learn).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.servers import ServerProcess, keel_binary, target

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
EXAMPLE = REPO / "examples" / "churn"
PIPELINE_BACKEND = "sqlite"


def pytest_collection_modifyitems(config, items):
    selected = config.getoption("--backend") or ["sqlite", "postgres"]
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        if PIPELINE_BACKEND not in selected:
            item.add_marker(pytest.mark.skip(reason="pipeline tests run in the sqlite pass only (see this conftest)"))
        elif target() == "mlflow":
            item.add_marker(pytest.mark.skip(reason="pipelines are Keel's own; there is no reference server to check them against"))


def stage_environment() -> dict[str, str]:
    """The environment `keel run` (and so every stage command) gets."""
    venv_bin = str(Path(sys.executable).parent)
    return dict(os.environ, PATH=venv_bin + os.pathsep + os.environ.get("PATH", ""), MLFLOW_DISABLE_TELEMETRY="true")


class Pipeline:
    """A copy of a pipeline directory and the `keel` commands run in it."""

    def __init__(self, directory: Path):
        self.directory = directory

    def keel(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """`keel ARGS -C DIR`: a command that works on this pipeline's directory."""
        return self.cli(*args, "-C", str(self.directory), timeout=timeout)

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """`keel ARGS` with the stage environment, for commands that take no directory."""
        return subprocess.run(
            [str(keel_binary()), *args], capture_output=True, text=True, timeout=timeout, env=stage_environment(),
        )

    def run_json(self, *args: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
        """`keel run --json ARGS`: the process and its events."""
        result = self.keel("run", "--json", *args)
        events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        return result, events

    def copy(self, destination: Path) -> "Pipeline":
        """A copy with the same data, outputs, cache and lock."""
        shutil.copytree(self.directory, destination, symlinks=True)
        return Pipeline(destination)

    def path(self, relative: str) -> Path:
        return self.directory / relative


def finished(events: list[dict]) -> dict[str, dict]:
    """Per stage, its `stage_finished` event."""
    return {event["stage"]: event for event in events if event["event"] == "stage_finished"}


def statuses(events: list[dict]) -> dict[str, str]:
    return {stage: event["status"] for stage, event in finished(events).items()}


@pytest.fixture(scope="module")
def pipeline_server(_session_factory) -> ServerProcess:
    spec = _session_factory.spec(PIPELINE_BACKEND)
    spec.env["KEEL_PYTHON"] = sys.executable
    # Pipelines the server runs find `python` in this venv, as `keel run` does.
    spec.env["PATH"] = stage_environment()["PATH"]
    return _session_factory.start(spec)


@pytest.fixture(scope="module")
def churn(tmp_path_factory) -> Pipeline:
    """A fresh copy of examples/churn (sources only)."""
    directory = tmp_path_factory.mktemp("pipeline") / "churn"
    shutil.copytree(EXAMPLE, directory, ignore=shutil.ignore_patterns(".keel", "keel.lock", "data", "model", "metrics", "eval", "keel-data"))
    return Pipeline(directory)


@pytest.fixture(scope="module")
def ray_head(tmp_path_factory):
    """A real Ray head on loopback (`ray start --head`) from the Ray venv; its Jobs API URL.

    The venv comes from scripts/test.sh (KEEL_RAY_VENV). Its bin directory is first on the
    head's PATH, so jobs find that venv's python.
    """
    from support.servers import free_port
    from support.serving import poll
    import requests

    venv = Path(os.environ.get("KEEL_RAY_VENV", REPO / ".venv-ray"))
    ray = venv / "bin" / "ray"
    assert ray.exists(), f"no Ray at {ray}: run scripts/test.sh, which creates the Ray venv (KEEL_RAY_VENV)"
    port, dashboard = free_port(), free_port()
    env = dict(os.environ, PATH=str(venv / "bin") + os.pathsep + os.environ.get("PATH", ""), RAY_USAGE_STATS_ENABLED="0")
    started = subprocess.run(
        [str(ray), "start", "--head", f"--port={port}", "--dashboard-host=127.0.0.1", f"--dashboard-port={dashboard}",
         "--num-cpus=2", "--include-dashboard=true", "--disable-usage-stats"],
        capture_output=True, text=True, timeout=180, env=env,
    )
    assert started.returncode == 0, started.stdout + started.stderr
    url = f"http://127.0.0.1:{dashboard}"

    def version():
        try:
            return requests.get(f"{url}/api/version", timeout=2).status_code
        except requests.RequestException:
            return None

    poll(version, lambda status: status == 200, 60, "the Ray Jobs API", interval=0.5)
    yield url
    subprocess.run([str(ray), "stop", "--force"], capture_output=True, timeout=120, env=env)
