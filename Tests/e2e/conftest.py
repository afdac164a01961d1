"""Fixtures for driving a real tracking server with the official `mlflow` client.

Why it is shaped this way:
- `backend` (sqlite / postgres) parametrizes every test that uses a server, so
  the same expectations run on both stores.
- Servers are session-scoped per backend (starting one costs seconds); tests
  stay independent through unique experiment names. Tests that need a server
  of their own (kill -9, restarts) use `server_factory`.
- KEEL_E2E_TARGET=mlflow runs the suite against the reference `mlflow server`,
  which is how the expectations themselves are validated.
- Any 5xx seen by the test process fails the test (support/guard.py), and a
  failing test's report ends with the server's log.
"""

from __future__ import annotations

import os

# Before mlflow is imported: telemetry races on os.environ, and retries of
# failed requests would turn a server bug into minutes of waiting.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
os.environ.pop("MLFLOW_TRACKING_URI", None)
os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
os.environ.pop("MLFLOW_EXPERIMENT_NAME", None)

import mlflow  # noqa: E402
import pytest  # noqa: E402
import requests  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

from support import databases, guard  # noqa: E402
from support.browser import browser, new_tab  # noqa: E402,F401  (page-test fixtures; Chromium starts only when used)
from support.rest import Api  # noqa: E402
from support.servers import ServerProcess, ServerSpec, start_server, target  # noqa: E402

BACKENDS = ("sqlite", "postgres")


def pytest_addoption(parser):
    parser.addoption(
        "--backend", action="append", choices=BACKENDS, default=None,
        help="metadata store(s) to run against (repeatable; default: both)",
    )


def pytest_configure(config):
    guard.install()


def pytest_report_header(config):
    return f"e2e target: {target()}  backends: {', '.join(_selected_backends(config))}"


def _selected_backends(config) -> list[str]:
    return config.getoption("--backend") or list(BACKENDS)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", _selected_backends(metafunc.config), scope="session")


def pytest_collection_modifyitems(config, items):
    """`keel_only` tests assert where Keel deliberately does better than the reference."""
    if target() != "mlflow" or os.environ.get("KEEL_E2E_RUN_KEEL_ONLY") == "1":
        return
    skip = pytest.mark.skip(reason="keel_only: the reference mlflow server behaves differently here")
    for item in items:
        if "keel_only" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Append the server log to failing tests: the server's side of the story."""
    report = yield
    if report.failed:
        for name in ("server", "fresh_server"):
            server = item.funcargs.get(name) if hasattr(item, "funcargs") else None
            if isinstance(server, ServerProcess):
                report.sections.append((f"server log ({server.log_path.name}, tail)", server.log_tail()))
        factory = item.funcargs.get("server_factory") if hasattr(item, "funcargs") else None
        if isinstance(factory, ServerFactory):
            for server in factory.started:
                report.sections.append((f"server log ({server.log_path.name}, tail)", server.log_tail()))
    return report


class ServerFactory:
    """Starts servers on fresh state, restarts them on the same state, cleans up."""

    def __init__(self, tmp_path_factory):
        self._tmp = tmp_path_factory
        self.started: list[ServerProcess] = []
        self._databases: list[str] = []

    def spec(self, backend: str) -> ServerSpec:
        data_dir = self._tmp.mktemp(f"{target()}-{backend}")
        postgres_url = None
        if backend == "postgres":
            if not databases.admin_url():
                if databases.postgres_required():
                    pytest.fail("KEEL_REQUIRE_POSTGRES=1 but KEEL_TEST_POSTGRES_URL is not set")
                pytest.skip("KEEL_TEST_POSTGRES_URL is not set (run scripts/ci/postgres.sh)")
            postgres_url = databases.create_database()
            self._databases.append(postgres_url)
        return ServerSpec(backend=backend, data_dir=data_dir, postgres_url=postgres_url)

    def start(self, backend_or_spec: str | ServerSpec) -> ServerProcess:
        spec = backend_or_spec if isinstance(backend_or_spec, ServerSpec) else self.spec(backend_or_spec)
        server = start_server(spec)
        self.started.append(server)
        return server

    def close(self) -> None:
        for server in self.started:
            server.stop()
        for url in self._databases:
            databases.drop_database(url)


@pytest.fixture(scope="session")
def _session_factory(tmp_path_factory):
    factory = ServerFactory(tmp_path_factory)
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def server(backend, _session_factory) -> ServerProcess:
    """The shared server for `backend`; tests must use unique experiment names."""
    return _session_factory.start(backend)


@pytest.fixture
def server_factory(tmp_path_factory):
    """For tests that need servers of their own (restarts, kill -9)."""
    factory = ServerFactory(tmp_path_factory)
    yield factory
    factory.close()


@pytest.fixture
def api(server) -> Api:
    return Api(server.url)


@pytest.fixture
def client(server) -> MlflowClient:
    """Point the fluent API at `server`; end any run a failing test left open."""
    mlflow.set_tracking_uri(server.url)
    yield MlflowClient(tracking_uri=server.url)
    while mlflow.active_run():
        mlflow.end_run()


@pytest.fixture(autouse=True)
def no_server_errors():
    """Fail any test during which the server answered with a 5xx status."""
    guard.take()
    yield
    seen = guard.take()
    if seen:
        pytest.fail("server answered 5xx (never acceptable):\n  " + "\n  ".join(seen), pytrace=False)


@pytest.fixture
def logged_models_supported(server) -> bool:
    """Whether the MLflow 3 logged-model endpoints exist on this server."""
    resp = requests.post(f"{server.url}/api/2.0/mlflow/logged-models/search",
                         json={"experiment_ids": ["0"]}, timeout=30)
    return resp.status_code == 200
