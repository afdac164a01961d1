"""Human and judge feedback and expectations on traces (MLflow 3 assessments) with the official
client, and Keel's one-call thumbs route for applications."""

from __future__ import annotations

import mlflow
import pytest
import requests
from mlflow.entities import AssessmentSource, AssessmentSourceType, Feedback

from support.rest import unique_name
from support.servers import target


@pytest.fixture
def trace_id(client):
    mlflow.set_experiment(unique_name("assessed"))

    @mlflow.trace
    def answer(question):
        with mlflow.start_span("retrieve"):
            pass
        return "42"

    answer("what?")
    mlflow.flush_trace_async_logging()
    [trace] = mlflow.search_traces(return_type="list")
    return trace.info.trace_id


def test_feedback_and_expectations_round_trip(client, trace_id):
    human = AssessmentSource(source_type=AssessmentSourceType.HUMAN, source_id="alice@example.com")
    relevance = mlflow.log_feedback(trace_id=trace_id, name="relevance", value=0.9, source=human,
                                    rationale="looks right", metadata={"k": "v"})
    assert relevance.assessment_id.startswith("a-") and relevance.valid
    span_id = next(s.span_id for s in client.get_trace(trace_id).data.spans if s.name == "retrieve")
    judge = AssessmentSource(source_type=AssessmentSourceType.LLM_JUDGE, source_id="gpt-judge")
    on_span = mlflow.log_feedback(trace_id=trace_id, name="grounded", value=True, source=judge, span_id=span_id)
    expected = mlflow.log_expectation(trace_id=trace_id, name="expected_answer", value={"text": "42", "n": [1, 2]}, source=human)

    got = mlflow.get_assessment(trace_id, relevance.assessment_id)
    assert (got.name, got.value, got.rationale, got.metadata) == ("relevance", 0.9, "looks right", {"k": "v"})
    assert got.source.source_id == "alice@example.com"
    assert mlflow.get_assessment(trace_id, on_span.assessment_id).span_id == span_id
    assert mlflow.get_assessment(trace_id, expected.assessment_id).value == {"text": "42", "n": [1, 2]}

    updated = mlflow.update_assessment(trace_id, relevance.assessment_id, Feedback(name="relevance", value=0.5, rationale="revised"))
    assert (updated.value, updated.rationale) == (0.5, "revised")
    assert updated.source.source_id == "alice@example.com" and updated.metadata == {"k": "v"}

    replaced = mlflow.override_feedback(trace_id=trace_id, assessment_id=on_span.assessment_id, value=False, rationale="not grounded")
    assert replaced.overrides == on_span.assessment_id
    assert mlflow.get_assessment(trace_id, on_span.assessment_id).valid is False

    mlflow.delete_assessment(trace_id, expected.assessment_id)
    with pytest.raises(mlflow.exceptions.MlflowException):
        mlflow.get_assessment(trace_id, expected.assessment_id)

    shown = {a.assessment_id: a for a in client.get_trace(trace_id).info.assessments}
    assert set(shown) == {relevance.assessment_id, on_span.assessment_id, replaced.assessment_id}
    assert shown[relevance.assessment_id].value == 0.5 and shown[on_span.assessment_id].valid is False


@pytest.mark.skipif(target() == "mlflow", reason="Keel's own route")
def test_applications_send_thumbs_in_one_call(client, trace_id, server):
    url = f"{server.url}/api/2.0/keel/traces/{trace_id}/feedback"
    up = requests.post(url, json={"value": "up", "user": "customer-17", "comment": "helpful"}, timeout=10)
    assert up.status_code == 200, up.text
    assert up.json()["assessment"]["feedback"] == {"value": True}
    down = requests.post(url, json={"value": "down"}, timeout=10)
    assert down.status_code == 200
    [first, second] = [a for a in client.get_trace(trace_id).info.assessments if a.name == "user_feedback"]
    assert (first.value, first.source.source_id, first.rationale) == (True, "customer-17", "helpful")
    assert second.value is False and second.source.source_type == "HUMAN"

    for body, status in [({"value": "maybe"}, 400), ({}, 400)]:
        refused = requests.post(url, json=body, timeout=10)
        assert refused.status_code == status and refused.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    missing = requests.post(f"{server.url}/api/2.0/keel/traces/tr-{'0' * 32}/feedback", json={"value": "up"}, timeout=10)
    assert missing.status_code == 404
