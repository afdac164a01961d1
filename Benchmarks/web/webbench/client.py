"""HTTP for pages and for MLflow's UI routes, on keelbench's low-overhead keep-alive client.

keelbench's ``RestClient`` prefixes every checked call with ``/api/2.0/mlflow/``; pages live
under ``/ui/`` and MLflow's UI calls ``/ajax-api/2.0/mlflow/``, so this adds checked calls on
any path. Its per-request cost (~30 µs against ~230 µs for ``http.client``) matters here:
MLflow's views take up to 16 calls each, and client overhead must not be charged to either side.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from keelbench.http_client import Response, RestClient


class Client(RestClient):
    """One keep-alive connection; a non-200 answer raises ``RequestFailed``."""

    def get(self, path: str) -> Response:
        return self._checked("GET", path, path, None, path)

    def post_json(self, path: str, payload: dict) -> Response:
        return self._checked("POST", path, path, json.dumps(payload).encode(), payload)


class Browser:
    """Calls a UI issues at once, sent as a browser sends them: up to six connections per host."""

    CONNECTIONS = 6

    def __init__(self, url: str, timeout: float):
        self.url = url
        self.timeout = timeout
        self._local = threading.local()
        self._clients: list[Client] = []
        self._pool = ThreadPoolExecutor(self.CONNECTIONS)

    def get_all(self, paths: list[str]) -> list[bytes]:
        """Bodies of ``paths``, fetched concurrently, in the order given."""
        return list(self._pool.map(self._get, paths))

    def _get(self, path: str) -> bytes:
        if not hasattr(self._local, "client"):
            self._local.client = Client(self.url, self.timeout)
            self._clients.append(self._local.client)
        return self._local.client.get(path).body

    def close(self) -> None:
        self._pool.shutdown()
        for client in self._clients:
            client.close()
