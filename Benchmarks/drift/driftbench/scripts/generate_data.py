"""Write the benchmark's reference and current CSV files (run by a Python with numpy and pandas).

Usage: ``generate_data.py OUT_DIR --seed S --reference-rows N --current-rows M``

Each column of each side comes from ``numpy.random.default_rng([seed, column
index, side])`` following ``driftbench.workload.COLUMNS``. Floats are rounded
to a few decimals, so any correctly rounding parser (pandas, Swift's
``Double(String)``) reads the same doubles back. Integer columns are written
as integers (pandas reads them as ``int64``); missing cells are empty. Prints
one ``DRIFTBENCH-DATA {json}`` line with what it wrote.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from driftbench.workload import COLUMNS, ColumnSpec  # noqa: E402

RESULT_MARKER = "DRIFTBENCH-DATA"


def draw(spec: ColumnSpec, params: dict, rows: int, rng: np.random.Generator):
    """``rows`` values of one column on one side: a numpy array, or an object array for categories."""
    if spec.dist == "choice":
        values = np.asarray(params["values"], dtype=object if spec.kind == "cat" else None)
        data = rng.choice(values, size=rows, p=np.asarray(params["p"]) / np.sum(params["p"]))
    else:
        data = getattr(rng, spec.dist)(size=rows, **params)
    if spec.clip is not None:
        data = np.clip(data, *spec.clip)
    if spec.decimals is not None:
        data = np.round(data, spec.decimals)
        if spec.decimals == 0:
            data = data.astype(np.int64)
    if spec.missing:
        holes = rng.random(rows) < spec.missing
        data = data.astype(object if spec.kind == "cat" else np.float64)
        data[holes] = None if spec.kind == "cat" else np.nan
    return data


def frame(side: int, rows: int, seed: int) -> pd.DataFrame:
    columns = {}
    for index, spec in enumerate(COLUMNS):
        rng = np.random.default_rng([seed, index, side])
        columns[spec.name] = draw(spec, spec.reference if side == 0 else spec.current, rows, rng)
    return pd.DataFrame(columns)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--reference-rows", type=int, required=True)
    parser.add_argument("--current-rows", type=int, required=True)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = {}
    for side, (name, rows) in enumerate([("reference", args.reference_rows), ("current", args.current_rows)]):
        data = frame(side, rows, args.seed)
        path = args.out_dir / f"{name}.csv"
        data.to_csv(path, index=False, lineterminator="\n")
        dtypes = pd.read_csv(path, nrows=1000).dtypes
        written[name] = {"path": str(path), "rows": rows, "bytes": path.stat().st_size,
                         "dtypes": {column: str(dtype) for column, dtype in dtypes.items()}}
    result = {"files": written, "seconds": time.perf_counter() - started,
              "versions": {"numpy": np.__version__, "pandas": pd.__version__}}
    print(f"{RESULT_MARKER} {json.dumps(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
