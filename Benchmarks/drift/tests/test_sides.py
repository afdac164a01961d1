"""Both sides' JSON answers normalised to one shape, and the Evidently figures derived from its phases."""

from driftbench import sides
from driftbench.measure import Measurement

KEEL_JSON = {
    "columns": [{"column": "age", "column_type": "num", "stattest": "wasserstein",
                 "stattest_name": "Wasserstein distance (normed)", "score_kind": "distance",
                 "drift_score": 0.0123, "threshold": 0.1, "drift_detected": False,
                 "reference_count": 10, "current_count": 20},
                {"column": "odd", "column_type": "num", "stattest": "wasserstein", "stattest_name": "x",
                 "score_kind": "distance", "drift_score": "nan", "threshold": 0.1, "drift_detected": False,
                 "reference_count": 10, "current_count": 20}],
    "dataset": {"number_of_columns": 2, "number_of_drifted_columns": 0, "share_of_drifted_columns": 0,
                "drift_share_threshold": 0.5, "dataset_drift": False},
}
EVIDENTLY_JSON = {
    "columns": [{"column": "age", "column_type": "num", "stattest_name": "Wasserstein distance (normed)",
                 "drift_score": 0.0123, "threshold": 0.1, "drift_detected": False},
                {"column": "odd", "column_type": "num", "stattest_name": "Wasserstein distance (normed)",
                 "drift_score": "nan", "threshold": 0.1, "drift_detected": False}],
    "dataset": {"number_of_columns": 2, "number_of_drifted_columns": 0, "share_of_drifted_columns": 0.0,
                "drift_share_threshold": 0.5, "dataset_drift": False},
}


def test_both_answers_normalise_to_the_same_shape():
    keel, evidently = sides.normalise_keel(KEEL_JSON), sides.normalise_evidently(EVIDENTLY_JSON)
    assert keel["columns"][0] == evidently["columns"][0] == {
        "column": "age", "type": "num", "test": "wasserstein", "score": 0.0123, "threshold": 0.1, "detected": False}
    assert keel["dataset"] == evidently["dataset"] == {"columns": 2, "drifted": 0, "share": 0.0, "detected": False}
    assert keel["columns"][1]["score"] != keel["columns"][1]["score"]  # "nan" -> NaN


def test_every_default_display_name_maps_to_a_registry_name():
    assert set(sides.STATTEST_NAMES.values()) == {"ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi"}
    unknown = dict(EVIDENTLY_JSON, columns=[dict(EVIDENTLY_JSON["columns"][0], stattest_name="Energy distance")])
    assert sides.normalise_evidently(unknown)["columns"][0]["test"] == "Energy distance"


def test_evidently_end_to_end_is_read_plus_compute_plus_extract():
    measurement = Measurement(argv=["python"], exit_code=0, wall_s=40.0, user_s=30.0, sys_s=5.0, maxrss_mb=1000.0,
                              sampled_peak_mb=990.0, samples=10, stdout_path="o", stderr_path="e")
    times = sides.evidently_times(measurement, {"timings": {"import": 6.0, "read": 2.5, "compute": 26.0,
                                                            "extract": 0.5}})
    assert times == {"end_to_end_s": 29.0, "compute_s": 26.0, "read_s": 2.5, "import_s": 6.0, "extract_s": 0.5,
                     "process_s": 40.0}
