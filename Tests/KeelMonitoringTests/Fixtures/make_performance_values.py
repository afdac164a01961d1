#!/usr/bin/env python3
"""Generate the reference values Keel's performance metrics must reproduce.

Run it with the dedicated NannyML virtualenv (never with the project's .venv):

    python3.11 -m venv .venv-nannyml
    .venv-nannyml/bin/pip install "nannyml==0.13.1" statsmodels "pandas<3"
    .venv-nannyml/bin/python Tests/KeelMonitoringTests/Fixtures/make_performance_values.py

(nannyml 0.13.1 imports statsmodels without declaring it, and is not tested on
pandas 3.) It writes ``performance_values.json`` next to this file, with:

* ``classification`` -- realized accuracy / precision / recall / F1 / ROC-AUC from
  scikit-learn (``accuracy_score``, ``precision_score``, ``recall_score``,
  ``f1_score`` with ``zero_division=np.nan``, ``roc_auc_score``), positive label
  against the rest;
* ``regression`` -- ``mean_absolute_error``, ``root_mean_squared_error``,
  ``r2_score``;
* ``isotonic`` -- ``IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1,
  increasing=True)``: its thresholds and its predictions on query points;
* ``cbpe_functions`` -- NannyML's ``estimate_accuracy`` / ``estimate_precision``
  / ``estimate_recall`` / ``estimate_f1`` / ``estimate_roc_auc`` called directly on
  given calibrated probabilities, including zero-denominator cases;
* ``cbpe`` -- NannyML's ``CBPE`` estimator end to end (fit on a labelled
  reference, estimate on an unlabelled analysis set, one chunk), with whether it
  decided to calibrate and sklearn's calibrated analysis probabilities.

A metric Keel leaves out (zero denominator, one class, constant labels) is
written as ``null``; where sklearn or NannyML answer something else in that case
(0, 1, NaN) it is kept under ``library`` for the record.

The script also re-derives NannyML's CBPE numbers with a plain transcription of
the formulas in ``docs/performance-estimation.md`` (``spec_*`` below) and fails
if they disagree by more than 1e-12 relative, so that document stays honest.

Every float is written with Python's ``repr`` (shortest round-trip form); all
samples come from ``numpy.random.default_rng(seed)`` with a fixed seed.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)

# NannyML posts usage statistics to segment.io unless this is set before it is imported.
os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"

import nannyml  # noqa: E402
from nannyml.performance_estimation.confidence_based import CBPE  # noqa: E402
from nannyml.performance_estimation.confidence_based.metrics import (  # noqa: E402
    estimate_accuracy,
    estimate_f1,
    estimate_precision,
    estimate_recall,
    estimate_roc_auc,
)

HERE = Path(__file__).resolve().parent
REL_TOL = 1e-12

if nannyml.__version__ != "0.13.1":
    sys.exit(f"expected nannyml 0.13.1, found {nannyml.__version__}")

warnings.filterwarnings("ignore")


# --------------------------------------------------------------------------------------
# JSON helpers
# --------------------------------------------------------------------------------------


def jf(x):
    """A float for JSON, or None for NaN (a metric that cannot be computed)."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def floats(values):
    return [float(v) for v in values]


def _dump(obj, level: int = 0) -> str:
    """Indented JSON, except that lists of scalars stay on one line (keeps the file small)."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {_dump(v, level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        items = [f"{inner}{_dump(v, level + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(",", ":") if isinstance(obj, list) else None)


def close(a, b, tol=REL_TOL) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300)


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"check failed: {message}")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------------------
# Realized classification metrics (sklearn)
# --------------------------------------------------------------------------------------


def classification_case(name, labels, predictions, positive, scores=None, note=""):
    labels = [str(v) for v in labels]
    predictions = [str(v) for v in predictions]
    y = np.asarray(labels) == positive
    p = np.asarray(predictions) == positive
    library = {
        "accuracy": accuracy_score(labels, predictions),
        "precision": precision_score(y, p, zero_division=np.nan),
        "recall": recall_score(y, p, zero_division=np.nan),
        "f1": f1_score(y, p, zero_division=np.nan),
        "roc_auc": roc_auc_score(y, scores) if scores is not None else float("nan"),
    }
    expected = {key: jf(value) for key, value in library.items()}
    return {
        "name": name,
        "note": note,
        "positive_label": positive,
        "labels": labels,
        "predictions": predictions,
        "scores": None if scores is None else floats(scores),
        "expected": expected,
    }


def classification_cases():
    cases = []
    rng = np.random.default_rng(101)
    n = 300
    q = rng.random(n)
    y = (rng.random(n) < q).astype(int)
    cases.append(classification_case(
        "binary_continuous_scores", y, (q >= 0.5).astype(int), "1", q,
        "300 rows, labels 0/1 drawn from the score, threshold 0.5",
    ))

    rng = np.random.default_rng(102)
    n = 400
    q = np.round(rng.random(n), 1)  # 11 distinct scores: heavy ties
    y = (rng.random(n) < q).astype(int)
    cases.append(classification_case(
        "binary_tied_scores", y, (q >= 0.6).astype(int), "1", q,
        "400 rows, scores rounded to one decimal (ties inside both classes)",
    ))

    rng = np.random.default_rng(103)
    n = 250
    q = np.round(rng.beta(2, 3, n), 3)
    outcome = rng.random(n) < q
    labels = np.where(outcome, "yes", "no")
    predictions = np.where(q >= 0.4, "yes", "no")
    cases.append(classification_case(
        "text_labels", labels, predictions, "yes", q, "labels yes/no, positive 'yes'",
    ))

    rng = np.random.default_rng(104)
    n = 300
    classes = np.array(["bird", "cat", "dog"])
    truth = rng.choice(classes, n, p=[0.2, 0.3, 0.5])
    right = rng.random(n) < 0.7
    predictions = np.where(right, truth, rng.choice(classes, n))
    q = np.round(np.clip(np.where(truth == "dog", 0.65, 0.35) + rng.normal(0, 0.2, n), 0, 1), 2)
    cases.append(classification_case(
        "multiclass_accuracy", truth, predictions, "dog", q,
        "three classes: accuracy over all, the rest about 'dog' against the others",
    ))

    rng = np.random.default_rng(105)
    n = 200
    q = rng.random(n)
    cases.append(classification_case(
        "single_class", np.ones(n, dtype=int), (q >= 0.3).astype(int), "1", q,
        "every label positive: ROC-AUC cannot be computed",
    ))

    rng = np.random.default_rng(106)
    n = 200
    y = rng.integers(0, 2, n)
    cases.append(classification_case(
        "nothing_predicted_positive", y, np.zeros(n, dtype=int), "1", None,
        "precision has no denominator; recall and F1 are 0; no scores",
    ))

    rng = np.random.default_rng(107)
    n = 150
    cases.append(classification_case(
        "no_positive_anywhere", np.zeros(n, dtype=int), np.zeros(n, dtype=int), "1", np.round(rng.random(n), 2),
        "neither labels nor predictions positive: precision, recall, F1 and ROC-AUC left out",
    ))

    cases.append(classification_case(
        "all_scores_tied", [0, 1, 1, 0, 1, 0, 0, 1], [0, 1, 0, 0, 1, 1, 0, 1], "1", [0.5] * 8,
        "one distinct score: ROC-AUC 0.5",
    ))
    return cases


# --------------------------------------------------------------------------------------
# Regression metrics (sklearn)
# --------------------------------------------------------------------------------------


def regression_case(name, labels, predictions, note="", keel_omits_r2=False):
    labels = np.asarray(labels, dtype=float)
    predictions = np.asarray(predictions, dtype=float)
    r2 = r2_score(labels, predictions)
    case = {
        "name": name,
        "note": note,
        "labels": floats(labels),
        "predictions": floats(predictions),
        "expected": {
            "mae": jf(mean_absolute_error(labels, predictions)),
            "rmse": jf(root_mean_squared_error(labels, predictions)),
            "r2": None if keel_omits_r2 else jf(r2),
        },
    }
    if keel_omits_r2:
        case["library"] = {"r2": None if math.isnan(r2) else float(r2)}
    return case


def regression_cases():
    cases = []
    rng = np.random.default_rng(201)
    x = rng.normal(0, 1, 300)
    labels = 3 * x + rng.normal(0, 1, 300)
    cases.append(regression_case("linear_noise", labels, 3 * x + 0.2, "300 rows"))

    rng = np.random.default_rng(202)
    labels = 1e6 + rng.normal(0, 5, 300)
    cases.append(regression_case(
        "large_offset", labels, labels + rng.normal(0, 2, 300), "labels around 1e6 (cancellation in R²)",
    ))

    rng = np.random.default_rng(203)
    labels = np.round(rng.normal(10, 2, 200), 1)
    cases.append(regression_case("perfect", labels, labels, "predictions equal labels: R² 1, errors 0"))

    rng = np.random.default_rng(204)
    cases.append(regression_case(
        "constant_labels", np.full(250, 3.7), 3.7 + rng.normal(0, 0.5, 250),
        "constant labels: sklearn answers R² 0 by convention, Keel leaves it out", keel_omits_r2=True,
    ))
    cases.append(regression_case(
        "single_row", [2.5], [3.0], "one row: sklearn answers R² NaN", keel_omits_r2=True,
    ))
    return cases


# --------------------------------------------------------------------------------------
# Isotonic calibration (sklearn)
# --------------------------------------------------------------------------------------


def isotonic_case(name, scores, outcomes, queries, note=""):
    scores = np.asarray(scores, dtype=float)
    outcomes = np.asarray(outcomes, dtype=bool)
    model = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1, increasing=True)
    model.fit(scores, outcomes.astype(float))
    queries = np.asarray(queries, dtype=float)
    return {
        "name": name,
        "note": note,
        "scores": floats(scores),
        "outcomes": [bool(v) for v in outcomes],
        "queries": floats(queries),
        "expected": {
            "thresholds": floats(model.X_thresholds_),
            "probabilities": floats(model.y_thresholds_),
            "predictions": floats(model.predict(queries)),
        },
    }


def isotonic_cases():
    cases = []
    rng = np.random.default_rng(301)
    n = 400
    scores = np.round(rng.random(n), 2)  # ties
    outcomes = rng.random(n) < scores ** 2
    grid = np.linspace(-0.2, 1.2, 141)
    queries = np.concatenate([grid, np.unique(scores), rng.random(60)])
    cases.append(isotonic_case(
        "tied_scores", scores, outcomes, queries,
        "400 rows, scores rounded to 2 decimals; queries outside the range, on thresholds and between",
    ))

    rng = np.random.default_rng(302)
    n = 300
    scores = rng.normal(0, 2, n)
    outcomes = rng.random(n) < sigmoid(scores)
    queries = np.concatenate([np.linspace(-8, 8, 161), scores[:50]])
    cases.append(isotonic_case("continuous_scores", scores, outcomes, queries, "unbounded scores (logits)"))

    base = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    near = np.nextafter(base, 1.0)  # less than 1e-15 above: merged by sklearn's _make_unique
    scores = np.concatenate([base, near, [0.3 + 2e-15, 0.6, 0.6]])
    outcomes = [False, True, False, True, False, True, True, False, True, True, True, False, True]
    cases.append(isotonic_case(
        "near_ties", scores, outcomes, np.concatenate([scores, [0.25, 0.3 + 1e-15, 0.55, 0.7]]),
        "scores one ulp apart merge; 2e-15 apart stay distinct",
    ))

    cases.append(isotonic_case(
        "one_score", [0.4] * 6, [True, False, False, True, True, True], [0.0, 0.4, 1.0],
        "a single distinct score: a constant",
    ))

    rng = np.random.default_rng(305)
    scores = np.round(rng.random(120), 2)
    cases.append(isotonic_case(
        "one_class", scores, np.zeros(120, dtype=bool), [0.0, 0.5, 1.0], "every outcome negative: 0 everywhere",
    ))

    cases.append(isotonic_case(
        "decreasing", [1, 2, 3, 4, 5, 6], [True, True, False, True, False, False], [0, 1, 2.5, 3.5, 6, 7],
        "outcomes fall as scores rise: everything pools into one block",
    ))
    return cases


# --------------------------------------------------------------------------------------
# CBPE: a plain transcription of docs/performance-estimation.md
# --------------------------------------------------------------------------------------


def spec_confusion(p, predicted):
    tp = sum(pi for pi, d in zip(p, predicted) if d)
    fp = sum(1 - pi for pi, d in zip(p, predicted) if d)
    fn = sum(pi for pi, d in zip(p, predicted) if not d)
    tn = sum(1 - pi for pi, d in zip(p, predicted) if not d)
    return tp, fp, fn, tn


def spec_estimates(p, predicted, ranking):
    tp, fp, fn, tn = spec_confusion(p, predicted)
    out = {
        "accuracy": (tp + tn) / len(p),
        "precision": tp / (tp + fp) if tp + fp != 0 else None,
        "recall": tp / (tp + fn) if tp + fn != 0 else None,
        "f1": tp / (tp + 0.5 * (fp + fn)) if tp + 0.5 * (fp + fn) != 0 else None,
    }
    order = sorted(range(len(p)), key=lambda i: -ranking[i])
    tps, fps, running = [0.0], [0.0], 0.0
    for rank, row in enumerate(order):
        running += p[row]
        tps.append(round(running * 1e5) / 1e5)  # Python's round is half to even, like np.rint
        fps.append(round((1 + rank - running) * 1e5) / 1e5)
    if tps[-1] == 0 or fps[-1] == 0:
        out["roc_auc"] = None
    else:
        x = [v / fps[-1] for v in fps]
        y = [v / tps[-1] for v in tps]
        out["roc_auc"] = sum((x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0 for i in range(1, len(x)))
    return out


def nannyml_functions(p, predicted, ranking):
    """NannyML's estimate_* functions; their 0 for a zero denominator becomes None (Keel's rule)."""
    p = np.asarray(p, dtype=float)
    d = np.asarray(predicted, dtype=int)
    raw = {
        "accuracy": estimate_accuracy(d, p),
        "precision": estimate_precision(d, p),
        "recall": estimate_recall(d, p),
        "f1": estimate_f1(d, p),
        "roc_auc": estimate_roc_auc(p, np.asarray(ranking, dtype=float)),
    }
    tp, fp, fn, _ = spec_confusion(p, d)
    expected = {key: jf(value) for key, value in raw.items()}
    if tp + fp == 0:
        expected["precision"] = None
    if tp + fn == 0:
        expected["recall"] = None
    if tp + 0.5 * (fp + fn) == 0:
        expected["f1"] = None
    return raw, expected


def compare_with_spec(name, expected, p, predicted, ranking):
    spec = spec_estimates(list(map(float, p)), list(map(bool, predicted)), list(map(float, ranking)))
    for key, value in expected.items():
        check(close(value, spec[key]), f"{name}: {key} NannyML {value} vs spec {spec[key]}")


def cbpe_function_case(name, p, predicted, ranking=None, note=""):
    ranking = p if ranking is None else ranking
    raw, expected = nannyml_functions(p, predicted, ranking)
    compare_with_spec(name, expected, p, predicted, ranking)
    return {
        "name": name,
        "note": note,
        "probabilities": floats(p),
        "predicted_positive": [bool(v) for v in predicted],
        "ranking_scores": floats(ranking),
        "expected": expected,
        "library": {key: jf(value) for key, value in raw.items()},
    }


def cbpe_function_cases():
    cases = []
    rng = np.random.default_rng(401)
    p = rng.beta(2, 2, 300)
    cases.append(cbpe_function_case("continuous", p, p >= 0.5, note="300 rows, predicted positive at 0.5"))

    rng = np.random.default_rng(402)
    raw = np.round(rng.random(400), 2)
    p = np.round(raw ** 1.5, 6)  # the same probability for the same score, as a calibration gives
    cases.append(cbpe_function_case(
        "tied_scores", p, raw >= 0.45, raw, "ranking scores rounded to 2 decimals: ties with equal probabilities",
    ))

    rng = np.random.default_rng(403)
    p = rng.random(200)
    cases.append(cbpe_function_case(
        "nothing_predicted_positive", p, np.zeros(200, dtype=bool),
        note="NannyML answers precision 0; Keel leaves it out",
    ))
    cases.append(cbpe_function_case(
        "all_probabilities_zero", np.zeros(50), np.arange(50) % 2 == 0,
        note="no expected positive: recall and ROC-AUC left out, precision and F1 are 0",
    ))
    cases.append(cbpe_function_case(
        "all_probabilities_one", np.ones(40), np.arange(40) % 3 == 0,
        note="no expected negative: ROC-AUC left out",
    ))
    return cases


# --------------------------------------------------------------------------------------
# CBPE end to end (NannyML's estimator, with its calibration)
# --------------------------------------------------------------------------------------


def synthetic(rng, n, shift, distort, decimals=None):
    """Rows whose true positive probability is sigmoid(x); the model's score distorts it."""
    x = rng.normal(shift, 1.5, n)
    truth = sigmoid(x)
    target = (rng.random(n) < truth).astype(int)
    score = distort(truth)
    if decimals is not None:
        score = np.round(score, decimals)
    return pd.DataFrame({"score": score, "prediction": (score >= 0.5).astype(int), "target": target})


def cbpe_case(name, seed, distort, decimals=None, note="", must_calibrate=None):
    rng = np.random.default_rng(seed)
    reference = synthetic(rng, 600, 0.0, distort, decimals)
    analysis = synthetic(rng, 500, 0.6, distort, decimals)
    metrics = ["roc_auc", "accuracy", "precision", "recall", "f1"]
    estimator = CBPE(
        problem_type="classification_binary", y_pred_proba="score", y_pred="prediction", y_true="target",
        metrics=metrics, chunk_number=1,
    )
    estimator.fit(reference)
    result = estimator.estimate(analysis.drop(columns=["target"]))
    frame = result.filter(period="analysis").to_df()
    check(len(frame) == 1, f"{name}: expected one analysis chunk, got {len(frame)}")
    estimated = {metric: float(frame[(metric, "value")].iloc[0]) for metric in metrics}
    if must_calibrate is not None:
        check(estimator.needs_calibration == must_calibrate,
              f"{name}: NannyML needs_calibration is {estimator.needs_calibration}")

    if estimator.needs_calibration:
        calibrator = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1, increasing=True)
        calibrator.fit(reference["score"], reference["target"])
        calibrated = calibrator.predict(analysis["score"])
        nanny = estimator.calibrator.calibrate(analysis["score"])
        check(np.array_equal(calibrated, nanny), f"{name}: NannyML's calibrator differs from y_min=0/y_max=1")
    else:
        calibrated = analysis["score"].to_numpy()
    compare_with_spec(name, estimated, calibrated, analysis["prediction"] == 1, analysis["score"])
    return {
        "name": name,
        "note": note,
        "reference": {
            "scores": floats(reference["score"]),
            "targets": [bool(v) for v in reference["target"]],
        },
        "analysis": {
            "scores": floats(analysis["score"]),
            "predicted_positive": [bool(v) for v in analysis["prediction"]],
            "realized_targets": [bool(v) for v in analysis["target"]],
        },
        "needs_calibration": bool(estimator.needs_calibration),
        "calibrated_analysis": floats(calibrated),
        "expected": {key: jf(value) for key, value in estimated.items()},
    }


def cbpe_cases():
    return [
        cbpe_case(
            "overconfident_model", 501, lambda t: sigmoid(2.5 * np.log(t / (1 - t))),
            note="scores are sigmoid(2.5·logit(truth)): NannyML calibrates", must_calibrate=True,
        ),
        cbpe_case(
            "tied_scores", 502, lambda t: t ** 2, decimals=2,
            note="scores truth² rounded to 2 decimals (ties in reference and analysis)", must_calibrate=True,
        ),
        cbpe_case(
            "calibrated_model", 503, lambda t: t,
            note="scores are the true probabilities: NannyML may skip calibration (needs_calibration)",
        ),
    ]


def main() -> None:
    payload = {
        "versions": {
            "nannyml": nannyml.__version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "classification": classification_cases(),
        "regression": regression_cases(),
        "isotonic": isotonic_cases(),
        "cbpe_functions": cbpe_function_cases(),
        "cbpe": cbpe_cases(),
    }
    path = HERE / "performance_values.json"
    path.write_text(_dump(payload) + "\n")
    for case in payload["cbpe"]:
        print(f"{case['name']}: needs_calibration={case['needs_calibration']} {case['expected']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
