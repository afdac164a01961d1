"""Fixtures: saved models, workers behind a fake gateway, reference servers.

Why session scope for models and reference servers: saving a model or
starting `mlflow models serve` costs seconds; they are read-only, so sharing
them keeps the suite fast. Workers are per test (cheap, and tests kill them).
"""

from __future__ import annotations

import os

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ.pop("MLFLOW_TRACKING_URI", None)

import pytest  # noqa: E402

from support import models  # noqa: E402
from support.gateway import start_worker, worker_env  # noqa: E402
from support.reference_server import ReferenceServer  # noqa: E402


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def sklearn_model(model_dir):
    return models.save_sklearn(str(model_dir / "iris_lr"))


@pytest.fixture(scope="session")
def xgboost_model(model_dir):
    return models.save_xgboost(str(model_dir / "iris_xgb"))


@pytest.fixture(scope="session")
def counting_model(model_dir):
    return models.save_counting(str(model_dir / "counting"))


@pytest.fixture(scope="session")
def echo_model(model_dir):
    """EchoModel without a signature: pandas' own dtype inference reaches predict."""
    return models.save_echo(str(model_dir / "echo"), with_schema=False)


@pytest.fixture(scope="session")
def echo_schema_model(model_dir):
    return models.save_echo(str(model_dir / "echo_schema"), with_schema=True)


@pytest.fixture(scope="session")
def sklearn_reference(sklearn_model):
    server = ReferenceServer(sklearn_model)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def xgboost_reference(xgboost_model):
    server = ReferenceServer(xgboost_model)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def echo_reference(echo_model):
    server = ReferenceServer(echo_model)
    yield server
    server.stop()


def _spawner():
    started = []

    def _spawn(uri, **kwargs):
        worker = start_worker(uri, **kwargs)
        started.append(worker)
        return worker

    return _spawn, started


@pytest.fixture
def spawn():
    """spawn(uri, **kw) -> Worker; every worker is closed after the test."""
    _spawn, started = _spawner()
    yield _spawn
    for worker in started:
        worker.close()


@pytest.fixture(scope="module")
def module_spawn():
    """Like `spawn`, but workers live for the whole test module (startup ~5 s)."""
    _spawn, started = _spawner()
    yield _spawn
    for worker in started:
        worker.close()


@pytest.fixture(scope="module")
def sklearn_worker(module_spawn, sklearn_model):
    worker = module_spawn(sklearn_model)
    assert worker.first["type"] == "hello", worker.first
    return worker


@pytest.fixture(scope="module")
def xgboost_worker(module_spawn, xgboost_model):
    worker = module_spawn(xgboost_model)
    assert worker.first["type"] == "hello", worker.first
    return worker


@pytest.fixture(scope="module")
def echo_worker(module_spawn, echo_model):
    worker = module_spawn(echo_model)
    assert worker.first["type"] == "hello", worker.first
    return worker


@pytest.fixture(scope="module")
def counting_worker(module_spawn, counting_model, tmp_path_factory):
    """A counting-model worker plus the file its predict calls are logged to."""
    log = tmp_path_factory.mktemp("counting") / "predict.log"
    worker = module_spawn(counting_model, env=worker_env(**{models.PREDICT_LOG_ENV: str(log)}))
    assert worker.first["type"] == "hello", worker.first
    worker.predict_log = log
    return worker
