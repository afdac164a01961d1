"""Fixtures for the monitoring tests: one SQLite server with model workers, shared models.

Why it is shaped this way:
- Monitoring reads the inference log of deployments, so these tests need the
  same server as the serving tests: SQLite only (marked `serving` and
  `monitoring`, skipped unless `--backend` selects sqlite, so scripts/test.sh
  runs them once), started with KEEL_PYTHON=<this interpreter> so that
  workers import the same mlflow, numpy and scikit-learn as the tests. The
  few lines of serving/conftest.py this needs are repeated here rather than
  shared, so the two suites can change independently.
- Every test is `keel_only`: the reference `mlflow server` has no monitoring.
- Registered models are session-scoped and read-only. Deployments start
  Python workers (seconds each), so a test module shares one deployment
  wherever its tests only add traffic and read windows that contain just
  their own requests (`last=N` right after sending N, or `start=` after a
  quiet moment); tests that change a deployment's traffic policy, or that
  need a deployment no test has touched, create their own.
- The parent conftest still applies: a 5xx seen by the test process fails the
  test, and a failing test's report ends with the server's log.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import monitoring_api as api
import monitoring_data as data
from support import serving
from support.servers import ServerProcess, ServerSpec

HERE = Path(__file__).resolve().parent
MONITORING_BACKEND = "sqlite"


def pytest_configure(config):
    config.addinivalue_line("markers", "monitoring: deployment monitoring (Tests/e2e/monitoring); sqlite backend only")


def pytest_collection_modifyitems(config, items):
    selected = config.getoption("--backend") or ["sqlite", "postgres"]
    skip = pytest.mark.skip(reason="monitoring tests run on the sqlite backend only (see Tests/e2e/README.md)")
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.serving)
        item.add_marker(pytest.mark.monitoring)
        item.add_marker(pytest.mark.keel_only)
        if MONITORING_BACKEND not in selected:
            item.add_marker(skip)


def monitoring_spec(factory) -> ServerSpec:
    spec = factory.spec(MONITORING_BACKEND)
    spec.env["KEEL_PYTHON"] = sys.executable
    return spec


@pytest.fixture(scope="session")
def server(_session_factory) -> ServerProcess:
    """The shared monitoring server (SQLite, workers in this venv)."""
    return _session_factory.start(monitoring_spec(_session_factory))


@pytest.fixture(scope="session")
def keel(server) -> serving.Serving:
    return serving.Serving(server.url)


@pytest.fixture(scope="session")
def monitor(server) -> api.Monitor:
    return api.Monitor(server.url)


@pytest.fixture
def deployments(keel):
    """Deployments of one test, deleted after it."""
    tracker = api.Deployments(keel)
    yield tracker
    tracker.close()


@pytest.fixture(scope="module")
def module_deployments(keel):
    """Deployments shared by one test module, deleted after it."""
    tracker = api.Deployments(keel)
    yield tracker
    tracker.close()


@pytest.fixture(scope="session")
def session_deployments(keel):
    tracker = api.Deployments(keel)
    yield tracker
    tracker.close()


@pytest.fixture
def rules(monitor):
    """Alert rules of one test, deleted after it."""
    tracker = api.Rules(monitor)
    yield tracker
    tracker.close()


# -- models -------------------------------------------------------------------

@pytest.fixture(scope="session")
def classifier_model(server) -> serving.RegisteredModel:
    """sklearn LogisticRegression on x_0..x_2, scalar predictions 0/1; no dataset in its lineage."""
    return data.register_sklearn(server.url, data.classifier(), "clf")


@pytest.fixture(scope="session")
def regression_model(server) -> serving.RegisteredModel:
    """sklearn LinearRegression on x_0..x_2, float predictions."""
    return data.register_sklearn(server.url, data.regressor(), "reg")


@pytest.fixture(scope="session")
def probability_model(server) -> serving.RegisteredModel:
    """Pyfunc answering {prediction, probability} objects: version `calibrated`, then `weaker`."""
    return data.register_probability_models(server.url, {"calibrated": data.CALIBRATED, "weaker": data.WEAKER})


@pytest.fixture(scope="session")
def bare_deployment(session_deployments, classifier_model) -> str:
    """A classifier deployment that never gets a reference (the "no reference" answers)."""
    return session_deployments.create(f"{classifier_model.name}/{classifier_model.versions['sklearn']}")
