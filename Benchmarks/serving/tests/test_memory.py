"""The tree walk must include children, since both servers do their work in them."""

import os
import subprocess
import sys

from servebench.memory import PeakRssSampler, process_tree, tree_cpu_seconds, tree_rss_mb


def test_tree_includes_children_and_sums_rss():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in process_tree(os.getpid())
        assert tree_rss_mb(os.getpid()) > 0
        assert tree_cpu_seconds(os.getpid()) > 0
        with PeakRssSampler(os.getpid(), interval=0.01) as sampler:
            pass
        assert sampler.peak_mb > 0
    finally:
        child.kill()
        child.wait()
