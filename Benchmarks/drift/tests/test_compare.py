"""Keel vs Evidently answers: identical ones pass, every kind of difference is reported."""

import copy
import math

from driftbench import compare


def _answer(*columns, drifted=None):
    cols = [{"column": name, "type": kind, "test": test, "score": score, "threshold": 0.1,
             "detected": score >= 0.1} for name, kind, test, score in columns]
    count = sum(c["detected"] for c in cols) if drifted is None else drifted
    return {"columns": cols, "dataset": {"columns": len(cols), "drifted": count, "share": count / len(cols),
                                         "detected": count / len(cols) >= 0.5}}


EVIDENTLY = _answer(("age", "num", "wasserstein", 0.01), ("income", "num", "wasserstein", 0.5),
                    ("device", "cat", "jensenshannon", 0.15))


def test_identical_answers_have_no_problems_and_tiny_score_differences_are_fine():
    keel = copy.deepcopy(EVIDENTLY)
    keel["columns"][1]["score"] = 0.5 * (1 + 1e-12)
    result = compare.compare(keel, EVIDENTLY, {"age": False, "income": True, "device": True})
    assert result.identical_verdicts and not result.warnings
    assert math.isclose(result.columns[1].relative_difference, 1e-12, rel_tol=1e-3)
    assert result.columns[2].planted is True


def test_verdict_and_test_differences_are_problems_naming_column_tests_and_scores():
    keel = copy.deepcopy(EVIDENTLY)
    keel["columns"][0].update(test="ks", score=0.2, detected=True)
    result = compare.compare(keel, EVIDENTLY)
    assert not result.identical_verdicts
    text = "\n".join(result.problems)
    assert "'age': Evidently used wasserstein" in text and "Keel ks" in text
    assert "'age': Evidently says no drift" in text and "Keel says DRIFT" in text


def test_dataset_verdict_and_count_differences_are_problems():
    keel = copy.deepcopy(EVIDENTLY)
    keel["dataset"].update(drifted=1, detected=False)
    problems = compare.compare(keel, EVIDENTLY).problems
    assert any(p.startswith("data set: Evidently says DRIFT") for p in problems)
    keel = copy.deepcopy(EVIDENTLY)
    keel["dataset"]["drifted"] = 3
    assert any("counts 2/3" in p for p in compare.compare(keel, EVIDENTLY).problems)


def test_missing_extra_and_reordered_columns_are_problems():
    keel = copy.deepcopy(EVIDENTLY)
    keel["columns"] = [keel["columns"][1], keel["columns"][0]]
    problems = compare.compare(keel, EVIDENTLY).problems
    assert any("tested by Evidently only" in p for p in problems)
    assert any("different order" in p for p in problems)
    extra = copy.deepcopy(EVIDENTLY)
    extra["columns"].append({"column": "new", "type": "num", "test": "ks", "score": 0.5, "threshold": 0.05,
                             "detected": False})
    assert any("tested by Keel only" in p for p in compare.compare(extra, EVIDENTLY).problems)


def test_large_score_difference_is_a_warning_not_a_problem():
    keel = copy.deepcopy(EVIDENTLY)
    keel["columns"][1]["score"] = 0.51
    result = compare.compare(keel, EVIDENTLY)
    assert result.identical_verdicts
    assert result.warnings and "'income': scores differ by 0.02" in result.warnings[0]


def test_relative_difference_edge_cases():
    assert compare.relative_difference(0.0, 0.0) == 0.0
    assert compare.relative_difference(float("nan"), float("nan")) == 0.0
    assert compare.relative_difference(float("inf"), 1.0) == math.inf
    assert compare.relative_difference(None, 1.0) is None
    assert compare.relative_difference(1e-310, 0.0) > 0


def test_runs_may_differ_in_the_last_bits_of_scores_but_not_in_verdicts():
    last_bits = copy.deepcopy(EVIDENTLY)
    last_bits["columns"][2]["score"] = 0.15 * (1 + 5e-12)  # hash-order summation of category shares
    assert compare.unstable_runs("keel", [EVIDENTLY, EVIDENTLY, last_bits]) == []
    assert math.isclose(compare.score_spread([EVIDENTLY, EVIDENTLY, last_bits]), 5e-12, rel_tol=1e-3)
    assert compare.score_spread([EVIDENTLY]) == 0.0
    moved = copy.deepcopy(EVIDENTLY)
    moved["columns"][0]["score"] = 0.02
    assert compare.unstable_runs("keel", [EVIDENTLY, moved]) == [
        "keel: run 2 scores differ from run 1 by up to 1 relative"]
    flipped = copy.deepcopy(EVIDENTLY)
    flipped["columns"][0].update(score=0.2, detected=True)
    assert compare.unstable_runs("evidently", [EVIDENTLY, flipped]) == [
        "evidently: run 2 gave different columns, tests or verdicts from run 1"]


def test_planted_mismatches():
    notes = compare.planted_mismatches(EVIDENTLY, {"age": True, "income": True, "device": True})
    assert notes == ["age: planted drift, found no drift (wasserstein 0.01)"]


def test_rendered_table_flags_differences_and_shows_the_dataset_line():
    keel = copy.deepcopy(EVIDENTLY)
    keel["columns"][2].update(score=0.05, detected=False)
    keel["dataset"].update(drifted=1, detected=False)
    lines = compare.render_columns(compare.compare(keel, EVIDENTLY)).splitlines()
    assert lines[0].split()[:2] == ["column", "type"]
    device = next(line for line in lines if line.startswith("device"))
    assert "DIFFERENT" in device and "0.15" in device and "0.05" in device
    assert lines[-1].startswith("data set") and "2/3" in lines[-1] and "1/3" in lines[-1]
