"""Measuring one process: wall time, the kernel's peak RSS, the /proc tree sampler, failures and time-outs."""

import os
import subprocess
import sys
import time

import pytest

from driftbench.measure import PeakRssSampler, RunError, process_tree, run_measured, tree_rss_mb

ALLOCATE = "import time; block = bytearray(300 * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(0.5)"


def test_peak_rss_of_a_process_that_touches_300_mb(tmp_path):
    m = run_measured([sys.executable, "-c", ALLOCATE], tmp_path / "out", tmp_path / "err", timeout=60,
                     interval=0.05)
    assert m.exit_code == 0
    assert 300 <= m.maxrss_mb < 600          # the kernel's high-water mark
    assert 250 <= m.sampled_peak_mb < 600    # sampled while it slept
    assert m.peak_rss_mb == max(m.maxrss_mb, m.sampled_peak_mb)
    assert m.wall_s >= 0.5 and m.samples >= 3
    assert m.as_dict()["peak_rss_mb"] == m.peak_rss_mb


def test_sampler_sums_the_whole_tree():
    child = subprocess.Popen([sys.executable, "-c", ALLOCATE.replace("0.5", "5")])
    try:
        deadline = time.monotonic() + 10
        while tree_rss_mb(child.pid) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.pid in process_tree(os.getpid())
        with PeakRssSampler(os.getpid(), interval=0.01) as sampler:
            time.sleep(0.05)
        assert sampler.peak_mb >= 300  # this process + the child
    finally:
        child.kill()
        child.wait()
    assert tree_rss_mb(child.pid) == 0  # gone


def test_failure_quotes_stderr(tmp_path):
    with pytest.raises(RunError, match=r"exit status 3(.|\n)*boom"):
        run_measured([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"],
                     tmp_path / "out", tmp_path / "err", timeout=60)


def test_timeout_kills_the_process_group(tmp_path):
    started = time.monotonic()
    with pytest.raises(RunError, match="killed after 1 s"):
        run_measured([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "out", tmp_path / "err",
                     timeout=1)
    assert time.monotonic() - started < 10


def test_missing_program(tmp_path):
    with pytest.raises(RunError, match="cannot run"):
        run_measured([str(tmp_path / "nope")], tmp_path / "out", tmp_path / "err", timeout=5)
