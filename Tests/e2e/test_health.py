"""Liveness and version endpoints: probes and the client's version checks use them."""

import requests
from packaging.version import Version


def test_health_answers_200(server):
    resp = requests.get(f"{server.url}/health", timeout=10)
    assert resp.status_code == 200, resp.text


def test_version_is_mlflow_compatible(server):
    # The client refuses OTLP trace upload unless /version parses as >= 3.4.
    resp = requests.get(f"{server.url}/version", timeout=10)
    assert resp.status_code == 200, resp.text
    version = Version(resp.text.strip())
    assert version >= Version("3.4"), f"/version answered {resp.text!r}"


def test_server_info_answers_json(api):
    # The artifact repository reads this before its first transfer; multipart
    # uploads must stay off unless the server implements the mpu endpoints.
    resp = api.raw("GET", "/api/3.0/mlflow/server-info")
    assert resp.status_code == 200, resp.text
    info = resp.json()
    assert isinstance(info, dict), resp.text
