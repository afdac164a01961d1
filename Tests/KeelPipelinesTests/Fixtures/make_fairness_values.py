#!/usr/bin/env python3
"""Reference values from Fairlearn for Keel's bias metrics.

Writes fairness_values.json next to this script: a JSON list of cases, each

    {"name": ..., "note": ...,
     "labels": [0/1 ...], "predictions": [0/1 ...], "groups": ["..." ...],
     "expected": {...}}

computed by fairlearn.metrics (version recorded in every case's
expected.fairlearn_version). NaN is written as JSON null. Run with a Python
that has fairlearn installed, from anywhere:

    python3 -m venv .venv-fairlearn
    .venv-fairlearn/bin/pip install fairlearn pandas scikit-learn
    .venv-fairlearn/bin/python Tests/KeelPipelinesTests/Fixtures/make_fairness_values.py

The output is deterministic (fixed seeds, sorted keys).

Definitions (fairlearn 0.15.0 with scikit-learn 1.9.1; positive label 1,
no sample weights, method="between_groups", agg="worst_case")
=========================================================================

Rows are split by the sensitive value g (each group has at least one row).
For group g, with y the label and p the prediction:

    n_g   = number of rows in g                       (fairlearn.metrics.count)
    P_g   = #{y = 1},  N_g = #{y = 0}                 (P_g + N_g = n_g)
    TP_g  = #{y = 1, p = 1},  FP_g = #{y = 0, p = 1}

    selection_rate_g = #{p = 1} / n_g                 (never undefined: n_g >= 1)
    TPR_g = TP_g / P_g,  but 0 (not NaN) when P_g = 0
    FPR_g = FP_g / N_g,  but 0 (not NaN) when N_g = 0

  The "0, not NaN" comes from scikit-learn: fairlearn's true_positive_rate /
  false_positive_rate read them from confusion_matrix(normalize="true"),
  which divides each row by its total and then applies nan_to_num. So a group
  with no positive labels has TPR 0 (see case group_without_positive_labels),
  and a group with no negative labels has FPR 0; both still take part in the
  min/max below, so such a group can make the TPR difference as large as the
  largest TPR of the other groups.

Aggregates over groups (min/max over all groups present):

    demographic_parity_difference = max_g selection_rate_g - min_g selection_rate_g
    demographic_parity_ratio      = min_g selection_rate_g / max_g selection_rate_g
                                    ("disparate impact ratio"; four-fifths rule: >= 0.8)
    true_positive_rate_difference = max_g TPR_g - min_g TPR_g
    false_positive_rate_difference= max_g FPR_g - min_g FPR_g
    true_positive_rate_ratio      = min_g TPR_g / max_g TPR_g
    false_positive_rate_ratio     = min_g FPR_g / max_g FPR_g
    equalized_odds_difference     = max(true_positive_rate_difference,
                                        false_positive_rate_difference)
    equalized_odds_ratio          = min(true_positive_rate_ratio,
                                        false_positive_rate_ratio), see below

  With a single group every difference is 0 and every ratio is 1 (or NaN, if
  that one rate is 0).

Edge cases (as observed and asserted below):

  * Differences are never NaN: all rates are defined (see above).
  * A ratio is NaN exactly when the largest rate is 0, i.e. 0/0 (every group
    has rate 0). It cannot be x/0 with x > 0 because min <= max, and rates
    are >= 0. So demographic_parity_ratio is NaN when nothing at all is
    predicted positive (case all_predicted_negative); false_positive_rate_ratio
    is NaN when there are no false positives at all (case perfect_predictions);
    true_positive_rate_ratio is NaN when there are no true positives at all
    (cases no_true_positives, all_predicted_negative).
  * equalized_odds_ratio is Python's built-in min() over the pandas Series
    [tpr_ratio, fpr_ratio] (in that order). min() keeps the first element
    unless a later one compares smaller, and every comparison with NaN is
    false, so:
        tpr_ratio NaN                     -> NaN (whatever fpr_ratio is)
        tpr_ratio finite, fpr_ratio NaN   -> tpr_ratio
        both finite                       -> the smaller one
    (equalized_odds_difference uses max() the same way, but its inputs are
    never NaN.)
  * fairlearn infers the positive label per group from that group's labels
    and predictions; with 0/1 data it is always 1.
  * Group keys are compared as exact strings (case-sensitive; "10" and "9"
    are different strings, sorted as text where fairlearn sorts). Nothing
    here depends on the order of groups.

Every case is also recomputed with a plain-Python implementation of these
formulas (reference() below) and the script fails if the two disagree.
"""
import json
import math
import os

import numpy as np
import pandas as pd
import sklearn
import fairlearn
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fairness_values.json")


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

def synthetic(seed, spec):
    """spec: list of (group, rows, base_rate, tpr, fpr). Returns labels, predictions, groups.

    Labels ~ Bernoulli(base_rate); a positive is predicted positive with
    probability tpr, a negative with probability fpr. Rows are interleaved
    by a seeded shuffle so groups are not contiguous.
    """
    rng = np.random.default_rng(seed)
    labels, predictions, groups = [], [], []
    for group, rows, base_rate, tpr, fpr in spec:
        y = (rng.random(rows) < base_rate).astype(int)
        u = rng.random(rows)
        p = np.where(y == 1, u < tpr, u < fpr).astype(int)
        labels += y.tolist()
        predictions += p.tolist()
        groups += [group] * rows
    order = rng.permutation(len(labels))
    return (
        [int(labels[i]) for i in order],
        [int(predictions[i]) for i in order],
        [groups[i] for i in order],
    )


def cases():
    out = []

    y, p, g = synthetic(1, [("female", 60, 0.35, 0.75, 0.15), ("male", 60, 0.40, 0.60, 0.25)])
    out.append(("binary_basic", "two groups, every rate defined", y, p, g))

    y, p, g = synthetic(
        2,
        [("A", 50, 0.30, 0.80, 0.10), ("B", 50, 0.50, 0.70, 0.20), ("C", 50, 0.20, 0.50, 0.05)],
    )
    out.append(("three_groups", "three groups; min and max come from different groups", y, p, g))

    y, p, g = synthetic(3, [("a", 40, 0.40, 0.80, 0.20), ("b", 40, 0.50, 0.60, 0.25)])
    # Group c: no positive labels at all, a few positive predictions.
    y += [0] * 20
    p += [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    g += ["c"] * 20
    # Group d: no negative labels at all, mostly predicted positive.
    y += [1] * 10
    p += [1, 1, 0, 1, 1, 1, 0, 1, 1, 1]
    g += ["d"] * 10
    out.append((
        "group_without_positive_labels",
        "group c has no rows with label 1: fairlearn reports TPR_c = 0 (not NaN; "
        "sklearn confusion_matrix(normalize='true') applies nan_to_num), and that 0 "
        "is the minimum in the TPR difference and ratio. Likewise group d has no rows "
        "with label 0 and gets FPR_d = 0",
        y, p, g,
    ))

    y, p, g = synthetic(
        4,
        [
            ("Zoë Müller", 30, 0.5, 0.7, 0.2),
            ("zoë müller", 30, 0.4, 0.6, 0.3),
            ("non-binary / other", 25, 0.3, 0.9, 0.1),
            ("10", 25, 0.5, 0.5, 0.5),
            ("9", 25, 0.6, 0.8, 0.0),
            ("", 15, 0.4, 0.6, 0.2),
        ],
    )
    out.append((
        "string_group_names",
        "group names with non-ASCII letters, spaces, punctuation, digits, differing "
        "only in case, and the empty string; all compared as exact strings",
        y, p, g,
    ))

    y, p, g = synthetic(5, [("majority", 185, 0.30, 0.70, 0.10), ("minority", 15, 0.40, 0.40, 0.40)])
    out.append(("imbalanced", "185 vs 15 rows with different base rates", y, p, g))

    y, _, g = synthetic(6, [("x", 50, 0.4, 1.0, 0.0), ("y", 50, 0.6, 1.0, 0.0)])
    p = list(y)
    out.append((
        "perfect_predictions",
        "predictions equal labels: every FPR is 0, so false_positive_rate_ratio is "
        "0/0 = NaN (null); equalized_odds_ratio = min(tpr_ratio, NaN) = tpr_ratio = 1",
        y, p, g,
    ))

    y, _, g = synthetic(7, [("x", 50, 0.4, 0.0, 0.0), ("y", 50, 0.5, 0.0, 0.0)])
    # Predict positive only on some negatives: no true positives anywhere.
    p = [1 if (label == 0 and i % 4 == 0) else 0 for i, label in enumerate(y)]
    out.append((
        "no_true_positives",
        "no row is a true positive: every TPR is 0, so true_positive_rate_ratio is "
        "0/0 = NaN (null), and equalized_odds_ratio = min(NaN, fpr_ratio) = NaN (null) "
        "although fpr_ratio is finite",
        y, p, g,
    ))

    y, _, g = synthetic(8, [("x", 40, 0.4, 0.0, 0.0), ("y", 40, 0.5, 0.0, 0.0), ("z", 20, 0.3, 0.0, 0.0)])
    p = [0] * len(y)
    out.append((
        "all_predicted_negative",
        "every prediction is 0: all selection rates, TPRs and FPRs are 0; differences "
        "are 0, every ratio is 0/0 = NaN (null)",
        y, p, g,
    ))

    y, p, g = synthetic(9, [("only", 60, 0.4, 0.7, 0.2)])
    out.append(("single_group", "one group only: differences 0, ratios 1", y, p, g))

    return out


# --------------------------------------------------------------------------
# Fairlearn
# --------------------------------------------------------------------------

def fairlearn_expected(labels, predictions, groups):
    y = np.asarray(labels)
    p = np.asarray(predictions)
    s = pd.Series(groups, name="group", dtype=object)

    mf = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "false_positive_rate": false_positive_rate,
            "count": count,
        },
        y_true=y,
        y_pred=p,
        sensitive_features=s,
    )
    by_group = mf.by_group
    diff = mf.difference(method="between_groups")
    ratio = mf.ratio(method="between_groups")

    per_group = {}
    for key, row in by_group.iterrows():
        per_group[str(key)] = {
            "count": int(row["count"]),
            "selection_rate": num(row["selection_rate"]),
            "true_positive_rate": num(row["true_positive_rate"]),
            "false_positive_rate": num(row["false_positive_rate"]),
        }

    kw = dict(sensitive_features=s)
    return {
        "fairlearn_version": fairlearn.__version__,
        "sklearn_version": sklearn.__version__,
        "demographic_parity_difference": num(
            demographic_parity_difference(y, p, method="between_groups", **kw)
        ),
        "demographic_parity_ratio": num(demographic_parity_ratio(y, p, method="between_groups", **kw)),
        "equalized_odds_difference": num(
            equalized_odds_difference(y, p, method="between_groups", agg="worst_case", **kw)
        ),
        "equalized_odds_ratio": num(
            equalized_odds_ratio(y, p, method="between_groups", agg="worst_case", **kw)
        ),
        "true_positive_rate_difference": num(diff["true_positive_rate"]),
        "false_positive_rate_difference": num(diff["false_positive_rate"]),
        "true_positive_rate_ratio": num(ratio["true_positive_rate"]),
        "false_positive_rate_ratio": num(ratio["false_positive_rate"]),
        "per_group": per_group,
    }


def num(x):
    """A float for JSON, None for NaN."""
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        raise ValueError("unexpected infinity")
    return x


# --------------------------------------------------------------------------
# Plain-Python reference of the documented formulas
# --------------------------------------------------------------------------

def reference(labels, predictions, groups):
    nan = float("nan")
    stats = {}
    for y, p, g in zip(labels, predictions, groups):
        s = stats.setdefault(g, {"n": 0, "sel": 0, "P": 0, "N": 0, "TP": 0, "FP": 0})
        s["n"] += 1
        s["sel"] += p
        if y == 1:
            s["P"] += 1
            s["TP"] += p
        else:
            s["N"] += 1
            s["FP"] += p
    sel = {g: s["sel"] / s["n"] for g, s in stats.items()}
    tpr = {g: (s["TP"] / s["P"] if s["P"] else 0.0) for g, s in stats.items()}
    fpr = {g: (s["FP"] / s["N"] if s["N"] else 0.0) for g, s in stats.items()}

    def difference(r):
        return max(r.values()) - min(r.values())

    def ratio(r):
        hi = max(r.values())
        return nan if hi == 0 else min(r.values()) / hi

    tpr_ratio, fpr_ratio = ratio(tpr), ratio(fpr)
    if math.isnan(tpr_ratio):
        eor = nan
    elif math.isnan(fpr_ratio):
        eor = tpr_ratio
    else:
        eor = min(tpr_ratio, fpr_ratio)
    return {
        "demographic_parity_difference": difference(sel),
        "demographic_parity_ratio": ratio(sel),
        "equalized_odds_difference": max(difference(tpr), difference(fpr)),
        "equalized_odds_ratio": eor,
        "true_positive_rate_difference": difference(tpr),
        "false_positive_rate_difference": difference(fpr),
        "true_positive_rate_ratio": tpr_ratio,
        "false_positive_rate_ratio": fpr_ratio,
        "per_group": {
            g: {
                "count": stats[g]["n"],
                "selection_rate": sel[g],
                "true_positive_rate": tpr[g],
                "false_positive_rate": fpr[g],
            }
            for g in stats
        },
    }


def check(name, expected, ref):
    def same(a, b, what):
        a = None if a is None else float(a)
        b = None if (b is None or (isinstance(b, float) and math.isnan(b))) else float(b)
        ok = (a is None and b is None) or (
            a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
        )
        if not ok:
            raise AssertionError(f"{name}: {what}: fairlearn {a!r} vs reference {b!r}")

    for key, value in ref.items():
        if key == "per_group":
            if set(value) != set(expected["per_group"]):
                raise AssertionError(f"{name}: group keys differ")
            for g, metrics in value.items():
                for m, v in metrics.items():
                    same(expected["per_group"][g][m], v, f"{g}.{m}")
        else:
            same(expected[key], value, key)


def main():
    result = []
    for name, note, labels, predictions, groups in cases():
        assert len(labels) == len(predictions) == len(groups) <= 200, name
        expected = fairlearn_expected(labels, predictions, groups)
        check(name, expected, reference(labels, predictions, groups))
        result.append({
            "name": name,
            "note": note,
            "labels": labels,
            "predictions": predictions,
            "groups": groups,
            "expected": expected,
        })

    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT}: {len(result)} cases (fairlearn {fairlearn.__version__})")
    for case in result:
        e = case["expected"]
        print(f"  {case['name']:32s} n={len(case['labels']):3d} "
              f"dpd={e['demographic_parity_difference']} dpr={e['demographic_parity_ratio']} "
              f"eod={e['equalized_odds_difference']} eor={e['equalized_odds_ratio']}")


if __name__ == "__main__":
    main()
