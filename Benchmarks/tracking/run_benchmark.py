#!/usr/bin/env python3
"""Entry point: ``.venv/bin/python Benchmarks/tracking/run_benchmark.py [--quick] [--scale] [--json out.json]``.

A thin wrapper so the benchmark runs from any working directory without
installing the ``keelbench`` package.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keelbench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
