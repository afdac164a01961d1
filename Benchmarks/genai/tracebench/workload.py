"""Deterministic trace bodies: each trace is one OTLP export of its spans (a root and a chain of
children, as an agent's steps) followed by the trace info, exactly the two calls MLflow's client
makes for a trace (docs/reference/mlflow-tracing-wire.md)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue, KeyValueList
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

BASE_NS = 1_790_000_000_000_000_000


@dataclass
class TraceBodies:
    trace_id: str
    otlp: bytes
    info: bytes
    failed: bool


def _ids(namespace: str, index: int) -> tuple[bytes, list[bytes]]:
    digest = hashlib.sha256(f"{namespace}/{index}".encode()).digest()
    return digest[:16], [hashlib.sha256(digest + bytes([n])).digest()[:8] for n in range(256)]


def build(namespace: str, index: int, spans: int, experiment_id: str) -> TraceBodies:
    trace_id, span_ids = _ids(namespace, index)
    mlflow_id = "tr-" + trace_id.hex()
    start = BASE_NS + index * 1_000_000_000
    failed = index % 10 == 0
    otel_spans = []
    for n in range(spans):
        span = Span(trace_id=trace_id, span_id=span_ids[n], name="agent" if n == 0 else f"step_{n}",
                    start_time_unix_nano=start + n * 1_000, end_time_unix_nano=start + 500_000_000 - n * 1_000,
                    status=Status(code=Status.STATUS_CODE_ERROR if failed and n == 0 else Status.STATUS_CODE_OK))
        if n:
            span.parent_span_id = span_ids[n - 1]
        span.attributes.extend([
            KeyValue(key="mlflow.traceRequestId", value=AnyValue(string_value=mlflow_id)),
            KeyValue(key="mlflow.spanType", value=AnyValue(string_value="CHAIN" if n == 0 else "TOOL")),
            KeyValue(key="mlflow.spanInputs", value=AnyValue(kvlist_value=KeyValueList(values=[
                KeyValue(key="question", value=AnyValue(string_value=f"question {index} step {n}")),
                KeyValue(key="k", value=AnyValue(int_value=n))]))),
            KeyValue(key="mlflow.spanOutputs", value=AnyValue(string_value=f"answer {index}.{n} " + "x" * 40)),
        ])
        otel_spans.append(span)
    request = ExportTraceServiceRequest(resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=otel_spans)])])
    info = {"trace": {"trace_info": {
        "trace_id": mlflow_id,
        "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}},
        "request_time": _rfc3339(start), "execution_duration": "0.500s", "state": "ERROR" if failed else "OK",
        "trace_metadata": {"mlflow.trace_schema.version": "3", "mlflow.traceInputs": json.dumps({"question": f"question {index}"})},
        "tags": {"mlflow.traceName": "agent", "bench": "yes", "shard": str(index % 4)},
        "request_preview": json.dumps({"question": f"question {index}"}), "response_preview": f"answer {index}",
    }}}
    return TraceBodies(mlflow_id, request.SerializeToString(), json.dumps(info).encode(), failed)


def _rfc3339(nanos: int) -> str:
    import datetime

    moment = datetime.datetime.fromtimestamp(nanos / 1e9, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


SEARCH_FILTER = "attributes.status = 'OK' AND tags.shard = '1'"


def expected_hits(count: int, limit: int) -> list[str]:
    """The search's answer computed locally: OK traces of shard 1, newest first."""
    hits = [i for i in range(count) if i % 10 != 0 and i % 4 == 1]
    hits.sort(reverse=True)
    return ["tr-" + _ids("bench", i)[0].hex() for i in hits[:limit]]
