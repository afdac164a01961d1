"""Autolog-produced traces: `mlflow.openai.autolog()` around the official `openai` client, talking
to a local OpenAI-compatible stub. The chat span, its messages and the token usage MLflow's client
records come back from Keel, and the tokens count per prompt version."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mlflow
import openai
import pytest
import requests

from support.rest import unique_name
from support.servers import target

USAGE = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}


class ChatStub(BaseHTTPRequestHandler):
    """Answers `POST /v1/chat/completions` as OpenAI does, echoing the last message."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        answer = json.dumps({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1_790_000_000, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "echo: " + body["messages"][-1]["content"]}}],
            "usage": USAGE,
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def chat():
    stub = ThreadingHTTPServer(("127.0.0.1", 0), ChatStub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    mlflow.openai.autolog()
    try:
        yield openai.OpenAI(base_url=f"http://127.0.0.1:{stub.server_port}/v1", api_key="test-key")
    finally:
        mlflow.openai.autolog(disable=True)
        stub.shutdown()


def test_openai_autolog_trace_round_trips(client, chat):
    mlflow.set_experiment(unique_name("autolog"))
    chat.chat.completions.create(model="small-1", messages=[{"role": "user", "content": "hello"}], temperature=0.2)
    mlflow.flush_trace_async_logging()
    [trace] = mlflow.search_traces(return_type="list")
    trace = client.get_trace(trace.info.trace_id)
    [span] = trace.data.spans
    assert span.span_type == "CHAT_MODEL"
    assert span.inputs["messages"] == [{"role": "user", "content": "hello"}] and span.inputs["temperature"] == 0.2
    assert span.outputs["choices"][0]["message"]["content"] == "echo: hello"
    assert trace.info.token_usage == {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}


@pytest.mark.skipif(target() == "mlflow", reason="Keel's per-version statistics")
def test_autolog_tokens_count_per_prompt_version(client, chat, server):
    name = unique_name("chat_prompt").replace("-", "_")
    mlflow.genai.register_prompt(name=name, template="Say {{x}}.")
    mlflow.set_experiment(unique_name("autolog-ab"))

    @mlflow.trace
    def answer(x):
        prompt = mlflow.genai.load_prompt(f"prompts:/{name}/1")
        return chat.chat.completions.create(model="small-1", messages=[{"role": "user", "content": prompt.format(x=x)}])

    for word in ["a", "b", "c"]:
        answer(word)
    mlflow.flush_trace_async_logging()
    summary = requests.get(f"{server.url}/api/2.0/keel/genai/feedback/{name}", params={"window": "1d"}, timeout=30).json()
    [bucket] = summary["buckets"]
    assert bucket["traces"] == 3 and bucket["total_tokens"] == {"count": 3, "mean": 12.0, "std": 0.0}
