"""Fixtures for the serving tests: one SQLite server with model workers.

Why it is shaped this way:
- Serving does not depend on the metadata store beyond what the tracking
  suite already checks on both backends, and every deployment starts Python
  workers (seconds each). So these tests run on SQLite only: they are marked
  `serving` and skipped when `--backend` does not select sqlite, which makes
  `scripts/test.sh` run them once (in its sqlite pass), not twice.
- `server` is overridden here: a session server of its own that is not
  parametrized by backend and starts with KEEL_PYTHON=<this interpreter>, so
  workers run in the same venv (mlflow, scikit-learn) as the test process.
  The parent's `api`, `client`, failure-log and 5xx-guard hooks apply as-is.
- Registered models are session-scoped and read-only (logging a model costs
  about a second); deployments are per test and deleted afterwards, so
  worker processes do not pile up.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support import serving
from support.rest import unique_name
from support.servers import ServerProcess, ServerSpec

HERE = Path(__file__).resolve().parent
SERVING_BACKEND = "sqlite"


def pytest_collection_modifyitems(config, items):
    selected = config.getoption("--backend") or ["sqlite", "postgres"]
    skip = pytest.mark.skip(reason="serving tests run on the sqlite backend only (see Tests/e2e/README.md)")
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.serving)
        if SERVING_BACKEND not in selected:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Append the logs of standalone scoring processes (`keel serve`, `mlflow models serve`)."""
    report = yield
    if report.failed and hasattr(item, "funcargs"):
        for name, value in item.funcargs.items():
            if isinstance(value, serving.ScoringProcess):
                report.sections.append((f"{name} log ({value.log_path.name}, tail)", value.log_tail()))
    return report


def serving_spec(factory) -> ServerSpec:
    spec = factory.spec(SERVING_BACKEND)
    spec.env["KEEL_PYTHON"] = sys.executable
    return spec


@pytest.fixture(scope="session")
def server(_session_factory) -> ServerProcess:
    """The shared serving server (SQLite, workers in this venv)."""
    return _session_factory.start(serving_spec(_session_factory))


@pytest.fixture
def fresh_server(server_factory) -> ServerProcess:
    """A server of the test's own: every worker process under it belongs to the test."""
    return server_factory.start(serving_spec(server_factory))


@pytest.fixture
def keel(server) -> serving.Serving:
    return serving.Serving(server.url)


class DeploymentTracker:
    """Creates deployments through the REST API and deletes them after the test."""

    def __init__(self, keel: serving.Serving):
        self.keel = keel
        self.names: list[str] = []

    def create(self, model: str, name: str | None = None, wait: bool = True, **fields) -> dict:
        """POST a deployment (workers=1 unless given), require 200, wait until ready."""
        name = name or unique_name("dep")
        body = {"name": name, "model": model, "workers": 1, **fields}
        resp = self.keel.create(body)
        self.names.append(name)
        created = serving.assert_ok(resp)
        assert isinstance(created.get("deployment"), dict), f"create answered {created!r}"
        return self.keel.wait_ready(name) if wait else created["deployment"]

    def set_traffic(self, name: str, traffic: dict, versions: set[str]) -> dict:
        """PATCH the traffic policy and wait until every needed version is ready."""
        patched = serving.assert_ok(self.keel.patch(name, {"traffic": traffic}))
        assert patched["deployment"]["traffic"]["kind"] == traffic["kind"], patched
        return self.keel.wait_ready(
            name, versions=versions, extra=lambda d: d.get("traffic", {}).get("kind") == traffic["kind"])

    def close(self) -> None:
        for name in self.names:
            try:
                self.keel.delete(name)
            except Exception:  # best effort: the server may be gone (kill tests)
                pass


@pytest.fixture
def deployments(keel):
    tracker = DeploymentTracker(keel)
    yield tracker
    tracker.close()


@pytest.fixture(scope="session")
def iris_model(server) -> serving.RegisteredModel:
    """`serve-…`: version 1 = sklearn LogisticRegression on iris, alias champion -> 1."""
    return serving.register_model(server.url, ("iris",))


@pytest.fixture(scope="session")
def iris_deployment(server, iris_model) -> str:
    """A deployment named like the model, serving `iris_model@champion`; shared, read-only."""
    keel = serving.Serving(server.url)
    serving.assert_ok(keel.create({"name": iris_model.name, "model": f"{iris_model.name}@champion", "workers": 1}))
    keel.wait_ready(iris_model.name)
    yield iris_model.name
    keel.delete(iris_model.name)


@pytest.fixture(scope="session")
def multi_version_model(server) -> serving.RegisteredModel:
    """Version 1 = iris classifier, 2 = constant 7, 3 = always raises; alias champion -> 1."""
    return serving.register_model(server.url, ("iris", "constant", "failing"), prefix="traffic")
