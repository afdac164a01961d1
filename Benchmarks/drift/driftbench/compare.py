"""Keel's answer against Evidently's: per column test, score and verdict, and the data set verdict.

Problems (any of them makes the run fail, whatever the timings):

* a column tested by one side and not the other, or in a different order;
* a different test for a column;
* a different verdict for a column, or for the data set (or a different
  number of drifted columns);
* one side giving different columns, tests or verdicts on different runs of
  the same files, or scores further apart than ``SCORE_TOLERANCE``.

Scores are compared by relative difference ``|keel - evidently| /
max(|evidently|, tiny)``. Keel aims at 1e-9 (docs/drift-evidently-defaults.md
§9); a difference above ``SCORE_TOLERANCE`` is listed as a warning, not a
failure, since only the verdicts are a goal. Each row also says whether drift
was planted in the column, as a sanity check of the workload.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

SCORE_TOLERANCE = 1e-6


@dataclass
class ColumnComparison:
    column: str
    evidently_type: str | None
    keel_type: str | None
    evidently_test: str | None
    keel_test: str | None
    evidently_score: float | None
    keel_score: float | None
    evidently_detected: bool | None
    keel_detected: bool | None
    planted: bool | None = None

    @property
    def relative_difference(self) -> float | None:
        return relative_difference(self.keel_score, self.evidently_score)

    @property
    def same_test(self) -> bool:
        return self.keel_test is not None and self.keel_test == self.evidently_test

    @property
    def same_verdict(self) -> bool:
        return self.keel_detected is not None and self.keel_detected == self.evidently_detected

    def as_dict(self) -> dict:
        return {**asdict(self), "relative_difference": self.relative_difference, "same_test": self.same_test,
                "same_verdict": self.same_verdict}


@dataclass
class Comparison:
    columns: list[ColumnComparison]
    evidently_dataset: dict
    keel_dataset: dict
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def identical_verdicts(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"columns": [column.as_dict() for column in self.columns], "evidently_dataset": self.evidently_dataset,
                "keel_dataset": self.keel_dataset, "problems": self.problems, "warnings": self.warnings,
                "identical_verdicts": self.identical_verdicts}


def relative_difference(value: float | None, reference: float | None) -> float | None:
    """``|value - reference| / |reference|`` (absolute below 1e-300); 0 for equal values incl. both NaN or inf."""
    if value is None or reference is None:
        return None
    if value == reference or (math.isnan(value) and math.isnan(reference)):
        return 0.0
    if not (math.isfinite(value) and math.isfinite(reference)):
        return math.inf
    return abs(value - reference) / max(abs(reference), 1e-300)


def compare(keel: dict, evidently: dict, planted: dict[str, bool] | None = None) -> Comparison:
    """Compare two normalised answers (see ``sides``); ``planted`` maps column -> drift was planted."""
    planted = planted or {}
    keel_columns = {c["column"]: c for c in keel["columns"]}
    evidently_columns = {c["column"]: c for c in evidently["columns"]}
    names = [c["column"] for c in evidently["columns"]] + [c["column"] for c in keel["columns"]
                                                           if c["column"] not in evidently_columns]
    rows, problems, warnings = [], [], []
    for name in names:
        k, e = keel_columns.get(name), evidently_columns.get(name)
        row = ColumnComparison(
            name, e and e["type"], k and k["type"], e and e["test"], k and k["test"], e and e["score"],
            k and k["score"], e and e["detected"], k and k["detected"], planted.get(name))
        rows.append(row)
        if k is None or e is None:
            problems.append(f"column {name!r} tested by {'Evidently' if k is None else 'Keel'} only")
            continue
        if not row.same_test:
            problems.append(f"column {name!r}: Evidently used {e['test']} (score {e['score']:.6g}), "
                            f"Keel {k['test']} (score {k['score']:.6g})")
        if not row.same_verdict:
            problems.append(f"column {name!r}: Evidently says {_drift(e['detected'])} ({e['test']} "
                            f"{e['score']:.10g}, threshold {e['threshold']:g}), Keel says {_drift(k['detected'])} "
                            f"({k['test']} {k['score']:.10g}, threshold {k['threshold']:g})")
        difference = row.relative_difference
        if row.same_test and difference is not None and difference > SCORE_TOLERANCE:
            warnings.append(f"column {name!r}: scores differ by {difference:.2g} relative "
                            f"(Evidently {e['score']:.12g}, Keel {k['score']:.12g})")
    both = [name for name in names if name in keel_columns and name in evidently_columns]
    keel_order = [c["column"] for c in keel["columns"] if c["column"] in evidently_columns]
    if keel_order != both:
        problems.append(f"columns in a different order: Evidently {both}, Keel {keel_order}")
    kd, ed = keel["dataset"], evidently["dataset"]
    if kd["detected"] != ed["detected"]:
        problems.append(f"data set: Evidently says {_drift(ed['detected'])} ({ed['drifted']}/{ed['columns']} "
                        f"columns), Keel says {_drift(kd['detected'])} ({kd['drifted']}/{kd['columns']})")
    elif (kd["drifted"], kd["columns"]) != (ed["drifted"], ed["columns"]):
        problems.append(f"data set: Evidently counts {ed['drifted']}/{ed['columns']} drifted columns, "
                        f"Keel {kd['drifted']}/{kd['columns']}")
    return Comparison(rows, ed, kd, problems, warnings)


def _drift(detected: bool) -> str:
    return "DRIFT" if detected else "no drift"


def _verdicts(answer: dict) -> tuple:
    dataset = answer["dataset"]
    return ([(c["column"], c["test"], c["detected"]) for c in answer["columns"]],
            (dataset["columns"], dataset["drifted"], dataset["detected"]))


def score_spread(answers: list[dict]) -> float:
    """Largest relative difference of a column's score between any run and the first (0 for one run)."""
    spreads = [relative_difference(later["score"], first["score"]) or 0.0
               for answer in answers[1:] for first, later in zip(answers[0]["columns"], answer["columns"])]
    return max(spreads, default=0.0)


def unstable_runs(label: str, answers: list[dict], tolerance: float = SCORE_TOLERANCE) -> list[str]:
    """Problems if repeated runs of one side on the same files did not give the same answer.

    Columns, tests and verdicts must be identical; scores may move in the last bits, since both
    sides sum category shares in hash order, which changes from process to process (Python's
    string hashing, Swift's per-process hash seed; docs/drift-evidently-defaults.md §11.9).
    """
    problems = []
    for index, answer in enumerate(answers[1:], start=2):
        if _verdicts(answer) != _verdicts(answers[0]):
            problems.append(f"{label}: run {index} gave different columns, tests or verdicts from run 1")
        elif (spread := score_spread([answers[0], answer])) > tolerance:
            problems.append(f"{label}: run {index} scores differ from run 1 by up to {spread:.2g} relative")
    return problems


def planted_mismatches(answer: dict, planted: dict[str, bool]) -> list[str]:
    """Columns whose verdict is not the planted one: a workload problem, not a Keel/Evidently difference."""
    return [f"{c['column']}: planted {'drift' if planted[c['column']] else 'no drift'}, "
            f"found {'drift' if c['detected'] else 'no drift'} ({c['test']} {c['score']:.4g})"
            for c in answer["columns"] if c["column"] in planted and planted[c["column"]] != c["detected"]]


# --- rendering -----------------------------------------------------------------------------------------

def _yes_no(detected: bool | None) -> str:
    return "-" if detected is None else ("DRIFT" if detected else "no")


def _score_text(score: float | None) -> str:
    return "-" if score is None else f"{score:.6g}"


def render_columns(comparison: Comparison) -> str:
    """Side-by-side table: test, score and verdict per column on each side, the score difference, planted drift."""
    header = ["column", "type", "test (Evidently)", "test (Keel)", "score Evidently", "score Keel", "rel diff",
              "Evidently", "Keel", "planted", ""]
    table = [header]
    for row in comparison.columns:
        difference = row.relative_difference
        flag = "" if row.same_test and row.same_verdict else "<-- DIFFERENT"
        table.append([row.column, row.evidently_type or row.keel_type or "-", row.evidently_test or "-",
                      row.keel_test or "-", _score_text(row.evidently_score), _score_text(row.keel_score),
                      "-" if difference is None else f"{difference:.1e}", _yes_no(row.evidently_detected),
                      _yes_no(row.keel_detected), _yes_no(row.planted), flag])
    ed, kd = comparison.evidently_dataset, comparison.keel_dataset
    table.append(["data set", "", "share >= 0.5", "share >= 0.5", f"{ed['drifted']}/{ed['columns']}",
                  f"{kd['drifted']}/{kd['columns']}", "", _yes_no(ed["detected"]), _yes_no(kd["detected"]), "", ""])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    numeric = {4, 5, 6}
    lines = ["  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(line))
             for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)
