"""The official mlflow client's own exporter: traces of nested spans logged by
`python client_exporter.py URL EXPERIMENT_NAME TRACES SPANS` (one process). Prints, as JSON, the
experiment id and the seconds from the first span to the last export (imports not counted)."""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow  # noqa: E402


def main() -> None:
    url, experiment, traces, spans = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    mlflow.set_tracking_uri(url)
    experiment_id = mlflow.set_experiment(experiment).experiment_id

    def step(depth: int, question: str) -> str:
        with mlflow.start_span(f"step_{depth}", span_type="TOOL") as span:
            span.set_inputs({"question": question, "depth": depth})
            answer = step(depth + 1, question) if depth + 1 < spans else f"answer to {question}"
            span.set_outputs(answer)
            return answer

    started = time.perf_counter()
    for index in range(traces):
        step(0, f"question {index}")
    mlflow.flush_trace_async_logging()
    print(json.dumps({"experiment_id": experiment_id, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
