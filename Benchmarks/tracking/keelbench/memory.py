"""Peak memory of a server's whole process tree, sampled from /proc.

``mlflow server`` is a launcher: the work happens in uvicorn/gunicorn worker
children, so measuring only the launched PID would flatter MLflow. We sum over
every descendant. RSS counts pages shared between workers once per process
(that is the headline figure, as users see it in ``top``); PSS, which splits
shared pages fairly, is recorded alongside so the comparison can be judged.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 (ppid) follows the parenthesised command, which may contain spaces.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
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


def _pss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def tree_cpu_seconds(root: int) -> float:
    """CPU time consumed so far by the live processes of the tree."""
    return sum(map(_cpu_ticks, process_tree(root))) / os.sysconf("SC_CLK_TCK")


def _command(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [w.decode(errors="replace") for w in argv if w]
    # "python3 -m uvicorn ..." says more than "python3": keep the first few words, shortened.
    return " ".join(Path(w).name if w.startswith("/") else w for w in words[:4])[:80]


def tree_breakdown(root: int) -> list[dict]:
    """Per-process RSS of the tree, largest first: shows where MLflow's memory sits."""
    rows = [{"pid": pid, "rss_mb": round(_rss_bytes(pid) / 2**20, 1), "command": _command(pid)}
            for pid in process_tree(root)]
    return sorted(rows, key=lambda row: row["rss_mb"], reverse=True)


def tree_memory(root: int) -> tuple[int, int, int]:
    """(summed RSS bytes, summed PSS bytes, process count) for the tree at ``root``."""
    pids = process_tree(root)
    return sum(map(_rss_bytes, pids)), sum(map(_pss_bytes, pids)), len(pids)


class TreeMemorySampler:
    """Background thread keeping the peak tree RSS/PSS while a workload runs.

    The sampler shares the client's process (and GIL), so it is kept cheap:
    the process list is rescanned every 4th sample and PSS, whose
    ``smaps_rollup`` walk costs several ms per large Python process, only every
    16th sample (4 s at the default interval) and at the end.
    """

    TREE_EVERY = 4
    PSS_EVERY = 16

    def __init__(self, root_pid: int | None, interval: float = 0.25):
        self.root_pid = root_pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.max_processes = 0
        self.samples = 0
        self._pids: list[int] = []
        self.breakdown: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> "TreeMemorySampler":
        if self.root_pid is not None:
            self.sample(full=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.root_pid is not None:
            self._stop.set()
            self._thread.join()
            self.sample(full=True)
            self.breakdown = tree_breakdown(self.root_pid)

    def sample(self, full: bool = False) -> None:
        if full or self.samples % self.TREE_EVERY == 0:
            self._pids = process_tree(self.root_pid)
            self.max_processes = max(self.max_processes, len(self._pids))
        self.peak_rss = max(self.peak_rss, sum(map(_rss_bytes, self._pids)))
        if full or self.samples % self.PSS_EVERY == 0:
            self.peak_pss = max(self.peak_pss, sum(map(_pss_bytes, self._pids)))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def as_dict(self) -> dict:
        if self.root_pid is None:
            return {"measured": False}
        return {"measured": True, "peak_rss_mb": self.peak_rss / 2**20, "peak_pss_mb": self.peak_pss / 2**20,
                "max_processes": self.max_processes, "samples": self.samples,
                "interval_s": self.interval, "pss_interval_s": self.interval * self.PSS_EVERY,
                "processes_at_end": self.breakdown}
