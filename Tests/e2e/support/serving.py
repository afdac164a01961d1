"""Helpers for the serving end-to-end tests (docs/serving.md is the contract).

Why these shapes:
- Expected answers come from the model object itself (`predict` on the same
  rows), never from a server, so "Keel answers what the model predicts" is an
  exact comparison.
- Every wait is a poll with a deadline and a message naming what was awaited
  and the last state seen: a model that never loads fails in 120 s with the
  deployment's `message`, not with a hung test.
- Traffic is sent from real threads with one HTTP session each, and every
  answer is kept (status, version header, body, or the exception) so that
  split ratios, stickiness and "failed cleanly" are judged on the full record.
- Worker processes are found through /proc (children of the server whose
  command line names `keel_worker`), as an operator would find them.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

import cloudpickle
import mlflow
import pandas as pd
import requests
from mlflow import MlflowClient
from mlflow.models import infer_signature
from prometheus_client.parser import text_string_to_metric_families
from sklearn.linear_model import LogisticRegression

from support import guard, serving_models
from support.rest import assert_ok, describe, unique_name
from support.servers import free_port, keel_binary

DEPLOYMENTS = "/api/2.0/keel/deployments"
INFERENCE_LOG = "/api/2.0/keel/inference-log"
MODEL_LOAD_TIMEOUT_S = 120.0   # a worker imports mlflow + sklearn and downloads the model
REQUEST_TIMEOUT_S = 60.0       # mlflow's own scoring timeout
LOG_FLUSH_TIMEOUT_S = 60.0     # the inference log is written in batches off the request path
REQUEST_ID_HEADER = "X-Keel-Request-Id"
VERSION_HEADER = "X-Keel-Model-Version"
WORKER_MARK = "keel_worker"
CONSTANT_PREDICTION = serving_models.CONSTANT_PREDICTION


# ---------------------------------------------------------------------------
# Polling

def poll(fetch: Callable[[], object], until: Callable[[object], bool], timeout: float, what: str,
         interval: float = 0.1):
    """Call fetch() until until(value) holds; return that value or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if until(value):
            return value
        if time.monotonic() >= deadline:
            shown = repr(value)
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last seen: {shown[:1500]}")
        time.sleep(interval)


# ---------------------------------------------------------------------------
# Data and models

IRIS_COLUMNS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


@lru_cache(maxsize=1)
def iris_frame() -> tuple[pd.DataFrame, pd.Series]:
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True, as_frame=True)
    assert list(X.columns) == IRIS_COLUMNS
    return X, y


def sample_rows(count: int = 12) -> pd.DataFrame:
    """`count` iris rows spread over the data set, so all three classes occur."""
    X, _ = iris_frame()
    picked = X.iloc[[round(i * (len(X) - 1) / (count - 1)) for i in range(count)]]
    return picked.reset_index(drop=True)


@lru_cache(maxsize=1)
def iris_classifier() -> LogisticRegression:
    """Deterministic: lbfgs on fixed data gives the same coefficients every time."""
    X, y = iris_frame()
    return LogisticRegression(max_iter=1000).fit(X, y)


@lru_cache(maxsize=1)
def iris_signature():
    X, _ = iris_frame()
    return infer_signature(X, iris_classifier().predict(X))


def expected_predictions(rows: pd.DataFrame) -> list[int]:
    """What version `iris` must answer for `rows`: the model's own predict."""
    return [int(v) for v in iris_classifier().predict(rows)]


def constant_predictions(rows: pd.DataFrame) -> list[int]:
    return [CONSTANT_PREDICTION] * len(rows)


MODEL_KINDS = ("iris", "constant", "failing")


def log_version(tracking_uri: str, name: str, kind: str) -> str:
    """Log a model of `kind` and register it as the next version of `name`; returns the version.

    iris: sklearn LogisticRegression; constant: pyfunc answering 7 for every row;
    failing: pyfunc raising on predict. All three share the iris signature, so
    any payload valid for one is valid for the others.
    """
    assert kind in MODEL_KINDS, kind
    mlflow.set_tracking_uri(tracking_uri)
    experiment_id = MlflowClient(tracking_uri).create_experiment(unique_name("serving"))
    # Explicit pip requirements: skips mlflow's requirement inference, which
    # loads the model in a subprocess and costs seconds per model.
    with mlflow.start_run(experiment_id=experiment_id):
        if kind == "iris":
            info = mlflow.sklearn.log_model(
                iris_classifier(), name="model", registered_model_name=name,
                signature=iris_signature(), pip_requirements=["mlflow", "scikit-learn"])
        else:
            cloudpickle.register_pickle_by_value(serving_models)
            python_model = serving_models.ConstantModel() if kind == "constant" else serving_models.FailingModel()
            info = mlflow.pyfunc.log_model(
                name="model", python_model=python_model, registered_model_name=name,
                signature=iris_signature(), pip_requirements=["mlflow", "numpy", "pandas"])
    return str(info.registered_model_version)


@dataclass
class RegisteredModel:
    name: str
    versions: dict[str, str]  # kind -> registry version

    def uri(self, ref: str) -> str:
        return f"models:/{self.name}{ref if ref.startswith('@') else '/' + ref}"


def register_model(tracking_uri: str, kinds: tuple[str, ...] = ("iris",), alias: str | None = "champion",
                   alias_kind: str = "iris", prefix: str = "serve") -> RegisteredModel:
    """Register one version per kind (in order) under a fresh name; point `alias` at `alias_kind`."""
    name = unique_name(prefix)
    versions = {kind: log_version(tracking_uri, name, kind) for kind in kinds}
    if alias:
        MlflowClient(tracking_uri).set_registered_model_alias(name, alias, versions[alias_kind])
    return RegisteredModel(name=name, versions=versions)


# ---------------------------------------------------------------------------
# Payloads

@dataclass(frozen=True)
class Payload:
    content_type: str | None
    body: bytes

    @property
    def headers(self) -> dict:
        return {"Content-Type": self.content_type} if self.content_type else {}


def json_payload(obj: object, content_type: str = "application/json") -> Payload:
    return Payload(content_type, json.dumps(obj).encode())


def invocation_payloads(rows: pd.DataFrame) -> dict[str, Payload]:
    """The same rows in every input format `/invocations` accepts (docs/serving.md)."""
    records = rows.to_dict(orient="records")
    return {
        "dataframe_split": json_payload(
            {"dataframe_split": {"columns": list(rows.columns), "data": rows.values.tolist()}}),
        "dataframe_records": json_payload({"dataframe_records": records}),
        "instances": json_payload({"instances": records}),
        "inputs": json_payload({"inputs": {c: rows[c].tolist() for c in rows.columns}}),
        "csv": Payload("text/csv", rows.to_csv(index=False).encode()),
    }


# Bodies mlflow's scoring server rejects with 400, and the error_code it uses (open-inference-protocol.md B3).
BAD_INVOCATION_BODIES = {
    "invalid-json": (b'{"dataframe_split": {"columns": ["a"], "data": [[1]]', "BAD_REQUEST"),
    "list-body": (b"[1, 2, 3]", "BAD_REQUEST"),
    "no-field": (b"{}", "BAD_REQUEST"),
    "two-fields": (json.dumps({"dataframe_records": [], "instances": []}).encode(), "BAD_REQUEST"),
    "missing-columns": (json.dumps({"dataframe_split": {"columns": ["nope"], "data": [[1.0]]}}).encode(),
                        "INVALID_PARAMETER_VALUE"),
}
# Content types mlflow's scoring server refuses with 415.
UNSUPPORTED_CONTENT_TYPES = ("application/xml", "application/json; charset=latin-1", "text/plain")


def split_payload(rows: pd.DataFrame) -> Payload:
    return invocation_payloads(rows)["dataframe_split"]


def oip_columns_request(rows: pd.DataFrame, request_id: str | None = None) -> dict:
    """One FP64 input per signature column, shape [N, 1] (what GET /v2/models/{m} advertises)."""
    body = {"inputs": [{"name": c, "shape": [len(rows), 1], "datatype": "FP64", "data": rows[c].tolist()}
                       for c in rows.columns]}
    if request_id is not None:
        body["id"] = request_id
    return body


def oip_matrix_request(rows: pd.DataFrame) -> dict:
    """One [N, 4] FP64 input: becomes a DataFrame with the signature's columns (PROTOCOL.md 5.2)."""
    return {"inputs": [{"name": "input-0", "shape": [len(rows), len(rows.columns)], "datatype": "FP64",
                        "data": rows.values.flatten().tolist()}]}


def oip_single_output(body: dict) -> list:
    """The data of the one output of an OIP response, checked for shape consistency."""
    outputs = body.get("outputs")
    assert isinstance(outputs, list) and len(outputs) == 1, f"expected one output: {body!r}"
    output = outputs[0]
    data, shape = output.get("data"), output.get("shape")
    assert isinstance(data, list) and isinstance(shape, list), f"output without data/shape: {output!r}"
    count = 1
    for dim in shape:
        count *= dim
    assert count == len(data), f"output shape {shape} does not match {len(data)} elements: {output!r}"
    return data


# ---------------------------------------------------------------------------
# The deployments API and the data plane

def assert_oip_error(resp: requests.Response, status: int) -> str:
    """OIP errors: the status, and a JSON body {"error": "<message>"}."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    assert resp.status_code == status and isinstance(body, dict) and isinstance(body.get("error"), str) \
        and body["error"], f"expected {status} with {{\"error\": ...}}: {describe(resp)}"
    return body["error"]


def versions_in(event: dict) -> set[str]:
    """Version numbers a history event mentions, whatever its key names (the contract leaves them open)."""
    found = set()
    for key, value in event.items():
        if "version" in key.lower() and isinstance(value, (str, int)) and not isinstance(value, bool):
            found.add(str(value))
    return found


class Serving:
    """Raw HTTP to Keel's serving endpoints on one server."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_S)
        return self.session.request(method, f"{self.base_url}{path}", **kwargs)

    # -- control plane ------------------------------------------------------
    def create(self, body: dict) -> requests.Response:
        return self.request("POST", DEPLOYMENTS, json=body)

    def get(self, name: str) -> requests.Response:
        return self.request("GET", f"{DEPLOYMENTS}/{quote(name, safe='')}")

    def list(self) -> list[dict]:
        body = assert_ok(self.request("GET", DEPLOYMENTS))
        assert isinstance(body.get("deployments", []), list), body
        return body.get("deployments", [])

    def patch(self, name: str, body: dict) -> requests.Response:
        return self.request("PATCH", f"{DEPLOYMENTS}/{quote(name, safe='')}", json=body)

    def delete(self, name: str) -> requests.Response:
        return self.request("DELETE", f"{DEPLOYMENTS}/{quote(name, safe='')}")

    def promote(self, name: str) -> requests.Response:
        return self.request("POST", f"{DEPLOYMENTS}/{quote(name, safe='')}/promote")

    def rollback(self, name: str) -> requests.Response:
        return self.request("POST", f"{DEPLOYMENTS}/{quote(name, safe='')}/rollback")

    def history(self, name: str) -> list[dict]:
        body = assert_ok(self.request("GET", f"{DEPLOYMENTS}/{quote(name, safe='')}/history"))
        events = body.get("events")
        assert isinstance(events, list), f"history without an events list: {body!r}"
        return events

    def deployment(self, name: str) -> dict:
        body = assert_ok(self.get(name))
        assert isinstance(body.get("deployment"), dict), f"GET deployment {name}: {body!r}"
        return body["deployment"]

    def wait_ready(self, name: str, versions: set[str] | None = None,
                   timeout: float = MODEL_LOAD_TIMEOUT_S, extra: Callable[[dict], bool] | None = None) -> dict:
        """Poll until the deployment and every target are ready with all workers up.

        `versions`: the target versions that must be present (e.g. primary and
        candidate after a traffic change). A `failed` state fails at once with
        the deployment's message.
        """
        def fetch() -> dict:
            deployment = self.deployment(name)
            if deployment.get("state") == "failed":
                raise AssertionError(f"deployment {name} failed: {deployment.get('message')!r}\n{deployment!r}")
            return deployment

        def ready(d: dict) -> bool:
            targets = d.get("targets") or []
            if d.get("state") != "ready" or not targets:
                return False
            for t in targets:
                if t.get("state") == "failed":
                    raise AssertionError(f"deployment {name}: target {t!r} failed: {d!r}")
                if t.get("state") != "ready" or t.get("ready_workers") != t.get("workers"):
                    return False
            if versions is not None and not versions <= {str(t.get("version")) for t in targets}:
                return False
            return extra(d) if extra else True

        return poll(fetch, ready, timeout, f"deployment {name} to be ready (versions {versions or 'any'})",
                    interval=0.2)

    def inference_log(self, deployment: str, max_results: int | None = None) -> list[dict]:
        """Every record of `deployment`, following next_page_token to the end."""
        records, token, pages = [], None, 0
        while True:
            params = {"deployment": deployment}
            if max_results is not None:
                params["max_results"] = max_results
            if token:
                params["page_token"] = token
            body = assert_ok(self.request("GET", INFERENCE_LOG, params=params))
            page = body.get("records", [])
            assert isinstance(page, list), f"inference-log records is not a list: {body!r}"
            if max_results is not None:
                assert len(page) <= max_results, f"page of {len(page)} > max_results={max_results}"
            records.extend(page)
            token = body.get("next_page_token")
            pages += 1
            assert pages < 10_000, "inference-log paging does not end"
            if not token:
                return records

    def wait_log(self, deployment: str, until: Callable[[list[dict]], bool], what: str,
                 timeout: float = LOG_FLUSH_TIMEOUT_S) -> list[dict]:
        return poll(lambda: self.inference_log(deployment), until, timeout,
                    f"inference log of {deployment}: {what}", interval=0.25)

    # -- data plane ---------------------------------------------------------
    def invocations_path(self, name: str) -> str:
        return f"/deployments/{quote(name, safe='')}/invocations"

    def invoke(self, name: str, payload: Payload, headers: dict | None = None) -> requests.Response:
        return self.request("POST", self.invocations_path(name), data=payload.body,
                            headers={**payload.headers, **(headers or {})})

    def infer_path(self, name: str, version: str | None = None) -> str:
        path = f"/v2/models/{quote(name, safe='')}"
        if version is not None:
            path += f"/versions/{quote(version, safe='')}"
        return path + "/infer"

    def infer(self, name: str, body: dict | bytes, version: str | None = None, headers: dict | None = None,
              content_type: str | None = "application/json") -> requests.Response:
        """POST to /v2/models/{name}[/versions/{v}]/infer; content_type=None sends none (as tritonclient)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {"Content-Type": content_type} if content_type else {}
        return self.request("POST", self.infer_path(name, version), data=data, headers={**sent, **(headers or {})})


def predictions_of(resp: requests.Response) -> list:
    body = assert_ok(resp)
    assert isinstance(body, dict) and "predictions" in body, f"no predictions: {describe(resp)}"
    return body["predictions"]


# ---------------------------------------------------------------------------
# Traffic from many threads

@dataclass
class Answer:
    """One request's outcome: an HTTP answer, or the exception that replaced it."""

    index: int
    sent_at: float
    status: int | None = None
    version: str | None = None
    request_id: str | None = None
    body: object = None
    text: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def describe(self) -> str:
        if self.error:
            return f"#{self.index}: no answer ({self.error})"
        return f"#{self.index}: {self.status} version={self.version} {self.text[:200]!r}"


def answer_from(index: int, sent_at: float, resp: requests.Response) -> Answer:
    try:
        body = resp.json()
    except ValueError:
        body = None
    return Answer(index=index, sent_at=sent_at, status=resp.status_code, version=resp.headers.get(VERSION_HEADER),
                  request_id=resp.headers.get(REQUEST_ID_HEADER), body=body, text=resp.text)


def send_many(base_url: str, name: str, payload: Payload, count: int, threads: int = 8,
              headers_for: Callable[[int], dict] | None = None,
              timeout: float = REQUEST_TIMEOUT_S) -> list[Answer]:
    """POST `payload` to the deployment's /invocations `count` times from `threads` threads."""
    local = threading.local()
    path = f"{base_url}/deployments/{quote(name, safe='')}/invocations"

    def one(index: int) -> Answer:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        headers = {**payload.headers, **(headers_for(index) if headers_for else {})}
        sent_at = time.monotonic()
        try:
            resp = local.session.post(path, data=payload.body, headers=headers, timeout=timeout)
        except requests.RequestException as error:
            return Answer(index=index, sent_at=sent_at, error=f"{type(error).__name__}: {error}")
        return answer_from(index, sent_at, resp)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, range(count)))


def settle(base_url: str, name: str, payload: Payload, accept: Callable[[Answer], bool], what: str,
           consecutive: int = 1, timeout: float = 60.0, headers: dict | None = None) -> None:
    """Send requests one by one until `consecutive` answers in a row satisfy `accept`.

    Why: a changed traffic policy or a moved alias shows in GET before every
    router has applied it (routers follow the database, so replicas agree), so
    measurements start only once the change is observable on the wire.
    """
    session = requests.Session()
    path = f"{base_url}/deployments/{quote(name, safe='')}/invocations"
    streak = {"n": 0, "last": None}

    def one() -> int:
        resp = session.post(path, data=payload.body, headers={**payload.headers, **(headers or {})},
                            timeout=REQUEST_TIMEOUT_S)
        answer = answer_from(-1, time.monotonic(), resp)
        streak["n"] = streak["n"] + 1 if accept(answer) else 0
        streak["last"] = answer.describe()
        return streak["n"]

    poll(one, lambda n: n >= consecutive, timeout, f"{what} ({consecutive} answers in a row)", interval=0.02)


class BackgroundTraffic:
    """Threads POSTing the same request in a loop until stop(); every answer is kept."""

    def __init__(self, base_url: str, name: str, payload: Payload, threads: int = 4,
                 timeout: float = 30.0):
        self._url = f"{base_url}/deployments/{quote(name, safe='')}/invocations"
        self._payload = payload
        self._timeout = timeout
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._counter = 0
        self.answers: list[Answer] = []
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> "BackgroundTraffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            with self._lock:
                index = self._counter
                self._counter += 1
            sent_at = time.monotonic()
            try:
                resp = session.post(self._url, data=self._payload.body, headers=self._payload.headers,
                                    timeout=self._timeout)
                answer = answer_from(index, sent_at, resp)
            except requests.RequestException as error:
                answer = Answer(index=index, sent_at=sent_at, error=f"{type(error).__name__}: {error}")
            with self._lock:
                self.answers.append(answer)

    def snapshot(self) -> list[Answer]:
        with self._lock:
            return list(self.answers)

    def successes_since(self, moment: float) -> int:
        return sum(1 for a in self.snapshot() if a.ok and a.sent_at >= moment)

    def stop(self) -> list[Answer]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self._timeout + 10)
            assert not thread.is_alive(), "a traffic thread is stuck: a request hung past its timeout"
        return self.snapshot()


# ---------------------------------------------------------------------------
# Processes

def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a live process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name sits in parentheses and may itself contain spaces or ')'.
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields[0]


def descendants(root: int) -> list[int]:
    """Every living (non-zombie) process below `root`."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(int(entry))
        if stat and stat[1] != "Z":
            children.setdefault(stat[0], []).append(int(entry))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def worker_pids(server_pid: int) -> set[int]:
    """Model worker processes started (directly or not) by the server process."""
    return {pid for pid in descendants(server_pid) if WORKER_MARK in command_line(pid)}


def kill_worker(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------------------
# Oversized bodies

def post_oversized(base_url: str, path: str, size: int, content_type: str = "application/json",
                   timeout: float = 120.0) -> tuple[int, bytes]:
    """Stream a `size`-byte POST body and return (status, body) of the answer.

    Stops sending as soon as the server starts answering, so a server that
    rejects on Content-Length answers at once and one that reads first still
    gets a complete request. A reset without any answer fails the test.
    """
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    try:
        head = (f"POST {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n")
        sock.sendall(head.encode())
        chunk = b" " * (1 << 20)
        sent, deadline = 0, time.monotonic() + timeout
        while sent < size:
            readable, writable, _ = select.select([sock], [sock], [], max(0.0, deadline - time.monotonic()))
            if readable:
                break
            if not writable:
                raise AssertionError(f"POST {path}: server neither read the body nor answered in {timeout:.0f} s")
            try:
                sent += sock.send(chunk[: min(len(chunk), size - sent)])
            except (BrokenPipeError, ConnectionResetError):
                break
        data = b""
        try:
            while True:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
                if _complete(data):
                    break
        except ConnectionResetError:
            pass
        except socket.timeout:
            raise AssertionError(f"POST {path} ({size} bytes): no complete answer in {timeout:.0f} s "
                                 f"(got {data[:300]!r})") from None
    finally:
        sock.close()
    assert data.startswith(b"HTTP/1."), (
        f"POST {path} ({size} bytes, {sent} sent): connection closed without an HTTP answer ({data[:300]!r})")
    status = int(data.split(b" ", 2)[1])
    if status >= 500:
        guard.record("POST", f"{base_url}{path}", status)
    head_end = data.find(b"\r\n\r\n")
    return status, data[head_end + 4:] if head_end >= 0 else b""


def _complete(data: bytes) -> bool:
    """Whether an HTTP/1.1 answer with a Content-Length is fully received."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    for line in data[:head_end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(data) - head_end - 4 >= int(value.strip())
    return False


# ---------------------------------------------------------------------------
# Prometheus

def scrape(base_url: str) -> list:
    """GET /metrics and parse it with prometheus_client's own text parser."""
    resp = requests.get(f"{base_url}/metrics", timeout=REQUEST_TIMEOUT_S)
    assert resp.status_code == 200, f"GET /metrics -> {resp.status_code} {resp.text[:300]!r}"
    content_type = resp.headers.get("Content-Type", "")
    assert content_type.startswith("text/plain"), f"/metrics Content-Type is {content_type!r}, not text/plain"
    try:
        return list(text_string_to_metric_families(resp.text))
    except Exception as error:  # the parser raises ValueError and friends on malformed lines
        raise AssertionError(f"/metrics is not valid Prometheus text: {error}\n{resp.text[:2000]}") from error


def _matches(labels: dict, deployment: str, version: str) -> bool:
    return deployment in labels.values() and any(
        "version" in key.lower() and value == version for key, value in labels.items())


def counter_totals(families: list, deployment: str, versions: list[str]) -> dict[str, dict[str, float]]:
    """family name -> version -> summed `_total` over every series of (deployment, version)."""
    totals: dict[str, dict[str, float]] = {}
    for family in families:
        if family.type != "counter":
            continue
        for sample in family.samples:
            if not sample.name.endswith("_total"):
                continue
            for version in versions:
                if _matches(sample.labels, deployment, version):
                    per = totals.setdefault(family.name, {v: 0.0 for v in versions})
                    per[version] += sample.value
    return totals


def histograms(families: list, deployment: str, version: str) -> dict[str, list[dict]]:
    """family name -> the histogram series of (deployment, version), each as
    {"labels", "buckets": [(le, value)], "count", "sum"}."""
    found: dict[str, list[dict]] = {}
    for family in families:
        if family.type != "histogram":
            continue
        series: dict[tuple, dict] = {}
        for sample in family.samples:
            labels = {k: v for k, v in sample.labels.items() if k != "le"}
            if not _matches(labels, deployment, version):
                continue
            entry = series.setdefault(tuple(sorted(labels.items())),
                                      {"labels": labels, "buckets": [], "count": None, "sum": None})
            if sample.name.endswith("_bucket"):
                entry["buckets"].append((float(sample.labels["le"]), sample.value))
            elif sample.name.endswith("_count"):
                entry["count"] = sample.value
            elif sample.name.endswith("_sum"):
                entry["sum"] = sample.value
        if series:
            found[family.name] = list(series.values())
    return found


# ---------------------------------------------------------------------------
# Standalone scoring servers (`keel serve`, `mlflow models serve`)

class ScoringProcess:
    """A scoring server process on a free port; `url` once /ping answers 200."""

    def __init__(self, command: list[str], port: int, env: dict, log_path: Path):
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_ready(self, timeout: float = MODEL_LOAD_TIMEOUT_S) -> "ScoringProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{' '.join(self.command)} exited with {self.process.returncode}:\n"
                                     f"{self.log_tail()}")
            try:
                status = requests.get(f"{self.url}/ping", timeout=5).status_code
            except requests.RequestException:
                status = None
            # 503 while the model loads is the documented answer, not a server error.
            guard.forgive(lambda entry: entry == f"GET {self.url}/ping -> 503")
            if status == 200:
                return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"{' '.join(self.command)}: /ping not 200 after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass


def scoring_env(tracking_uri: str) -> dict:
    bin_dir = Path(sys.executable).parent  # `mlflow models serve` execs uvicorn from PATH
    return dict(os.environ, MLFLOW_TRACKING_URI=tracking_uri, MLFLOW_DISABLE_TELEMETRY="true",
                PYTHONHASHSEED="0", PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def start_keel_serve(model_uri: str, tracking_uri: str, log_dir: Path, *extra: str) -> ScoringProcess:
    port = free_port()
    command = [str(keel_binary()), "serve", "--model", model_uri, "--port", str(port),
               "--python", sys.executable, *extra]
    return ScoringProcess(command, port, scoring_env(tracking_uri), log_dir / f"keel-serve-{port}.log")


def start_mlflow_serve(model_uri: str, tracking_uri: str, log_dir: Path) -> ScoringProcess:
    port = free_port()
    command = [str(Path(sys.executable).with_name("mlflow")), "models", "serve", "-m", model_uri,
               "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)]
    return ScoringProcess(command, port, scoring_env(tracking_uri), log_dir / f"mlflow-serve-{port}.log")
