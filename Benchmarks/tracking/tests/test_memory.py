"""The tree walk must include children, since MLflow's work happens in them."""

import os
import subprocess
import sys

from keelbench.memory import process_tree, tree_memory


def test_tree_includes_children_and_sums_rss():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in process_tree(os.getpid())
        rss, pss, count = tree_memory(os.getpid())
        assert count >= 2 and rss > 0 and pss > 0
    finally:
        child.kill()
        child.wait()
