"""Raw HTTP access to the MLflow REST API, for what the client hides.

Why: the `mlflow` client turns error responses into exceptions and normalises
URLs, so error codes, statuses and hostile paths are checked here on the wire.
Every assertion message carries the request and the response, so a failure
reads as a to-do item: endpoint, what was sent, what came back.
"""

from __future__ import annotations

import http.client
import json
import time
import uuid
from dataclasses import dataclass

import requests

from support import guard

API = "/api/2.0/mlflow"
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


def describe(resp: requests.Response) -> str:
    """One line: METHOD path [body] -> status body."""
    req = resp.request
    sent = req.body
    if isinstance(sent, bytes):
        sent = sent[:300].decode(errors="replace")
    sent_text = f" body={sent[:300]}" if sent else ""
    return f"{req.method} {req.url}{sent_text} -> {resp.status_code} {resp.text[:400]!r}"


def assert_ok(resp: requests.Response) -> dict:
    """Assert HTTP 200 and return the JSON body ({} when empty)."""
    assert resp.status_code == 200, f"expected 200: {describe(resp)}"
    if not resp.content:
        return {}
    try:
        return resp.json()
    except ValueError:
        return {}


def assert_error(resp: requests.Response, status: int, error_code: str | tuple[str, ...]) -> dict:
    """Assert an MLflow-format error: the HTTP status and the JSON `error_code`."""
    codes = (error_code,) if isinstance(error_code, str) else error_code
    try:
        body = resp.json()
    except ValueError:
        body = None
    assert resp.status_code == status and isinstance(body, dict) and body.get("error_code") in codes, (
        f"expected {status} {'/'.join(codes)}: {describe(resp)}"
    )
    assert isinstance(body.get("message"), str), f"error without a message: {describe(resp)}"
    return body


class Api:
    """Thin client for `/api/2.0/mlflow/...` with helpers for common fixtures."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def post(self, path: str, body: object = None, **kwargs) -> requests.Response:
        return self.session.post(f"{self.base_url}{API}/{path}", json=body, timeout=60, **kwargs)

    def get(self, path: str, params: object = None) -> requests.Response:
        return self.session.get(f"{self.base_url}{API}/{path}", params=params, timeout=60)

    def raw(self, method: str, path: str, **kwargs) -> requests.Response:
        """Any request to a path relative to the server root."""
        return self.session.request(method, f"{self.base_url}{path}", timeout=60, **kwargs)

    def create_experiment(self, prefix: str = "exp") -> str:
        body = assert_ok(self.post("experiments/create", {"name": unique_name(prefix)}))
        return body["experiment_id"]

    def create_run(self, experiment_id: str, **fields) -> dict:
        body = {"experiment_id": experiment_id, "start_time": now_ms(), **fields}
        return assert_ok(self.post("runs/create", body))["run"]

    def get_run(self, run_id: str) -> dict:
        return assert_ok(self.get("runs/get", {"run_id": run_id}))["run"]


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class RawResponse:
    status: int
    body: bytes

    def json(self) -> dict | None:
        try:
            value = json.loads(self.body)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


def send_verbatim(base_url: str, method: str, path: str, body: bytes | None = None,
                  headers: dict | None = None) -> RawResponse:
    """Send `path` byte for byte: requests/urllib3 would resolve `..` before sending."""
    host_port = base_url.split("://", 1)[1]
    conn = http.client.HTTPConnection(host_port, timeout=60)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        all_headers = {"Content-Length": str(len(body or b"")), **(headers or {})}
        for name, value in all_headers.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        resp = conn.getresponse()
        if resp.status >= 500:
            guard.record(method, f"{base_url}{path}", resp.status)
        return RawResponse(status=resp.status, body=resp.read())
    finally:
        conn.close()
