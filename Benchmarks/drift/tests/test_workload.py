"""The workload is what the issue asks for: 15 numeric + 5 categorical columns, some drifted, valid parameters."""

import math

from driftbench import workload
from driftbench.workload import COLUMNS


def test_twenty_columns_fifteen_numeric_five_categorical():
    assert len(COLUMNS) == 20
    assert sum(column.kind == "num" for column in COLUMNS) == 15
    assert sum(column.kind == "cat" for column in COLUMNS) == 5
    assert len({column.name for column in COLUMNS}) == 20
    # Not Evidently's utility columns, which the default ColumnMapping treats specially.
    assert not {"target", "prediction", "datetime"} & {column.name for column in COLUMNS}


def test_some_columns_drift_and_the_data_set_does_not():
    expected = workload.expectation()
    assert 0 < len(expected.drifted_columns) < len(COLUMNS)
    assert expected.dataset_drift is False  # 8/20 = 0.4 < 0.5
    assert workload.expectation(drift_share=0.4).dataset_drift is True  # share >= threshold


def test_choice_probabilities_are_distributions_and_categories_are_not_missing_markers():
    pandas_missing = {"", "NA", "N/A", "NULL", "NaN", "None", "nan", "null", "n/a", "<NA>"}
    for column in COLUMNS:
        if column.dist != "choice":
            continue
        for side in (column.reference, column.current):
            assert len(side["values"]) == len(side["p"])
            assert math.isclose(sum(side["p"]), 1.0, rel_tol=1e-9), column.name
            assert not pandas_missing & {str(value) for value in side["values"]}, column.name


def test_undrifted_columns_have_the_same_distribution_on_both_sides():
    for column in COLUMNS:
        if not column.drifted and column.name != "temperature":  # temperature: a planted sub-threshold shift
            assert column.reference == column.current, column.name


def test_expected_tests_follow_evidentlys_defaults_for_large_references():
    for column in COLUMNS:
        few_values = column.dist == "choice" and len(column.reference["values"]) <= 5
        if column.kind == "cat" or few_values:
            assert column.expected_test == "jensenshannon", column.name
        else:
            assert column.expected_test == "wasserstein", column.name


def test_cache_key_changes_with_every_parameter():
    keys = {workload.cache_key(1, 10, 100), workload.cache_key(2, 10, 100), workload.cache_key(1, 11, 100),
            workload.cache_key(1, 10, 101)}
    assert len(keys) == 4
    assert workload.cache_key(1, 10, 100).startswith(f"v{workload.WORKLOAD_VERSION}-")
