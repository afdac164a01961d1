"""The two sides: how each is run on the workload, and their answers in one common shape.

* Keel: ``keel drift REFERENCE CURRENT --json``, the whole process measured
  (start-up, reading and typing both CSV files, the tests, printing JSON).
* Evidently: ``scripts/run_evidently.py`` in the Evidently Python, the whole
  process measured, plus the phases the script times itself (imports, pandas
  ``read_csv``, ``Report.run``, ``as_dict``).

Both answers are normalised to ``{"columns": [{"column", "type", "test",
"score", "threshold", "detected"}...], "dataset": {"columns", "drifted",
"share", "detected"}}``, tests by their Evidently registry names (``ks``,
``wasserstein``, ...), so they can be compared field by field.
"""

from __future__ import annotations

import json
from pathlib import Path

from .measure import Measurement, RunError, run_measured

EVIDENTLY_SCRIPT = Path(__file__).parent / "scripts" / "run_evidently.py"

# Evidently's display names (``stattest_name``) -> registry names (docs/drift-evidently-defaults.md §4).
STATTEST_NAMES = {
    "K-S p_value": "ks",
    "chi-square p_value": "chisquare",
    "Z-test p_value": "z",
    "Wasserstein distance (normed)": "wasserstein",
    "Jensen-Shannon distance": "jensenshannon",
    "PSI": "psi",
}


def _dataset(dataset: dict) -> dict:
    return {"columns": int(dataset["number_of_columns"]), "drifted": int(dataset["number_of_drifted_columns"]),
            "share": float(dataset["share_of_drifted_columns"]), "detected": bool(dataset["dataset_drift"])}


def _column(name: str, column_type: str, test: str, score, threshold, detected) -> dict:
    # float() also reads the "nan"/"inf" strings both sides print for non-finite scores.
    return {"column": name, "type": column_type, "test": test, "score": float(score),
            "threshold": float(threshold), "detected": bool(detected)}


def normalise_keel(answer: dict) -> dict:
    """``keel drift --json`` output in the common shape."""
    return {"columns": [_column(c["column"], c["column_type"], c["stattest"], c["drift_score"], c["threshold"],
                                c["drift_detected"]) for c in answer["columns"]],
            "dataset": _dataset(answer["dataset"])}


def normalise_evidently(answer: dict) -> dict:
    """``run_evidently.py`` output in the common shape (unknown display names are kept as they are)."""
    return {"columns": [_column(c["column"], c["column_type"], STATTEST_NAMES.get(c["stattest_name"],
                                                                                  c["stattest_name"]),
                                c["drift_score"], c["threshold"], c["drift_detected"]) for c in answer["columns"]],
            "dataset": _dataset(answer["dataset"])}


def _load_json(path: str, what: str) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise RunError(f"{what}: cannot read its JSON answer {path}: {error}") from None


def run_keel(keel_bin: str, reference: Path, current: Path, workdir: Path, label: str, timeout: float,
             interval: float, extra_args: tuple[str, ...] = ()) -> dict:
    """One measured ``keel drift`` run: the measurement and the normalised answer."""
    argv = [keel_bin, "drift", str(reference), str(current), "--json", *extra_args]
    measurement = run_measured(argv, workdir / f"{label}.json", workdir / f"{label}.err", timeout, interval)
    answer = normalise_keel(_load_json(measurement.stdout_path, label))
    return {"measurement": measurement.as_dict(), "wall_s": measurement.wall_s,
            "peak_rss_mb": measurement.peak_rss_mb, "cpu_s": measurement.cpu_s, "answer": answer}


def evidently_times(measurement: Measurement, script_output: dict) -> dict:
    """The figures reported for one Evidently run, from the process measurement and the script's phases.

    ``end_to_end_s`` = read + compute + extract: what a loaded Python pays to
    go from two CSV paths to drift results (interpreter start-up and imports
    excluded, which favours Evidently). ``compute_s`` = ``Report.run`` alone.
    ``process_s`` is the whole process, start-up and imports included.
    """
    phases = script_output["timings"]
    return {"end_to_end_s": phases["read"] + phases["compute"] + phases["extract"],
            "compute_s": phases["compute"], "read_s": phases["read"], "import_s": phases["import"],
            "extract_s": phases["extract"], "process_s": measurement.wall_s}


def run_evidently(python: str, reference: Path, current: Path, workdir: Path, label: str, timeout: float,
                  interval: float) -> dict:
    """One measured Evidently run: the measurement, phase times, memory checkpoints and normalised answer."""
    out_path = workdir / f"{label}.json"
    argv = [python, str(EVIDENTLY_SCRIPT), str(reference), str(current), str(out_path)]
    measurement = run_measured(argv, workdir / f"{label}.out", workdir / f"{label}.err", timeout, interval)
    output = _load_json(str(out_path), label)
    return {"measurement": measurement.as_dict(), **evidently_times(measurement, output),
            "wall_s": measurement.wall_s, "peak_rss_mb": measurement.peak_rss_mb, "cpu_s": measurement.cpu_s,
            "memory_checkpoints": output["memory"], "versions": output["versions"], "dtypes": output["dtypes"],
            "answer": normalise_evidently(output)}
