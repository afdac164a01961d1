"""Sending the workload: writer threads on keep-alive connections, and timed searches."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlparse

from .workload import SEARCH_FILTER, TraceBodies


class Connection:
    """One keep-alive HTTP/1.1 connection; raises on any non-2xx answer."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)

    def post(self, path: str, body: bytes, headers: dict) -> bytes:
        self.connection.request("POST", path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"POST {path} answered {response.status}: {data[:300]!r}")
        return data

    def close(self) -> None:
        self.connection.close()


def ingest(url: str, traces: list[TraceBodies], experiment_id: str, writers: int) -> dict:
    """Sends each trace's OTLP export, then its info; returns traces/s and spans/s."""
    otlp_headers = {"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": experiment_id}
    json_headers = {"Content-Type": "application/json"}
    failures: list[str] = []

    def writer(offset: int) -> None:
        connection = Connection(url)
        try:
            for trace in traces[offset::writers]:
                connection.post("/v1/traces", trace.otlp, otlp_headers)
                connection.post("/api/3.0/mlflow/traces", trace.info, json_headers)
        except Exception as error:  # reported, and the figure is then not used
            failures.append(str(error))
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"traces": len(traces), "seconds": elapsed, "traces_per_s": len(traces) / elapsed, "failures": failures[:3]}


def search(url: str, experiment_id: str, repeats: int, limit: int) -> dict:
    """Times `POST /api/3.0/mlflow/traces/search` with a filter and an order; returns p50/p95 and the hits."""
    body = json.dumps({
        "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}],
        "filter": SEARCH_FILTER, "max_results": limit, "order_by": ["timestamp_ms DESC"],
    }).encode()
    connection = Connection(url)
    timings, hits = [], []
    try:
        for attempt in range(repeats + 3):
            started = time.perf_counter()
            answer = connection.post("/api/3.0/mlflow/traces/search", body, {"Content-Type": "application/json"})
            elapsed = time.perf_counter() - started
            if attempt >= 3:
                timings.append(elapsed * 1000)
            hits = [trace["trace_id"] for trace in json.loads(answer).get("traces", [])]
    finally:
        connection.close()
    timings.sort()
    return {"p50_ms": statistics.median(timings), "p95_ms": timings[int(len(timings) * 0.95) - 1], "hits": hits}
