"""The generator, run for real on a few hundred rows: layout, dtypes pandas infers, determinism, caching.

Needs the Evidently Python (numpy + pandas); skipped without it.
"""

import csv
import filecmp
from pathlib import Path

import pytest

from driftbench import cli, datasets
from driftbench.workload import COLUMNS

PYTHON = cli.default_evidently_python()
pytestmark = pytest.mark.skipif(not Path(PYTHON).exists(), reason="no .venv-evidently")


def test_generates_once_deterministically_with_the_expected_columns(tmp_path):
    first = datasets.ensure_workload(tmp_path / "a", PYTHON, seed=7, reference_rows=300, current_rows=500)
    second = datasets.ensure_workload(tmp_path / "b", PYTHON, seed=7, reference_rows=300, current_rows=500)
    assert filecmp.cmp(first.current, second.current, shallow=False)
    with open(first.current, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [column.name for column in COLUMNS] and len(rows) == 501
    dtypes = first.manifest["generator"]["files"]["reference"]["dtypes"]
    for column in COLUMNS:
        assert (dtypes[column.name] == "object") == (column.kind == "cat"), column.name
    assert dtypes["age"] == "int64" and dtypes["ratio"] == "float64"
    # Cached: the second call for the same parameters reuses the files.
    again = datasets.ensure_workload(tmp_path / "a", PYTHON, seed=7, reference_rows=300, current_rows=500)
    assert again.current.stat().st_mtime_ns == first.current.stat().st_mtime_ns
    assert not list((tmp_path / "a").glob("*.tmp-*"))
