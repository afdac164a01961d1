#!/usr/bin/env python3
"""Entry point: ``.venv/bin/python Benchmarks/web/run_benchmark.py [--keel-bin BIN] [--quick] [--json out.json]``.

Seeds one experiment of 100,000 runs into ``keel server`` and into a real ``mlflow server``, opens
the same views on each, one server after the other, and prints the ratios.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tracking"))  # reuses keelbench's HTTP client and server handling

from webbench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
