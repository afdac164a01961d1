#!/usr/bin/env python3
"""Entry point: ``.venv/bin/python Benchmarks/genai/run_benchmark.py [--quick] [--traces N] [--json out.json]``.

Runs the same trace workload against ``keel server`` and a real ``mlflow server`` on this machine, one
after the other, and prints the ratios against issue 10's goals (>= 20x ingest, >= 10x search).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tracking"))  # reuses keelbench's server handling

from tracebench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
