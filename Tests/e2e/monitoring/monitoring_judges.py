"""Judges for the monitoring end-to-end tests: what the server's answers must equal.

What is here: drift compared with `keel drift --json` on the same rows
written to CSV, classification and regression metrics from scikit-learn, the
`keel monitor` command-line runners, and the check that an HTML report is
self-contained.

Why these judges: expected numbers are computed from what the server
answered (the rows sent, the predictions in the answers, the labels sent
back) with the tools people trust: `keel drift --json` (the same engine,
already checked against Evidently, so scores must agree to SCORE_RTOL),
scikit-learn for metrics. Keeping them apart from the REST helpers keeps
"what we asked" and "what it should be" from leaking into each other.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
from sklearn import metrics as skm

from monitoring_api import Sent
from monitoring_data import write_csv
from support.servers import keel_binary

CLI_TIMEOUT_S = 180
SCORE_RTOL = 1e-9             # same engine, same rows: only summation order may differ


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


def same_number(a, b) -> bool:
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
            assert key in mine[name] and same_number(mine[name][key], value), (
                f"{what}: column {name!r} {key}: server {mine[name].get(key)!r} != keel drift {value!r}\n"
                f"  server: {mine[name]}\n  keel drift: {expected_column}")
    for key, value in expected["dataset"].items():
        assert same_number(actual["dataset"].get(key), value), (
            f"{what}: dataset {key}: server {actual['dataset'].get(key)!r} != keel drift {value!r}\n"
            f"  server: {actual['dataset']}\n  keel drift: {expected['dataset']}")


def drift_scores(drift: dict) -> dict:
    """column -> (stattest, score, detected, current_count): what must not depend on the protocol."""
    return {c["column"]: (c["stattest"], c["drift_score"], c["drift_detected"], c["current_count"])
            for c in drift["columns"]}


# ---------------------------------------------------------------------------
# Performance metrics

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
    assert "<svg" in page, f"{what}: no inline <svg> chart"
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", page, flags=re.IGNORECASE)
    assert not external, f"{what}: references external resources: {external[:5]}"
    imports = re.findall(r"""@import|url\(\s*["']?\s*(?:https?:)?//""", page, flags=re.IGNORECASE)
    assert not imports, f"{what}: CSS loads external resources: {imports[:5]}"
