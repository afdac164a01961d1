"""GenAI traces on the pages: an experiment's traces with the search filter, and one trace's
spans as a waterfall with their inputs and outputs, and its feedback."""

from __future__ import annotations

import mlflow
from mlflow.entities import AssessmentSource, AssessmentSourceType

from support.a11y import audit
from support.rest import unique_name


def test_trace_list_and_waterfall(tab, client):
    experiment_id = mlflow.set_experiment(unique_name("traced pages")).experiment_id

    @mlflow.trace
    def answer(question):
        with mlflow.start_span("retrieve") as span:
            span.set_inputs({"query": question})
            span.set_outputs({"documents": ["doc-1", "doc-2"]})
        with mlflow.start_span("generate"):
            pass
        return "forty-two"

    @mlflow.trace
    def broken(question):
        raise ValueError("no answer")

    answer("what is six times seven?")
    try:
        broken("and now?")
    except ValueError:
        pass
    mlflow.flush_trace_async_logging()
    traces = {t.info.state.value if hasattr(t.info.state, "value") else str(t.info.state): t
              for t in mlflow.search_traces(return_type="list")}
    ok = traces["OK"].info.trace_id
    human = AssessmentSource(source_type=AssessmentSourceType.HUMAN, source_id="ana")
    mlflow.log_feedback(trace_id=ok, name="thumbs", value=True, source=human, rationale="right answer")

    tab.open(f"/ui/experiments/{experiment_id}")
    tab.page.click("a:text('GenAI traces')")
    rows = tab.page.locator("tbody tr")
    assert rows.count() == 2
    assert "thumbs: true ×1" in rows.filter(has_text="OK").inner_text()
    assert audit(tab.page) == []
    tab.page.fill("#filter", "attributes.status = 'ERROR'")
    tab.page.click("button:text('Apply')")
    assert tab.page.locator("tbody tr").count() == 1 and "ERROR" in tab.page.locator("tbody").inner_text()
    tab.open(f"/ui/experiments/{experiment_id}/traces?filter=attributes.nope+%3D+1", expect_status=400)

    tab.open(f"/ui/traces/{ok}")
    waterfall = tab.page.locator("svg.chart[aria-label^='Spans of trace']")
    assert waterfall.locator("rect").count() == 3, "one bar per span"
    spans = tab.page.locator("#spans ~ div table tbody tr").all_inner_texts()
    assert spans[0].startswith("answer") and spans[1].startswith("· retrieve") and spans[2].startswith("· generate")
    assert '{"query":"what is six times seven?"}' in spans[1] and '"documents":["doc-1","doc-2"]' in spans[1]
    feedback = tab.page.locator("#feedback ~ table").first.inner_text()
    assert "thumbs" in feedback and "right answer" in feedback and "ana" in feedback
    assert audit(tab.page) == []
    tab.shot("trace")
    tab.open("/ui/traces/tr-" + "0" * 32, expect_status=404)
