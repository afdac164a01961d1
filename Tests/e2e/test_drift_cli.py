"""`keel drift` on files: the same verdicts as Evidently 0.7.23, readable errors, exit codes.

The reference answers come from Tests/KeelMonitoringTests/Fixtures/evidently_drift.json,
which Fixtures/make_reference_values.py produced by running Evidently's legacy data drift
table on the same CSV files. No server is involved, so this runs once (sqlite backend).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from support.servers import keel_binary

FIXTURES = Path(__file__).resolve().parents[1] / "KeelMonitoringTests" / "Fixtures"

pytestmark = pytest.mark.keel_only


@pytest.fixture(autouse=True)
def _once(request):
    if "sqlite" not in (request.config.getoption("--backend") or ["sqlite"]):
        pytest.skip("keel drift needs no database; it runs with the sqlite backend only")


def drift(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(keel_binary()), "drift", *args], capture_output=True, text=True, timeout=120)


def evidently(name: str) -> dict:
    datasets = json.loads((FIXTURES / "evidently_drift.json").read_text())["datasets"]
    return next(d for d in datasets if d["name"] == name)


@pytest.mark.parametrize("name", ["small", "medium"])
def test_json_matches_evidentlys_legacy_drift_table(name):
    expected = evidently(name)
    result = drift(str(FIXTURES / expected["reference_csv"]), str(FIXTURES / expected["current_csv"]), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    columns = expected["legacy_api"]["columns"]
    assert [c["column"] for c in answer["columns"]] == [c["column"] for c in columns]
    for mine, theirs in zip(answer["columns"], columns):
        assert mine["stattest"] == theirs["stattest"], mine
        assert math.isclose(mine["drift_score"], theirs["drift_score"], rel_tol=1e-9, abs_tol=1e-300), (mine, theirs)
        assert mine["drift_detected"] == theirs["drift_detected"], (mine, theirs)
    dataset = expected["legacy_api"]["dataset"]
    assert answer["dataset"]["number_of_drifted_columns"] == dataset["number_of_drifted_columns"]
    assert answer["dataset"]["dataset_drift"] == dataset["dataset_drift"]


def test_table_for_people_and_fail_on_drift_exit_code():
    small = evidently("small")
    files = [str(FIXTURES / small["reference_csv"]), str(FIXTURES / small["current_csv"])]
    table = drift(*files)
    assert table.returncode == 0, table.stderr
    assert "Data drift detected" in table.stdout and "K-S p_value" in table.stdout
    assert drift(*files, "--fail-on-drift").returncode == 1
    same = drift(files[0], files[0], "--fail-on-drift", "--json")
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["dataset"]["number_of_drifted_columns"] == 0


def test_options_choose_the_test_and_threshold():
    small = evidently("small")
    files = [str(FIXTURES / small["reference_csv"]), str(FIXTURES / small["current_csv"])]
    result = drift(*files, "--method", "psi", "--column-method", "f_normal=wasserstein",
                   "--column-threshold", "f_normal=0.5", "--columns", "f_normal,c_color", "--json")
    assert result.returncode == 0, result.stderr
    by_name = {c["column"]: c for c in json.loads(result.stdout)["columns"]}
    assert by_name["f_normal"]["stattest"] == "wasserstein" and by_name["f_normal"]["threshold"] == 0.5
    assert by_name["c_color"]["stattest"] == "psi"


@pytest.mark.parametrize("args, message", [
    (["missing.csv", "missing.csv"], "Cannot read"),
    (["{ref}", "{cur}", "--method", "magic"], "Unknown test 'magic'"),
    (["{ref}", "{cur}", "--target", "nope"], "no column 'nope'"),
    (["{ref}", "{cur}", "--column-method", "f_normal"], "column=value"),
])
def test_bad_input_is_explained(args, message):
    small = evidently("small")
    names = {"ref": str(FIXTURES / small["reference_csv"]), "cur": str(FIXTURES / small["current_csv"])}
    result = drift(*[a.format(**names) for a in args])
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_html_report_is_self_contained(tmp_path):
    small = evidently("small")
    report = tmp_path / "drift.html"
    result = drift(str(FIXTURES / small["reference_csv"]), str(FIXTURES / small["current_csv"]), "--html", str(report))
    assert result.returncode == 0, result.stderr
    page = report.read_text()
    assert page.startswith("<!doctype html>") and "Data drift detected" in page
    assert page.count("<svg") == len(small["legacy_api"]["columns"]), "one chart per column"
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', ""), "no network references"
    assert "<script" not in page


def _large_csv(path: Path, rows: int, late_text_row: int | None) -> None:
    """A file above the parallel-read threshold (32 MiB): numbers, integers, missing cells,
    categories, and optionally a column that turns to text far into the file."""
    import random

    rng = random.Random(7)
    with path.open("w") as out:
        out.write("x,n,m,c,late\n")
        for row in range(rows):
            late = "word" if late_text_row is not None and row == late_text_row else str(row % 97)
            missing = "" if row % 53 == 0 else f"{rng.gauss(0, 1):.5f}"
            out.write(f"{rng.random() * 100:.4f},{rng.randrange(1000)},{missing},c{rng.randrange(30)},{late}\n")


@pytest.mark.parametrize("late_text_row", [None, 1_500_000])
def test_large_files_read_on_several_cores_equal_one_core(tmp_path, late_text_row):
    """The parallel reader (large quote-free files) gives the same table as the one-pass reader."""
    reference = tmp_path / "reference.csv"
    current = tmp_path / "current.csv"
    _large_csv(reference, 20_000, 5 if late_text_row else None)
    _large_csv(current, 1_700_000, late_text_row)
    assert current.stat().st_size > 32 << 20
    env = dict(os.environ)
    parallel = subprocess.run([str(keel_binary()), "drift", str(reference), str(current), "--json"],
                              capture_output=True, text=True, timeout=300, env=env)
    env["KEEL_CSV_SEQUENTIAL"] = "1"
    sequential = subprocess.run([str(keel_binary()), "drift", str(reference), str(current), "--json"],
                                capture_output=True, text=True, timeout=300, env=env)
    assert parallel.returncode == sequential.returncode == 0, parallel.stderr + sequential.stderr
    one, other = json.loads(parallel.stdout), json.loads(sequential.stdout)
    assert one["dataset"] == other["dataset"]
    for left, right in zip(one["columns"], other["columns"], strict=True):
        # Category shares are summed in per-process hash order: equal to rounding.
        assert math.isclose(left.pop("drift_score"), right.pop("drift_score"), rel_tol=1e-9, abs_tol=1e-12), left
        assert left == right
    types = {c["column"]: c["column_type"] for c in json.loads(parallel.stdout)["columns"]}
    assert types["late"] == ("cat" if late_text_row else "num")
