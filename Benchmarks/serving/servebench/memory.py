"""Resident memory and CPU time of a server's whole process tree, read from /proc.

Both servers delegate the model to child processes (``mlflow models serve``
runs uvicorn; Keel runs Python workers), so measuring only the launched PID
would flatter either. Everything here sums over the root and all its
descendants. RSS counts pages shared between processes once per process, as
``top`` does.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the parenthesised command (which may contain spaces)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))  # fields[1] = ppid
    return children


def process_tree(root: int) -> list[int]:
    """``root`` and all its live descendants."""
    children = _children_map()
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _cpu_ticks(pid: int) -> int:
    fields = _stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0  # utime + stime


def tree_rss_mb(root: int) -> float:
    """Summed RSS of the tree at ``root``, in MiB."""
    return sum(map(_rss_bytes, process_tree(root))) / 2**20


def tree_cpu_seconds(root: int) -> float:
    """CPU time consumed so far by the live processes of the tree."""
    return sum(map(_cpu_ticks, process_tree(root))) / _CLOCK_TICKS


class PeakRssSampler:
    """Background thread keeping the peak tree RSS while a load runs (``with PeakRssSampler(pid) as s:``)."""

    def __init__(self, root_pid: int, interval: float = 0.25):
        self.root_pid = root_pid
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> "PeakRssSampler":
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _sample(self) -> None:
        self.peak_mb = max(self.peak_mb, tree_rss_mb(self.root_pid))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()
