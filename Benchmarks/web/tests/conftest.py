"""Make ``webbench`` and the ``keelbench`` it builds on importable when pytest runs from the repository root."""

import sys
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(WEB))
sys.path.insert(0, str(WEB.parent / "tracking"))
