"""Running one process and measuring it: wall time, CPU time and peak resident memory.

The peak comes from two sources, and the larger is reported:

* the kernel's high-water mark, ``ru_maxrss`` from ``wait4`` -- what
  ``/usr/bin/time -v`` prints as "Maximum resident set size". It is exact
  (no sampling) and covers the process and any children it waited for, but
  only the largest single process, not their sum;
* the summed RSS of the live process tree, sampled from ``/proc`` every
  ``interval`` seconds, which would catch helper processes running side by
  side (neither ``keel drift`` nor the Evidently script starts any; the
  sample is a cross-check).

Wall time runs from just before the fork to ``wait4`` returning. Every
process runs in its own session, so a time-out kills it and anything it
started, and nothing else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class RunError(RuntimeError):
    """A measured process could not start, timed out or failed; the message quotes its stderr."""


@dataclass
class Measurement:
    argv: list[str]
    exit_code: int
    wall_s: float
    user_s: float
    sys_s: float
    maxrss_mb: float          # kernel high-water mark (wait4 ru_maxrss)
    sampled_peak_mb: float    # peak of the summed /proc tree RSS
    samples: int
    stdout_path: str
    stderr_path: str

    @property
    def peak_rss_mb(self) -> float:
        return max(self.maxrss_mb, self.sampled_peak_mb)

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    def as_dict(self) -> dict:
        return {**asdict(self), "peak_rss_mb": self.peak_rss_mb, "cpu_s": self.cpu_s}


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the parenthesised command (which may contain spaces)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()


def process_tree(root: int) -> list[int]:
    """``root`` and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))  # fields[1] = ppid
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_SIZE / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_rss_mb(root: int) -> float:
    """Summed RSS of the tree at ``root``, in MiB (0 once it has exited)."""
    tree = process_tree(root) if rss_mb(root) else [root]
    return sum(map(rss_mb, tree))


class PeakRssSampler:
    """Background thread keeping the peak tree RSS of ``root_pid`` (``with PeakRssSampler(pid) as s:``)."""

    def __init__(self, root_pid: int, interval: float = 0.05):
        self.root_pid = root_pid
        self.interval = interval
        self.peak_mb = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> "PeakRssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.root_pid))
            self.samples += 1
            if self._stop.wait(self.interval):
                return


def tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "    | (no output)"
    return "\n".join("    | " + line for line in text) or "    | (no output)"


def run_measured(argv: list[str], stdout_path: Path, stderr_path: Path, timeout: float,
                 interval: float = 0.05, env: dict[str, str] | None = None) -> Measurement:
    """Run ``argv`` to completion with output to files; raise RunError if it fails or times out."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        started = time.perf_counter()
        try:
            popen = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                     start_new_session=True, env=env)
        except OSError as error:
            raise RunError(f"cannot run {argv[0]}: {error}") from None
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            with PeakRssSampler(popen.pid, interval) as sampler:
                _, status, usage = os.wait4(popen.pid, 0)
                wall = time.perf_counter() - started
        finally:
            timer.cancel()
        popen.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
    if timed_out.is_set():
        raise RunError(f"{' '.join(argv)}: killed after {timeout:.0f} s\n  stderr:\n{tail(stderr_path)}")
    if popen.returncode != 0:
        raise RunError(f"{' '.join(argv)}: exit status {popen.returncode}\n  stderr:\n{tail(stderr_path)}")
    return Measurement(argv=argv, exit_code=popen.returncode, wall_s=wall, user_s=usage.ru_utime,
                       sys_s=usage.ru_stime, maxrss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
                       sampled_peak_mb=sampler.peak_mb, samples=sampler.samples,
                       stdout_path=str(stdout_path), stderr_path=str(stderr_path))
