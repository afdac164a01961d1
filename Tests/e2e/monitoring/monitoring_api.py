"""The monitoring REST API and the traffic that feeds it, for the end-to-end tests.

What is here: `Deployments` (create, re-route, delete), `Monitor` (raw HTTP
to Keel's monitoring endpoints) and `Rules` (alert rules deleted on close),
accessors for the answers' shapes, the traffic helpers that send rows to a
deployment and wait for the inference log, and the feedback items built from
what was sent.

Why these shapes (docs/monitoring.md is the contract):
- Traffic goes through the deployment's real endpoints and every answer is
  kept (request id from X-Keel-Request-Id, version from X-Keel-Model-Version,
  per-row predictions), so feedback and per-version metrics are built on what
  callers actually saw.
- The inference log is written in batches, so every read of a window first
  waits until the log holds the requests just sent (by id, or by count).
- Shapes the spec leaves open (the envelope around a profile, a rule's id key,
  where the delivery status sits, an empty metrics object) are read through
  small accessor helpers here, so aligning the tests with a final choice is a
  one-line change.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np
import pandas as pd
import requests

from monitoring_data import csv_bytes
from support import serving
from support.rest import assert_ok, describe, now_ms, unique_name

KEEL_API = "/api/2.0/keel"
FEEDBACK = f"{KEEL_API}/feedback"
ALERT_RULES = f"{KEEL_API}/alerts/rules"
ALERTS = f"{KEEL_API}/alerts"
INVALID = (400, ("INVALID_PARAMETER_VALUE",))
MISSING = (404, ("RESOURCE_DOES_NOT_EXIST",))
WEBHOOK_TIMEOUT_S = 30.0      # every=1s, plus the drift computation and one delivery


# ---------------------------------------------------------------------------
# Deployments that outlive one test

class Deployments:
    """Creates deployments (workers=1, waits until ready) and deletes them on close()."""

    def __init__(self, keel: serving.Serving):
        self.keel = keel
        self.names: list[str] = []

    def create(self, model: str, name: str | None = None, **fields) -> str:
        name = name or unique_name("mon")
        created = assert_ok(self.keel.create({"name": name, "model": model, "workers": 1, **fields}))
        self.names.append(name)
        assert isinstance(created.get("deployment"), dict), f"create answered {created!r}"
        self.keel.wait_ready(name)
        return name

    def set_traffic(self, name: str, traffic: dict, versions: set[str]) -> dict:
        patched = assert_ok(self.keel.patch(name, {"traffic": traffic}))
        assert patched["deployment"]["traffic"]["kind"] == traffic["kind"], patched
        return self.keel.wait_ready(
            name, versions=versions, extra=lambda d: d.get("traffic", {}).get("kind") == traffic["kind"])

    def close(self) -> None:
        for name in self.names:
            try:
                self.keel.delete(name)
            except Exception:  # best effort
                pass


# ---------------------------------------------------------------------------
# The monitoring REST API

def unwrap(value, key: str):
    """The object itself, or the `{key: object}` envelope around it."""
    return value[key] if isinstance(value, dict) and isinstance(value.get(key), (dict, list)) else value


class Monitor:
    """Raw HTTP to Keel's monitoring endpoints on one server."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 120)
        return self.session.request(method, f"{self.base_url}{path}", **kwargs)

    @staticmethod
    def deployment_path(name: str, suffix: str) -> str:
        return f"{serving.DEPLOYMENTS}/{quote(name, safe='')}/{suffix}"

    # -- reference and settings -------------------------------------------------
    def put_reference(self, name: str, body: bytes, content_type: str = "text/csv") -> requests.Response:
        return self.request("PUT", self.deployment_path(name, "reference"), data=body,
                            headers={"Content-Type": content_type})

    def get_reference(self, name: str) -> requests.Response:
        return self.request("GET", self.deployment_path(name, "reference"))

    def from_lineage(self, name: str) -> requests.Response:
        return self.request("POST", self.deployment_path(name, "reference/from-lineage"))

    def upload_reference(self, name: str, frame: pd.DataFrame) -> dict:
        """PUT `frame` as CSV, require 200, return the profile."""
        return profile_of(assert_ok(self.put_reference(name, csv_bytes(frame))))

    def reference(self, name: str) -> dict:
        return profile_of(assert_ok(self.get_reference(name)))

    def put_settings(self, name: str, settings: dict) -> requests.Response:
        return self.request("PUT", self.deployment_path(name, "monitor"), json=settings)

    def get_settings(self, name: str) -> requests.Response:
        return self.request("GET", self.deployment_path(name, "monitor"))

    def configure(self, name: str, settings: dict) -> dict:
        return unwrap(assert_ok(self.put_settings(name, settings)), "monitor")

    # -- windows ----------------------------------------------------------------
    def get_drift(self, name: str, **params) -> requests.Response:
        return self.request("GET", self.deployment_path(name, "drift"), params=params)

    def drift(self, name: str, **params) -> dict:
        body = assert_ok(self.get_drift(name, **params))
        assert isinstance(body.get("columns"), list) and isinstance(body.get("dataset"), dict), \
            f"drift answer without columns/dataset: {body!r}"
        return body

    def get_performance(self, name: str, **params) -> requests.Response:
        return self.request("GET", self.deployment_path(name, "performance"), params=params)

    def performance(self, name: str, **params) -> dict:
        body = assert_ok(self.get_performance(name, **params))
        assert isinstance(body.get("versions"), list), f"performance answer without versions: {body!r}"
        return body

    # -- feedback -----------------------------------------------------------------
    def post_feedback(self, items: list[dict]) -> requests.Response:
        return self.request("POST", FEEDBACK, json={"feedback": items})

    def feedback(self, items: list[dict]) -> dict:
        body = assert_ok(self.post_feedback(items))
        assert isinstance(body.get("stored"), int) and isinstance(body.get("unchanged"), int), \
            f"feedback answer is not {{stored, unchanged}}: {body!r}"
        return body

    # -- alerts ---------------------------------------------------------------------
    def post_rule(self, body: dict) -> requests.Response:
        return self.request("POST", ALERT_RULES, json=body)

    def rules(self, deployment: str) -> list[dict]:
        body = assert_ok(self.request("GET", ALERT_RULES, params={"deployment": deployment}))
        rules = body.get("rules")
        assert isinstance(rules, list), f"rules answer without a rules list: {body!r}"
        return rules

    def delete_rule(self, rule: int | str) -> requests.Response:
        return self.request("DELETE", f"{ALERT_RULES}/{rule}")

    def post_evaluate(self, rule: int | str) -> requests.Response:
        return self.request("POST", f"{ALERT_RULES}/{rule}/evaluate")

    def alerts(self, deployment: str) -> list[dict]:
        body = assert_ok(self.request("GET", ALERTS, params={"deployment": deployment}))
        alerts = body.get("alerts")
        assert isinstance(alerts, list), f"alerts answer without an alerts list: {body!r}"
        return alerts


def profile_of(body: dict) -> dict:
    """A reference profile (the answer itself, or under `reference`)."""
    profile = unwrap(body, "reference")
    assert isinstance(profile, dict) and isinstance(profile.get("columns"), list), f"not a profile: {body!r}"
    return profile


def rule_id(rule: dict):
    """The id of a rule object (`id`, or `rule_id` as in the webhook body)."""
    value = rule.get("id", rule.get("rule_id"))
    assert value is not None, f"rule without an id: {rule!r}"
    return value


class Rules:
    """Creates alert rules through the REST API and deletes them on close()."""

    def __init__(self, monitor: Monitor):
        self.monitor = monitor
        self.ids: list = []

    def create(self, **body) -> dict:
        resp = self.monitor.post_rule(body)
        rule = unwrap(assert_ok(resp), "rule")
        self.ids.append(rule_id(rule))
        return rule

    def close(self) -> None:
        for rule in self.ids:
            try:
                self.monitor.delete_rule(rule)
            except Exception:
                pass


def delivery_status(alert: dict) -> tuple[str | None, int | None]:
    """(status, attempts) of an alert's webhook delivery, wherever the object keeps them.

    Accepted shapes: {"delivery": {"status", "attempts"}}, or flat
    "delivery_status" / "delivery_attempts".
    """
    nested = alert.get("delivery")
    if isinstance(nested, dict):
        return nested.get("status"), nested.get("attempts")
    status = alert.get("delivery_status", nested if isinstance(nested, str) else None)
    return status, alert.get("delivery_attempts")


# ---------------------------------------------------------------------------
# Traffic

@dataclass
class Sent:
    """One request as answered: its id, version, rows and per-row predictions."""

    request_id: str
    version: str | None
    rows: pd.DataFrame
    predictions: list = field(default_factory=list)

    def prediction_values(self, field_name: str | None = None) -> list:
        return [p[field_name] if field_name and isinstance(p, dict) else p for p in self.predictions]


def invocation_payload(rows: pd.DataFrame, fmt: str = "dataframe_split") -> serving.Payload:
    return serving.invocation_payloads(rows)[fmt]


def send_rows(keel: serving.Serving, name: str, requests_rows: list[pd.DataFrame], fmt: str = "dataframe_split",
              threads: int = 4) -> list[Sent]:
    """POST each frame to /invocations (one request each, `threads` at a time); all must answer 200."""
    local = threading.local()
    path = keel.invocations_path(name)

    def one(rows: pd.DataFrame) -> Sent:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        payload = invocation_payload(rows, fmt)
        resp = local.session.post(f"{keel.base_url}{path}", data=payload.body, headers=payload.headers,
                                  timeout=serving.REQUEST_TIMEOUT_S)
        predictions = serving.predictions_of(resp)
        assert len(predictions) == len(rows), f"{len(predictions)} predictions for {len(rows)} rows: {describe(resp)}"
        request_id = resp.headers.get(serving.REQUEST_ID_HEADER)
        assert request_id, f"no {serving.REQUEST_ID_HEADER}: {dict(resp.headers)}"
        return Sent(request_id=request_id, version=resp.headers.get(serving.VERSION_HEADER), rows=rows,
                    predictions=predictions)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, requests_rows))


def send_failing(keel: serving.Serving, name: str, count: int) -> list[str]:
    """`count` requests the model refuses (a column it does not know); their request ids."""
    body = serving.BAD_INVOCATION_BODIES["missing-columns"][0]
    ids = []
    for _ in range(count):
        resp = keel.invoke(name, serving.Payload("application/json", body))
        assert resp.status_code == 400, describe(resp)
        ids.append(resp.headers.get(serving.REQUEST_ID_HEADER))
    return ids


def oip_columns_body(rows: pd.DataFrame) -> dict:
    """Plain-JSON OIP: one FP64 tensor of shape [n, 1] per column."""
    return serving.oip_columns_request(rows)


def oip_matrix_body(rows: pd.DataFrame, tensor: str = "x") -> dict:
    """Plain-JSON OIP: one [n, k] tensor named `tensor`, i.e. columns tensor_0 … tensor_{k-1}."""
    return {"inputs": [{"name": tensor, "shape": [len(rows), len(rows.columns)], "datatype": "FP64",
                        "data": rows.to_numpy(dtype=np.float64).flatten().tolist()}]}


def send_oip_json(keel: serving.Serving, name: str, requests_rows: list[pd.DataFrame], layout: str) -> list[str]:
    ids = []
    for rows in requests_rows:
        body = oip_columns_body(rows) if layout == "columns" else oip_matrix_body(rows)
        resp = keel.infer(name, body)
        assert resp.status_code == 200, describe(resp)
        ids.append(resp.headers.get(serving.REQUEST_ID_HEADER))
    return ids


def wait_logged(keel: serving.Serving, name: str, request_ids) -> list[dict]:
    """Wait until every id is in the deployment's inference log."""
    wanted = {i for i in request_ids if i}
    return keel.wait_log(name, lambda records: wanted <= {r["request_id"] for r in records},
                         f"{len(wanted)} request ids")


def wait_log_count(keel: serving.Serving, name: str, count: int) -> list[dict]:
    return keel.wait_log(name, lambda records: len(records) >= count, f"at least {count} records")


def window_start_ms() -> int:
    """A start= bound after everything sent so far (log timestamps may lag a flush behind)."""
    time.sleep(0.3)
    return now_ms()


# ---------------------------------------------------------------------------
# Feedback items and performance answers

def label_items(sent: list[Sent], labels: list[list]) -> list[dict]:
    """One feedback item per request: `label` for one-row requests, `labels` otherwise."""
    items = []
    for item, values in zip(sent, labels, strict=True):
        if len(values) == 1:
            items.append({"request_id": item.request_id, "label": values[0]})
        else:
            items.append({"request_id": item.request_id, "labels": list(values)})
    return items


def split_labels(flat: list, sent: list[Sent]) -> list[list]:
    """Cut a flat list of per-row labels into per-request lists, in the order of `sent`."""
    out, i = [], 0
    for item in sent:
        out.append(list(flat[i:i + len(item.rows)]))
        i += len(item.rows)
    assert i == len(flat), f"{len(flat)} labels for {i} rows"
    return out


def version_entry(performance: dict, version: str) -> dict:
    found = [v for v in performance["versions"] if str(v.get("version")) == str(version)]
    assert len(found) == 1, f"expected one entry for version {version}: {performance['versions']!r}"
    return found[0]


def no_metrics(entry: dict) -> bool:
    """Nothing measured: `metrics` absent, null or empty."""
    return not entry.get("metrics")
