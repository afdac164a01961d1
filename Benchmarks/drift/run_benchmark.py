#!/usr/bin/env python3
"""Entry point: ``.venv/bin/python Benchmarks/drift/run_benchmark.py [--quick] [--json out.json]``.

A thin wrapper so the benchmark runs from any working directory without
installing the ``driftbench`` package.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from driftbench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
