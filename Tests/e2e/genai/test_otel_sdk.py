"""The OpenTelemetry SDK from PyPI, with its own OTLP/HTTP exporter, sending to `/v1/traces`:
plain, gzip and deflate; compressed bodies that are corrupt or inflate past the limit; a large
trace read back page by page; exports past the span and size limits."""

from __future__ import annotations

import gzip
import os
import zlib

import mlflow
import pytest
import requests
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode

from support.rest import unique_name
from support.servers import target


@pytest.fixture
def experiment(client):
    return mlflow.set_experiment(unique_name("otel")).experiment_id


def export_with_sdk(url: str, experiment: str, compression: Compression) -> str:
    exporter = OTLPSpanExporter(endpoint=f"{url}/v1/traces", headers={"x-mlflow-experiment-id": experiment}, compression=compression)
    provider = TracerProvider(resource=Resource.create({"service.name": "rag-bot"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("keel-e2e")
    with tracer.start_as_current_span("chat") as root:
        root.set_attribute("gen_ai.request.model", "small-1")
        root.set_attribute("top_k", 4)
        with tracer.start_as_current_span("retrieve") as retrieve:
            retrieve.add_event("documents", {"count": 4})
        with tracer.start_as_current_span("generate") as generate:
            generate.set_status(Status(StatusCode.ERROR, "rate limited"))
        trace_id = format(root.get_span_context().trace_id, "032x")
    provider.shutdown()
    return "tr-" + trace_id


@pytest.mark.parametrize("compression", [Compression.NoCompression, Compression.Gzip, Compression.Deflate], ids=["plain", "gzip", "deflate"])
def test_sdk_exporter(client, experiment, server, compression):
    trace_id = export_with_sdk(server.url, experiment, compression)
    trace = client.get_trace(trace_id)
    spans = {span.name: span for span in trace.data.spans}
    assert set(spans) == {"chat", "retrieve", "generate"}
    assert spans["chat"].attributes["gen_ai.request.model"] == "small-1" and spans["chat"].attributes["top_k"] == 4
    assert spans["retrieve"].parent_id == spans["chat"].span_id
    assert [(event.name, event.attributes) for event in spans["retrieve"].events] == [("documents", {"count": 4})]
    assert spans["generate"].status.status_code.value == "ERROR"
    assert trace.info.tags["service.name"] == "rag-bot"


@pytest.mark.skipif(target() == "mlflow", reason="checks Keel's limits on compressed bodies")
def test_bad_compressed_exports_store_nothing(client, experiment, server):
    trace_id = export_with_sdk(server.url, experiment, Compression.Gzip)
    url = f"{server.url}/v1/traces"
    headers = {"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": experiment}
    # 80 MiB of zeros: 80 KiB on the wire, past the 64 MiB limit once inflated. Too large a
    # body is 400 INVALID_PARAMETER_VALUE on Keel's MLflow-format routes, like any other limit.
    bomb = gzip.compress(bytes(80 << 20), compresslevel=9)
    for body, encoding, status in [
        (bomb, "gzip", 400),
        (b"\x1f\x8b\x08\x00garbage", "gzip", 400),
        (zlib.compress(b"\x0a\xff\xff\xff\xff\x0f"), "deflate", 400),   # inflates to a malformed export
        (b"anything", "br", 400),
    ]:
        answer = requests.post(url, data=body, headers={**headers, "Content-Encoding": encoding}, timeout=60)
        assert answer.status_code == status, (encoding, answer.text)
        assert answer.json()["error_code"]
    assert len(client.get_trace(trace_id).data.spans) == 3
    assert len(mlflow.search_traces(locations=[experiment], return_type="list")) == 1


def otlp_json(trace_hex: str, count: int, start: int = 1_700_000_000_000_000_000) -> dict:
    """One trace of `count` spans under one root, all starting at the same nanosecond."""
    spans = [{"traceId": trace_hex, "spanId": f"{n + 1:016x}", "name": "root" if n == 0 else f"step-{n}",
              "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 1_000_000),
              **({"parentSpanId": f"{1:016x}"} if n else {})} for n in range(count)]
    return {"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}


@pytest.mark.skipif(target() == "mlflow", reason="checks Keel's limits and its paged span reads")
def test_large_trace_streams_and_oversized_exports_are_refused(client, experiment, server):
    url = f"{server.url}/v1/traces"
    headers = {"Content-Type": "application/json", "x-mlflow-experiment-id": experiment}
    # 3,001 spans with one start time: the answer is streamed in pages of 500, and the page
    # cursor must break the ties by span id without losing or repeating a span.
    trace_hex = os.urandom(16).hex()
    assert requests.post(url, json=otlp_json(trace_hex, 3001), headers=headers, timeout=120).status_code == 200
    trace = client.get_trace("tr-" + trace_hex)
    assert len(trace.data.spans) == 3001 and len({span.span_id for span in trace.data.spans}) == 3001
    assert sum(span.parent_id is None for span in trace.data.spans) == 1

    before = len(mlflow.search_traces(locations=[experiment], return_type="list"))
    too_many = requests.post(url, json=otlp_json(os.urandom(16).hex(), 50_001), headers=headers, timeout=120)
    assert too_many.status_code == 400 and "at most 50000" in too_many.json()["message"].replace(",", "")
    too_big = requests.post(url, data=b"{" + b" " * (65 << 20) + b"}", headers=headers, timeout=120)
    assert too_big.status_code == 400 and too_big.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert len(mlflow.search_traces(locations=[experiment], return_type="list")) == before
    assert len(client.get_trace("tr-" + trace_hex).data.spans) == 3001


@pytest.mark.skipif(target() == "mlflow", reason="Keel also reads the experiment from the resource")
def test_experiment_named_by_resource_attribute(client, experiment, server):
    exporter = OTLPSpanExporter(endpoint=f"{server.url}/v1/traces")
    provider = TracerProvider(resource=Resource.create({"service.name": "batch-job", "mlflow.experimentId": experiment}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("keel-e2e").start_as_current_span("nightly") as span:
        trace_id = "tr-" + format(span.get_span_context().trace_id, "032x")
    provider.shutdown()
    trace = client.get_trace(trace_id)
    assert trace.info.experiment_id == experiment and [s.name for s in trace.data.spans] == ["nightly"]

    body = otlp_json(os.urandom(16).hex(), 2)
    other = dict(body["resourceSpans"][0], resource={"attributes": [{"key": "mlflow.experimentId", "value": {"stringValue": "0"}}]})
    body["resourceSpans"][0]["resource"] = {"attributes": [{"key": "mlflow.experimentId", "value": {"stringValue": experiment}}]}
    mixed = {"resourceSpans": [body["resourceSpans"][0], other]}
    answer = requests.post(f"{server.url}/v1/traces", json=mixed, headers={"Content-Type": "application/json"}, timeout=30)
    assert answer.status_code == 400 and "different experiments" in answer.json()["message"]
    unnamed = requests.post(f"{server.url}/v1/traces", json=otlp_json(os.urandom(16).hex(), 1),
                            headers={"Content-Type": "application/json"}, timeout=30)
    assert unnamed.status_code == 400 and "mlflow.experimentId" in unnamed.json()["message"]
