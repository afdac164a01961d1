"""Helpers for the monitoring end-to-end tests (docs/monitoring.md is the contract).

Why these shapes:
- Data is synthetic and seeded: three float features `x_0, x_1, x_2`
  (N(0,1), N(5,2), U(0,10), six decimals so CSV, JSON and the server's parser
  read the same doubles). "Shifted" data moves `x_0` by +2.5 and stretches
  `x_1` by 1.6, which every drift test Evidently picks sees at once. The same
  seed gives the same rows, so verdicts are reproducible, not lucky.
- Expected numbers are computed here from what the server answered (the rows
  sent, the predictions in the answers, the labels sent back) with the
  libraries people trust: `keel drift --json` on the same rows written to CSV
  (the same engine, already checked against Evidently), scikit-learn for
  classification and regression metrics, numpy for profiles.
- Traffic goes through the deployment's real endpoints and every answer is
  kept (request id from X-Keel-Request-Id, version from X-Keel-Model-Version,
  per-row predictions), so feedback and per-version metrics are built on what
  callers actually saw.
- The inference log is written in batches, so every read of a window first
  waits until the log holds the requests just sent (by id, or by count).
- Shapes the spec leaves open (the envelope around a profile, a rule's id key,
  where the delivery status sits) are read through small accessor helpers
  here, so aligning the tests with a final choice is a one-line change.
"""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import cloudpickle
import mlflow
import numpy as np
import pandas as pd
import requests
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression

import monitoring_models
from support import serving
from support.rest import assert_ok, describe, now_ms, unique_name
from support.servers import keel_binary

KEEL_API = "/api/2.0/keel"
FEEDBACK = f"{KEEL_API}/feedback"
ALERT_RULES = f"{KEEL_API}/alerts/rules"
ALERTS = f"{KEEL_API}/alerts"
FEATURES = ["x_0", "x_1", "x_2"]
INVALID = (400, ("INVALID_PARAMETER_VALUE",))
MISSING = (404, ("RESOURCE_DOES_NOT_EXIST",))
CLI_TIMEOUT_S = 180
WEBHOOK_TIMEOUT_S = 30.0      # every=1s, plus the drift computation and one delivery
SCORE_RTOL = 1e-9             # same engine, same rows: only summation order may differ


# ---------------------------------------------------------------------------
# Synthetic data

def feature_frame(n: int, seed: int, shifted: bool = False) -> pd.DataFrame:
    """`n` rows of the three features; `shifted` is the drifted population."""
    rng = np.random.default_rng(seed)
    x0 = rng.normal(0.0, 1.0, n)
    x1 = rng.normal(5.0, 2.0, n)
    x2 = rng.uniform(0.0, 10.0, n)
    if shifted:
        x0 = x0 + 2.5
        x1 = 5.0 + (x1 - 5.0) * 1.6
    return pd.DataFrame({"x_0": x0, "x_1": x1, "x_2": x2}).round(6)


# The calibrated model (version "calibrated") predicts exactly this probability,
# and labels are drawn from it: calibrated by construction.
CALIBRATED = {"weights": {"x_0": 1.8, "x_1": 0.6, "x_2": -0.1}, "bias": -2.5}
# A second version that disagrees with the first on many rows (canary comparisons).
WEAKER = {"weights": {"x_0": 0.4, "x_1": 1.0, "x_2": 0.4}, "bias": -7.0}


def probability_of(frame: pd.DataFrame, variant: dict = CALIBRATED) -> np.ndarray:
    logit = np.full(len(frame), variant["bias"])
    for column, weight in variant["weights"].items():
        logit = logit + weight * frame[column].to_numpy(dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-logit))


def true_probability(frame: pd.DataFrame) -> np.ndarray:
    """P(y = 1 | x) of the synthetic population."""
    return probability_of(frame, CALIBRATED)


def draw_labels(frame: pd.DataFrame, seed: int) -> list[int]:
    """Ground truth for `frame`: y ~ Bernoulli(true probability), seeded."""
    rng = np.random.default_rng(seed)
    return [int(v) for v in (rng.uniform(size=len(frame)) < true_probability(frame))]


def classifier_labels(frame: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return ((frame["x_0"] + 0.4 * (frame["x_1"] - 5.0) + rng.normal(0.0, 0.5, len(frame))) > 0).astype(int).to_numpy()


@lru_cache(maxsize=1)
def classifier() -> LogisticRegression:
    """Deterministic binary classifier on the features (scalar int predictions 0/1)."""
    frame = feature_frame(2000, seed=11)
    return LogisticRegression(max_iter=1000).fit(frame, classifier_labels(frame, seed=12))


def regression_target(frame: pd.DataFrame, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    y = 3.0 * frame["x_0"] + 0.5 * frame["x_1"] - 0.2 * frame["x_2"] + rng.normal(0.0, 1.0, len(frame))
    return [round(float(v), 6) for v in y]


@lru_cache(maxsize=1)
def regressor() -> LinearRegression:
    frame = feature_frame(1000, seed=21)
    return LinearRegression().fit(frame, regression_target(frame, seed=22))


def chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """`frame` cut into requests of `size` rows (the last may be shorter)."""
    return [frame.iloc[i:i + size].reset_index(drop=True) for i in range(0, len(frame), size)]


def classifier_reference(n: int = 500, seed: int = 1) -> pd.DataFrame:
    """Reference for the classifier deployments: features plus the model's own `prediction`."""
    frame = feature_frame(n, seed)
    return frame.assign(prediction=classifier().predict(frame).astype(int))


def probability_reference(n: int = 1000, seed: int = 31) -> pd.DataFrame:
    """Labelled reference for the probability model: features, prediction, probability, target."""
    frame = feature_frame(n, seed)
    probability = true_probability(frame)
    return frame.assign(prediction=(probability >= 0.5).astype(int), probability=probability.round(9),
                        target=draw_labels(frame, seed + 1))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


# ---------------------------------------------------------------------------
# Registering models

def _experiment(tracking_uri: str, prefix: str) -> str:
    mlflow.set_tracking_uri(tracking_uri)
    return MlflowClient(tracking_uri).create_experiment(unique_name(prefix))


def register_sklearn(tracking_uri: str, model, prefix: str) -> serving.RegisteredModel:
    """Log `model` (fitted on FEATURES) as version 1 of a fresh registered model."""
    name = unique_name(prefix)
    frame = feature_frame(20, seed=99)
    with mlflow.start_run(experiment_id=_experiment(tracking_uri, prefix)):
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name,
                                        signature=infer_signature(frame, model.predict(frame)),
                                        pip_requirements=["mlflow", "scikit-learn"])
    return serving.RegisteredModel(name=name, versions={"sklearn": str(info.registered_model_version)})


def register_probability_models(tracking_uri: str, variants: dict[str, dict]) -> serving.RegisteredModel:
    """One pyfunc ProbabilityModel version per variant (in order) under a fresh name."""
    cloudpickle.register_pickle_by_value(monitoring_models)
    name = unique_name("proba")
    frame = feature_frame(20, seed=98)
    experiment_id = _experiment(tracking_uri, "proba")
    versions = {}
    for kind, variant in variants.items():
        python_model = monitoring_models.ProbabilityModel(variant["weights"], variant["bias"])
        with mlflow.start_run(experiment_id=experiment_id):
            info = mlflow.pyfunc.log_model(
                name="model", python_model=python_model, registered_model_name=name,
                signature=infer_signature(frame, python_model.predict(None, frame)),
                pip_requirements=["mlflow", "numpy", "pandas"])
        versions[kind] = str(info.registered_model_version)
    return serving.RegisteredModel(name=name, versions=versions)


def artifact_store_source(uri: str):
    """A dataset source for a URI inside the artifact store (`runs:/…`, `mlflow-artifacts:/…`).

    mlflow.data.from_pandas(source="runs:/…") raises ("Could not find a source
    information resolver"): mlflow deliberately registers no resolver for the
    `runs` and `mlflow-artifacts` schemes. This builds the source class mlflow
    generates for every other artifact scheme, so the run records
    source_type=<scheme> and source={"uri": "<uri>"} — the same shape as the
    `local` and `s3` sources mlflow records for plain paths and s3:// URIs.
    """
    from mlflow.data.artifact_dataset_sources import _create_dataset_source_for_artifact_repo

    scheme = uri.split(":", 1)[0]
    class_name = "".join(part.capitalize() for part in scheme.split("-")) + "ArtifactDatasetSource"
    return _create_dataset_source_for_artifact_repo(scheme=scheme, dataset_source_name=class_name)(uri)


@dataclass
class LineageModel:
    model: serving.RegisteredModel
    training_uri: str           # where the training dataset's source points
    training_rows: int
    evaluation_rows: int


def register_with_training_data(tracking_uri: str, training: pd.DataFrame, where: str,
                                local_dir: Path) -> LineageModel:
    """Register the classifier from a run that logged its data sets as inputs.

    `where`: `runs` (source `runs:/<run>/data/train.csv`), `mlflow-artifacts`
    (the run's own `mlflow-artifacts:/…/artifacts/data/train.csv`) or `local`
    (a file on this machine; from_pandas(source=<path>) records
    source_type=local, {"uri": "<path>"}). An `evaluation` data set is logged
    first, so "training first" is what picks the training one.
    """
    name = unique_name(f"lineage-{where}")
    evaluation = training.head(40)
    local_dir.mkdir(parents=True, exist_ok=True)
    train_csv = write_csv(training, local_dir / "train.csv")
    eval_csv = write_csv(evaluation, local_dir / "evaluation.csv")
    model = classifier()
    features = training[FEATURES]
    with mlflow.start_run(experiment_id=_experiment(tracking_uri, "lineage")) as run:
        if where == "local":
            train_source, eval_source = str(train_csv), str(eval_csv)
            training_uri = str(train_csv)
        else:
            mlflow.log_artifact(str(train_csv), artifact_path="data")
            mlflow.log_artifact(str(eval_csv), artifact_path="data")
            if where == "runs":
                base = f"runs:/{run.info.run_id}"
            else:
                base = run.info.artifact_uri
                if not base.startswith("mlflow-artifacts:"):
                    raise AssertionError(f"the run's artifact_uri is {base!r}, not an mlflow-artifacts: URI")
            training_uri = f"{base}/data/train.csv"
            train_source = artifact_store_source(training_uri)
            eval_source = artifact_store_source(f"{base}/data/evaluation.csv")
        mlflow.log_input(mlflow.data.from_pandas(evaluation, source=eval_source, name="evaluation"),
                         context="evaluation")
        mlflow.log_input(mlflow.data.from_pandas(training, source=train_source, name="training",
                                                 targets="target" if "target" in training else None),
                         context="training")
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name,
                                        signature=infer_signature(features, model.predict(features)),
                                        pip_requirements=["mlflow", "scikit-learn"])
    return LineageModel(model=serving.RegisteredModel(name=name, versions={"sklearn": str(info.registered_model_version)}),
                        training_uri=training_uri, training_rows=len(training), evaluation_rows=len(evaluation))


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
# Drift comparisons

def current_frame(sent: list[Sent], prediction_field: str | None = None, with_prediction: bool = True) -> pd.DataFrame:
    """The rows of `sent` as the monitor sees them: features, plus each row's prediction."""
    parts = []
    for item in sent:
        part = item.rows.copy()
        if with_prediction:
            part["prediction"] = item.prediction_values(prediction_field)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def keel_drift_json(reference: Path, current: Path, *args: str) -> dict:
    """`keel drift --json REF CUR [args]` (the offline command on the same engine)."""
    result = subprocess.run([str(keel_binary()), "drift", str(reference), str(current), *args, "--json"],
                            capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False)
    assert result.returncode == 0, f"keel drift exited {result.returncode}: {result.stderr[-600:]}"
    return json.loads(result.stdout)


def drift_via_cli(reference: pd.DataFrame, current: pd.DataFrame, *args: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="keel-drift-") as tmp:
        ref = write_csv(reference, Path(tmp) / "reference.csv")
        cur = write_csv(current, Path(tmp) / "current.csv")
        return keel_drift_json(ref, cur, *args)


def _same_number(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=SCORE_RTOL, abs_tol=1e-300) or (math.isnan(a) and math.isnan(b))
    return a == b


def assert_same_drift(actual: dict, expected: dict, what: str) -> None:
    """Server drift == `keel drift --json` (columns by name, every field; the dataset verdict)."""
    mine = {c["column"]: c for c in actual["columns"]}
    theirs = {c["column"]: c for c in expected["columns"]}
    assert sorted(mine) == sorted(theirs), f"{what}: columns {sorted(mine)} != keel drift's {sorted(theirs)}"
    for name, expected_column in theirs.items():
        for key, value in expected_column.items():
            assert key in mine[name] and _same_number(mine[name][key], value), (
                f"{what}: column {name!r} {key}: server {mine[name].get(key)!r} != keel drift {value!r}\n"
                f"  server: {mine[name]}\n  keel drift: {expected_column}")
    for key, value in expected["dataset"].items():
        assert _same_number(actual["dataset"].get(key), value), (
            f"{what}: dataset {key}: server {actual['dataset'].get(key)!r} != keel drift {value!r}\n"
            f"  server: {actual['dataset']}\n  keel drift: {expected['dataset']}")


def drift_scores(drift: dict) -> dict:
    """column -> (stattest, score, detected, current_count): what must not depend on the protocol."""
    return {c["column"]: (c["stattest"], c["drift_score"], c["drift_detected"], c["current_count"])
            for c in drift["columns"]}


# ---------------------------------------------------------------------------
# Feedback and performance

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


def classification_metrics(y_true, y_pred, probability=None, positive=1) -> dict:
    expected = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "precision": skm.precision_score(y_true, y_pred, pos_label=positive),
        "recall": skm.recall_score(y_true, y_pred, pos_label=positive),
        "f1": skm.f1_score(y_true, y_pred, pos_label=positive),
    }
    if probability is not None:
        expected["roc_auc"] = skm.roc_auc_score([int(v == positive) for v in y_true], probability)
    return expected


def regression_metrics(y_true, y_pred) -> dict:
    return {"mae": skm.mean_absolute_error(y_true, y_pred),
            "rmse": skm.root_mean_squared_error(y_true, y_pred),
            "r2": skm.r2_score(y_true, y_pred)}


def assert_metrics(actual: dict | None, expected: dict, what: str, rel: float = 1e-9) -> None:
    assert isinstance(actual, dict), f"{what}: no metrics object: {actual!r}"
    for key, value in expected.items():
        got = actual.get(key)
        assert isinstance(got, (int, float)) and math.isclose(got, value, rel_tol=rel, abs_tol=1e-12), (
            f"{what}: {key} = {got!r}, scikit-learn says {value!r} (all: {actual})")


def version_entry(performance: dict, version: str) -> dict:
    found = [v for v in performance["versions"] if str(v.get("version")) == str(version)]
    assert len(found) == 1, f"expected one entry for version {version}: {performance['versions']!r}"
    return found[0]


def no_metrics(entry: dict) -> bool:
    """Nothing measured: `metrics` absent, null or empty."""
    return not entry.get("metrics")


# ---------------------------------------------------------------------------
# The command line

def keel_monitor(server_url: str, *args: str, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess:
    """`keel monitor <args> --server URL` (never raises on a non-zero exit)."""
    return subprocess.run([str(keel_binary()), "monitor", *args, "--server", server_url],
                          capture_output=True, text=True, timeout=timeout, check=False)


def keel_monitor_json(server_url: str, *args: str):
    """`keel monitor <args> --server URL --json`: exit 0 and JSON on stdout."""
    result = keel_monitor(server_url, *args, "--json")
    assert result.returncode == 0, (f"keel monitor {' '.join(args)} --json exited {result.returncode}: "
                                    f"stdout={result.stdout[-600:]!r} stderr={result.stderr[-600:]!r}")
    try:
        return json.loads(result.stdout)
    except ValueError as error:
        raise AssertionError(f"keel monitor {' '.join(args)} --json printed non-JSON: {result.stdout[-600:]!r}") from error


def assert_self_contained_html(page: str, what: str) -> None:
    """No external resource: nothing loaded over http(s), no scripts from elsewhere; charts as inline SVG."""
    import re

    assert "<svg" in page, f"{what}: no inline <svg> chart"
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", page, flags=re.IGNORECASE)
    assert not external, f"{what}: references external resources: {external[:5]}"
    imports = re.findall(r"""@import|url\(\s*["']?\s*(?:https?:)?//""", page, flags=re.IGNORECASE)
    assert not imports, f"{what}: CSS loads external resources: {imports[:5]}"
