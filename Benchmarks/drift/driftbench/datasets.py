"""The generated CSV files: where they are cached, and generating them once.

A workload lives in ``<cache>/<cache_key>/`` (``reference.csv``,
``current.csv``, ``manifest.json``); the key holds the workload version, the
seed and both row counts, so a cached copy is reused only if it is exactly
what would be generated. ``<cache>`` defaults to
``$XDG_CACHE_HOME/keel-benchmarks/drift`` (``~/.cache/...``). Generation runs
``scripts/generate_data.py`` in the Python that has numpy and pandas (the
Evidently one), into a temporary sibling directory renamed into place when
complete, so an interrupted run never leaves half a workload behind. Its
time is printed but is not part of any measurement.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .log import say
from .workload import COLUMNS, WORKLOAD_VERSION, cache_key

GENERATE_SCRIPT = Path(__file__).parent / "scripts" / "generate_data.py"
RESULT_MARKER = "DRIFTBENCH-DATA"
MANIFEST = "manifest.json"


class DataError(RuntimeError):
    """The workload could not be generated; the message quotes the generator's output."""


@dataclass(frozen=True)
class Workload:
    directory: Path
    manifest: dict

    @property
    def reference(self) -> Path:
        return self.directory / "reference.csv"

    @property
    def current(self) -> Path:
        return self.directory / "current.csv"

    def size_mb(self) -> float:
        return (self.reference.stat().st_size + self.current.stat().st_size) / 2**20


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "keel-benchmarks" / "drift"


def _complete(directory: Path) -> dict | None:
    """The manifest of a complete cached workload, else None."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    files_there = all((directory / name).is_file() for name in ("reference.csv", "current.csv"))
    return manifest if files_there and manifest.get("workload_version") == WORKLOAD_VERSION else None


def ensure_workload(cache_dir: Path, python: str, seed: int, reference_rows: int, current_rows: int,
                    regenerate: bool = False, timeout: float = 1800) -> Workload:
    """The cached workload for these parameters, generating it first if needed (raises DataError)."""
    directory = cache_dir / cache_key(seed, reference_rows, current_rows)
    if not regenerate and (manifest := _complete(directory)) is not None:
        say("data", f"using cached {directory}")
        return Workload(directory, manifest)
    say("data", f"generating {reference_rows:,} + {current_rows:,} rows into {directory} (once; not measured)")
    staging = directory.with_name(f"{directory.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    argv = [python, str(GENERATE_SCRIPT), str(staging), "--seed", str(seed),
            "--reference-rows", str(reference_rows), "--current-rows", str(current_rows)]
    started = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        raise DataError(f"generating the data took more than {timeout:.0f} s") from None
    except OSError as error:
        raise DataError(f"cannot run {python}: {error}") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARKER + " ")]
    if done.returncode != 0 or not lines:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join("    | " + line for line in (done.stdout + done.stderr).splitlines()[-25:])
        raise DataError(f"the data generator failed (exit {done.returncode}): {' '.join(argv)}\n{tail}")
    result = json.loads(lines[-1][len(RESULT_MARKER) + 1:])
    manifest = {"workload_version": WORKLOAD_VERSION, "seed": seed, "reference_rows": reference_rows,
                "current_rows": current_rows, "generated_in_s": time.monotonic() - started,
                "generator": result, "columns": [column.as_dict() for column in COLUMNS]}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1))
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)
    say("data", f"written in {manifest['generated_in_s']:.1f} s "
                f"({(result['files']['reference']['bytes'] + result['files']['current']['bytes']) / 2**20:,.0f} MB)")
    return Workload(directory, manifest)


def warm_page_cache(paths: list[Path]) -> None:
    """Read the files once so every measured run reads them from memory, not from the disk."""
    for path in paths:
        with open(path, "rb") as handle:
            while handle.read(8 << 20):
                pass
