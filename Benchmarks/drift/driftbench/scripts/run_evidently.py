"""One measured Evidently run (run by the Evidently Python, one process per measurement).

Usage: ``run_evidently.py REFERENCE.csv CURRENT.csv OUT.json``

Does what a user of Evidently's legacy drift report does, timing each phase
with ``time.perf_counter``:

1. ``import`` pandas and Evidently's legacy report API;
2. ``read``: ``pandas.read_csv`` of both files (default options);
3. ``compute``: ``Report(metrics=[DataDriftTable(), DatasetDriftMetric()])``
   ``.run(reference_data=..., current_data=..., column_mapping=ColumnMapping())``;
4. ``extract``: ``report.as_dict()``, the per-column and data set results.

After each phase it records the process's resident memory (``VmRSS``) and
its high-water mark so far (``VmHWM``) from ``/proc/self/status``. Writes the
results and timings to OUT.json (not timed). Warnings are silenced so they do
not cost terminal time.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore")


def memory_mb() -> dict:
    """VmRSS and VmHWM of this process, in MiB (0 where /proc is not available)."""
    values = {"rss_mb": 0.0, "hwm_mb": 0.0}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    values["rss_mb"] = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    values["hwm_mb"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return values


def finite(value):
    """JSON-safe float: NaN and infinities as strings, like ``keel drift --json``."""
    value = float(value)
    return value if value == value and abs(value) != float("inf") else str(value)


def main() -> int:
    reference_path, current_path, out_path = sys.argv[1:4]
    timings, memory = {}, {}
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = now - mark
        memory[name] = memory_mb()
        mark = now

    import evidently
    import pandas as pd
    from evidently.legacy.metrics import DataDriftTable, DatasetDriftMetric
    from evidently.legacy.pipeline.column_mapping import ColumnMapping
    from evidently.legacy.report import Report
    phase("import")

    reference = pd.read_csv(reference_path)
    current = pd.read_csv(current_path)
    phase("read")

    report = Report(metrics=[DataDriftTable(), DatasetDriftMetric()])
    report.run(reference_data=reference, current_data=current, column_mapping=ColumnMapping())
    phase("compute")

    results = report.as_dict()
    phase("extract")

    table, dataset = results["metrics"][0]["result"], results["metrics"][1]["result"]
    columns = [{
        "column": name,
        "column_type": column["column_type"],
        "stattest_name": column["stattest_name"],
        "drift_score": finite(column["drift_score"]),
        "threshold": finite(column["stattest_threshold"]),
        "drift_detected": bool(column["drift_detected"]),
    } for name, column in table["drift_by_columns"].items()]
    output = {
        "columns": columns,
        "dataset": {
            "number_of_columns": int(dataset["number_of_columns"]),
            "number_of_drifted_columns": int(dataset["number_of_drifted_columns"]),
            "share_of_drifted_columns": finite(dataset["share_of_drifted_columns"]),
            "drift_share_threshold": finite(dataset["drift_share"]),
            "dataset_drift": bool(dataset["dataset_drift"]),
        },
        "timings": timings,
        "since_interpreter_ready_s": time.perf_counter() - STARTED,
        "memory": memory,
        "rows": {"reference": len(reference), "current": len(current)},
        "dtypes": {name: str(dtype) for name, dtype in reference.dtypes.items()},
        "versions": {"python": sys.version.split()[0], "evidently": evidently.__version__,
                     "pandas": pd.__version__, "numpy": __import__("numpy").__version__,
                     "scipy": __import__("scipy").__version__},
    }
    with open(out_path, "w") as out:
        json.dump(output, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
