"""Fairlearn, installed from PyPI, recomputes the bias numbers Keel's Swift tests check against.

`Tests/KeelPipelinesTests/Fixtures/fairness_values.json` is what `swift test` compares Keel's
`FairnessReport` with; this test regenerates every case with the installed Fairlearn and fails
when the committed file no longer matches it, so the Swift side is always judged by Fairlearn.
"""

import importlib.util
import json
import math
from pathlib import Path

import fairlearn  # noqa: F401  (installed by scripts/ci/venv.sh; the judge of these numbers)

FIXTURES = Path(__file__).resolve().parents[2] / "KeelPipelinesTests" / "Fixtures"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_fairness_values", FIXTURES / "make_fairness_values.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same(a, b):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (b is None or (isinstance(b, float) and math.isnan(b)))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return a == b


def test_committed_values_are_fairlearns():
    generator = load_generator()
    committed = {case["name"]: case for case in json.loads((FIXTURES / "fairness_values.json").read_text(encoding="utf-8"))}
    cases = list(generator.cases())
    assert len(cases) == len(committed) >= 6
    for name, _note, labels, predictions, groups in cases:
        fresh = generator.fairlearn_expected(labels, predictions, groups)
        case = committed[name]
        assert (case["labels"], case["predictions"], case["groups"]) == (labels, predictions, groups), name
        for key, value in fresh.items():
            if key.endswith("_version"):
                continue
            assert same(value, case["expected"][key]), f"{name} {key}: fairlearn {value}, committed {case['expected'][key]}"
