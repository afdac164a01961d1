"""Where Keel's time and memory go: a phase split from extra runs, and an optional ``perf`` profile.

``--keel-phases`` runs ``keel drift REF CUR --json --columns device``: the
same two files read and typed in full (``DataTable.read`` types every column
before any test runs), but only one cheap categorical column tested. Its
median wall time and peak RSS estimate the *read* phase; the full run minus
it estimates the *tests* phase. Crude, but it needs nothing but the binary.

``--keel-profile`` records one full run with ``perf record -g`` (Linux, when
``perf`` is installed) and prints the heaviest frames by inclusive time,
with Swift symbols shortened by ``short_symbol`` (a rough reading of the
mangled names, no Swift toolchain needed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .report import median
from .sides import run_keel

READ_ONLY_COLUMN = "device"

_LENGTH = re.compile(r"\d+")
_SUFFIX = re.compile(r"T[fgWm]")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Frames every sample passes through: the thread, the async runtime, the command itself.
_PLUMBING = re.compile(r"dispatch|start_thread|swift_job_run|runJobInEstablishedExecutorContext|clone3?$|^main$|"
                       r"__libc_start|_start$|4keel4KeelV5DriftV3run|0000000000000000|swift_task")


def keel_phases(keel_bin: str, reference: Path, current: Path, workdir: Path, repeats: int, timeout: float,
                interval: float, full_wall_s: float | None, full_peak_mb: float | None) -> dict:
    """Median wall/peak of read-and-type-only runs, and the tests' share derived from the full runs."""
    runs = [run_keel(keel_bin, reference, current, workdir, f"keel-read-only-{index + 1}", timeout, interval,
                     ("--columns", READ_ONLY_COLUMN)) for index in range(repeats)]
    read_s = median([run["wall_s"] for run in runs])
    read_peak = median([run["peak_rss_mb"] for run in runs])
    return {"read_only_columns": [READ_ONLY_COLUMN], "read_and_type_s": read_s, "read_and_type_peak_rss_mb": read_peak,
            "tests_s": None if full_wall_s is None else max(full_wall_s - read_s, 0.0),
            "full_wall_s": full_wall_s, "full_peak_rss_mb": full_peak_mb,
            "runs": [run["measurement"] for run in runs]}


def render_phases(phases: dict) -> str:
    full, read = phases["full_wall_s"], phases["read_and_type_s"]
    share = f" ({read / full:.0%} of the run)" if full else ""
    lines = [f"  read + type both CSV files (run with --columns {READ_ONLY_COLUMN}): {read:.2f} s{share}, "
             f"peak RSS {phases['read_and_type_peak_rss_mb']:,.0f} MB"]
    if phases["tests_s"] is not None:
        lines.append(f"  the tests (full run minus the above): {phases['tests_s']:.2f} s; "
                     f"full run peak RSS {phases['full_peak_rss_mb']:,.0f} MB")
    return "\n".join(lines)


def short_symbol(symbol: str) -> str:
    """``$s14KeelMonitoring9DataTableV6numberySdSgSSFZ...`` -> ``KeelMonitoring.DataTable.number``.

    Reads the length-prefixed identifiers of a Swift mangled name (up to four);
    anything else (C symbols, the runtime) is returned unchanged.
    """
    if not symbol.startswith(("$s", "_$s")):
        return symbol
    body = symbol[symbol.index("$s") + 2:]
    names: list[str] = []
    position = 0
    while len(names) < 4 and (match := _LENGTH.search(body, position)):
        if _SUFFIX.search(body[position:match.start()]):
            break  # specialisation / thunk suffixes: no more names
        length, start = int(match.group()), match.end()
        word = body[start:start + length]
        if len(word) == length and length >= 2 and _IDENTIFIER.fullmatch(word):
            names.append(word)
            position = start + length
        else:
            position = match.end()
    if not names:
        return symbol[:80]
    closure = " (closure)" if re.search(r"XEfU|fU_", body) else ""
    return ".".join(names) + closure


def perf_available() -> bool:
    return shutil.which("perf") is not None


def keel_profile(keel_bin: str, reference: Path, current: Path, workdir: Path, top: int = 25) -> dict:
    """``perf record -g`` one full run; the heaviest non-plumbing frames by inclusive ("children") share."""
    data = workdir / "keel.perf.data"
    record = subprocess.run(["perf", "record", "-F", "199", "-g", "-o", str(data), "--", keel_bin, "drift",
                             str(reference), str(current), "--json"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if record.returncode != 0:
        return {"error": f"perf record failed: {record.stderr.strip()[-500:]}"}
    report = subprocess.run(["perf", "report", "-i", str(data), "--children", "--stdio", "--sort", "symbol",
                             "-g", "none", "--percent-limit", "1"], capture_output=True, text=True)
    frames = []
    for line in report.stdout.splitlines():
        match = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[.\]\s+(\S+)", line)
        if match and not _PLUMBING.search(match.group(3)):
            frames.append({"inclusive_pct": float(match.group(1)), "self_pct": float(match.group(2)),
                           "symbol": match.group(3), "short": short_symbol(match.group(3))})
    return {"perf_data": str(data), "frames": frames[:top]}


def render_profile(profile: dict) -> str:
    if "error" in profile:
        return f"  {profile['error']}"
    lines = ["  incl %  self %  frame"]
    lines += [f"  {f['inclusive_pct']:6.1f}  {f['self_pct']:6.1f}  {f['short']}" for f in profile["frames"]]
    return "\n".join(lines)
