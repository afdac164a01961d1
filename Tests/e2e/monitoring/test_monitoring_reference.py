"""Reference data: uploaded as CSV or JSON Lines, or taken from the served version's lineage.

Why: every drift number is relative to the reference, so what the server
stored must be exactly what was sent (kept byte for byte in the artifact
store) and its profile must be the statistics a user would compute with
numpy on the same file: counts and missing values per column, min/max/mean/
std, quantiles with numpy's default `linear` method, a 10-bin histogram whose
counts are numpy's, and the 20 most frequent categories. Lineage must follow
the served version's run to its *training* dataset when that dataset lives in
Keel's artifact store, and refuse anything else (a local path on the server's
machine above all) with a message that says to upload a reference instead. A
refused upload must leave the previous reference as it was.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import monitoring_api as api
import monitoring_data as data
from support.rest import assert_error, assert_ok, describe, now_ms, unique_name

pytestmark = pytest.mark.keel_only

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def profile_frame() -> pd.DataFrame:
    """330 rows: `age` floats with 8 missing, `score` ints 0..100, `plan` 25 categories + 5 missing.

    Category c{i:02d} occurs i times, so the 20 most frequent are c25 … c06
    with no ties, and c01 … c05 must be left out.
    """
    rng = np.random.default_rng(5)
    n = 330
    age = rng.normal(40.0, 12.0, n).round(6)
    age[rng.choice(n, 8, replace=False)] = np.nan
    plan = [f"c{i:02d}" for i in range(1, 26) for _ in range(i)] + [None] * 5
    rng.shuffle(plan)
    frame = pd.DataFrame({"age": age, "score": rng.integers(0, 101, n), "plan": plan})
    present = frame["age"].dropna().to_numpy()
    _, edges = np.histogram(present, bins=10)
    gap = np.min(np.abs(present[:, None] - edges[None, 1:-1]))
    assert gap > 1e-6, "test data: a value sits on a histogram edge, pick another seed"
    return frame


def jsonl_bytes(frame: pd.DataFrame) -> bytes:
    lines = []
    for record in frame.to_dict(orient="records"):
        clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()}
        lines.append(json.dumps({k: (int(v) if isinstance(v, np.integer) else v) for k, v in clean.items()}))
    return ("\n".join(lines) + "\n").encode()


def column(profile: dict, name: str) -> dict:
    found = [c for c in profile["columns"] if c.get("name") == name]
    assert len(found) == 1, f"profile has no single column {name!r}: {[c.get('name') for c in profile['columns']]}"
    return found[0]


def close(a, b, rel: float = 1e-9) -> bool:
    return isinstance(a, (int, float)) and math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def assert_numeric_column(profile: dict, frame: pd.DataFrame, name: str, exact_histogram: bool) -> None:
    got = column(profile, name)
    series = frame[name]
    present = series.dropna().to_numpy(dtype=np.float64)
    where = f"column {name}: {json.dumps(got)[:800]}"
    assert got["kind"] == "num", where
    assert got["count"] == len(series), f"count is every row, missing included ({len(series)}): {where}"
    assert got["missing"] == int(series.isna().sum()), where
    assert got["min"] == present.min() and got["max"] == present.max(), where
    assert close(got["mean"], present.mean()), where
    assert close(got["std"], present.std(ddof=1)) or close(got["std"], present.std(ddof=0)), where
    quantiles = got["quantiles"]
    assert sorted(quantiles) == sorted(str(q) for q in QUANTILES), where
    for q in QUANTILES:
        expected = float(np.quantile(present, q, method="linear"))
        assert close(quantiles[str(q)], expected), f"quantile {q}: {quantiles[str(q)]} != numpy {expected}; {where}"
    histogram = got["histogram"]
    assert len(histogram["counts"]) == 10 and len(histogram["edges"]) == 11, where
    assert sum(histogram["counts"]) == len(present), f"histogram counts sum to {sum(histogram['counts'])}: {where}"
    counts, edges = np.histogram(present, bins=10)
    assert close(histogram["edges"][0], edges[0]) and close(histogram["edges"][-1], edges[-1]), where
    if exact_histogram:
        assert histogram["counts"] == counts.tolist(), f"histogram {histogram['counts']} != numpy {counts.tolist()}"
        assert all(close(a, b) for a, b in zip(histogram["edges"], edges)), f"edges != numpy {edges.tolist()}"


def assert_profile(profile: dict, frame: pd.DataFrame, deployment: str, fmt: str, started_ms: int) -> None:
    assert profile["deployment"] == deployment and profile["source"] == "upload", profile
    assert profile["format"] == fmt and profile["rows"] == len(frame), {k: profile.get(k) for k in ("format", "rows")}
    assert started_ms - 1000 <= profile["created_at"] <= now_ms() + 1000, profile["created_at"]
    assert [c["name"] for c in profile["columns"]] == list(frame.columns), "columns in file order"
    assert_numeric_column(profile, frame, "age", exact_histogram=True)
    assert_numeric_column(profile, frame, "score", exact_histogram=False)  # ints sit on edges: only the sum
    plan = column(profile, "plan")
    assert plan["kind"] == "cat" and plan["count"] == len(frame) and plan["missing"] == 5, plan
    expected_top = [{"value": f"c{i:02d}", "count": i} for i in range(25, 5, -1)]
    assert [{"value": t["value"], "count": t["count"]} for t in plan["top"]] == expected_top, plan["top"]


def stored_file(server, deployment: str, fmt: str):
    matches = [p for p in server.artifact_root.rglob(f"reference.{fmt}")
               if p.parts[-4:-1] == ("_keel", "monitoring", deployment)]
    assert len(matches) == 1, (f"expected _keel/monitoring/{deployment}/reference.{fmt} under the artifact root "
                               f"{server.artifact_root}, found {matches}")
    return matches[0]


@pytest.fixture(scope="module")
def ref_deployment(module_deployments, classifier_model) -> str:
    return module_deployments.create(f"{classifier_model.name}/{classifier_model.versions['sklearn']}")


# -- uploads ------------------------------------------------------------------------

def test_csv_upload_is_stored_and_profiled(server, monitor, ref_deployment):
    frame = profile_frame()
    body = data.csv_bytes(frame)
    started = now_ms()
    put = api.profile_of(assert_ok(monitor.put_reference(ref_deployment, body, "text/csv")))
    assert_profile(put, frame, ref_deployment, "csv", started)
    got = monitor.reference(ref_deployment)
    assert got == put, f"GET answers another profile than PUT:\n  PUT {put}\n  GET {got}"
    assert stored_file(server, ref_deployment, "csv").read_bytes() == body, "the stored file differs from the upload"


def test_jsonl_upload_is_profiled_like_the_csv(server, monitor, ref_deployment):
    frame = profile_frame()
    body = jsonl_bytes(frame)
    started = now_ms()
    put = api.profile_of(assert_ok(monitor.put_reference(ref_deployment, body, "application/x-ndjson")))
    assert_profile(put, frame, ref_deployment, "jsonl", started)
    assert monitor.reference(ref_deployment)["format"] == "jsonl"
    assert stored_file(server, ref_deployment, "jsonl").read_bytes() == body


BAD_UPLOADS = {
    "ragged-csv": (b"a,b\n1,2\n3,4,5\n", "text/csv"),
    "empty-csv": (b"", "text/csv"),
    "header-only-csv": (b"a,b\n", "text/csv"),
    "unterminated-quote-csv": (b'a,b\n1,"two\n', "text/csv"),
    "invalid-jsonl": (b'{"a": 1}\n{"a": \n', "application/x-ndjson"),
    "jsonl-not-objects": (b"[1, 2]\n[3, 4]\n", "application/x-ndjson"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_upload_is_400_and_keeps_the_previous_reference(monitor, ref_deployment, case):
    frame = data.feature_frame(50, seed=3)
    before = monitor.upload_reference(ref_deployment, frame)
    body, content_type = BAD_UPLOADS[case]
    assert_error(monitor.put_reference(ref_deployment, body, content_type), *api.INVALID)
    after = monitor.reference(ref_deployment)
    assert after == before, f"a refused upload changed the reference:\n  before {before}\n  after {after}"


def test_unknown_deployment_is_404(monitor):
    absent = unique_name("absent")
    body = data.csv_bytes(data.feature_frame(10, seed=3))
    assert_error(monitor.put_reference(absent, body), *api.MISSING)
    assert_error(monitor.get_reference(absent), *api.MISSING)
    assert_error(monitor.from_lineage(absent), *api.MISSING)


def test_deployment_without_reference_is_404(monitor, bare_deployment):
    assert_error(monitor.get_reference(bare_deployment), *api.MISSING)


# -- lineage ------------------------------------------------------------------------

def training_frame() -> pd.DataFrame:
    frame = data.classifier_reference(300, seed=41)
    return frame.assign(target=data.classifier_labels(frame, seed=42))


@pytest.mark.parametrize("where", ["runs", "mlflow-artifacts"])
def test_from_lineage_takes_the_training_dataset(server, monitor, deployments, tmp_path, where):
    training = training_frame()
    lineage = data.register_with_training_data(server.url, training, where, tmp_path)
    name = deployments.create(f"{lineage.model.name}/{lineage.model.versions['sklearn']}")

    resp = monitor.from_lineage(name)
    profile = api.profile_of(assert_ok(resp))
    assert profile["rows"] == lineage.training_rows, (
        f"the reference has {profile['rows']} rows: the training dataset has {lineage.training_rows}, "
        f"the evaluation one {lineage.evaluation_rows} (context `training` comes first)")
    assert [c["name"] for c in profile["columns"]] == list(training.columns), profile["columns"]
    assert profile["format"] == "csv" and profile["deployment"] == name, profile
    assert profile["source"] != "upload", f"a lineage reference says where it came from: {profile['source']!r}"
    assert_numeric_column(profile, training, "x_0", exact_histogram=False)
    assert monitor.reference(name) == profile


def test_from_lineage_refuses_a_local_path(server, monitor, deployments, tmp_path):
    """The dataset file exists on the server's machine: reading it would still escape the artifact store."""
    lineage = data.register_with_training_data(server.url, training_frame(), "local", tmp_path)
    name = deployments.create(f"{lineage.model.name}/{lineage.model.versions['sklearn']}")
    error = assert_error(monitor.from_lineage(name), *api.INVALID)
    assert "upload" in error["message"].lower(), f"the refusal should say to upload a reference: {error}"
    assert_error(monitor.get_reference(name), *api.MISSING)


def test_from_lineage_without_a_dataset_is_refused(monitor, bare_deployment):
    resp = monitor.from_lineage(bare_deployment)
    error = assert_error(resp, *api.INVALID)
    assert "upload" in error["message"].lower(), f"the refusal should say to upload a reference: {describe(resp)}"
    assert_error(monitor.get_reference(bare_deployment), *api.MISSING)
