#!/usr/bin/env python3
"""The SQLite floor of tracking ingest: one run's statements, with no HTTP and no Swift.

Replays the statements Keel's writer runs for one run of the ingest workload (the same
8 requests: create, log-batch, 5 log-metric, update) against a database that `keel server`
created and migrated, with Keel's pragmas (WAL, synchronous=FULL) and its group commits.
What it measures — CPU and wall time per run — is what SQLite and the disk cost on this
machine whatever the server around them does. Python's `sqlite3` module adds a little
(`executemany` keeps it small), so the figure is, if anything, above the true floor.

    .venv/bin/python Benchmarks/tracking/sqlite_floor.py --keel-bin .build/release/keel

The statements mirror `TrackingService+Runs.swift`, `TrackingService+Logging.swift` and
`MetricWriter.swift` (and `MetricBlock.swift`'s layout); keep them in step when those change.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keelbench import dataset  # noqa: E402

WRITERS = 8
LATEST_UPSERT = """
    INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)
    ON CONFLICT (run_uuid, key) DO UPDATE SET
        value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
    WHERE excluded.step > latest_metrics.step
       OR (excluded.step = latest_metrics.step AND excluded.timestamp > latest_metrics.timestamp)
"""
METRIC_INSERT = """
    INSERT INTO metrics (run_uuid, key, value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest)
    VALUES (?, ?, ?, ?, ?, 0, NULL, NULL, NULL)
"""
BLOCK_INSERT = "INSERT INTO metric_blocks (run_uuid, key, points, data) VALUES (?, ?, ?, ?)"
TAG_UPSERT = "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value"


def metric_block(points: list[tuple[int, int, float]]) -> bytes:
    """``MetricBlock.encode`` (Swift): version 1, count, then per point zigzag-varint deltas of step and
    timestamp and the value's 8 bytes, little-endian."""
    def varint(value: int) -> bytes:
        out = bytearray()
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
        return bytes(out)

    def zigzag(value: int) -> int:
        return (value << 1) ^ (value >> 63) if value >= 0 else ((-value) << 1) - 1

    out, step, timestamp = bytearray([1]) + varint(len(points)), 0, 0
    for point_step, point_timestamp, value in points:
        out += varint(zigzag(point_step - step)) + varint(zigzag(point_timestamp - timestamp)) + struct.pack("<d", value)
        step, timestamp = point_step, point_timestamp
    return bytes(out)


def migrated_database(keel_bin: str, directory: Path) -> Path:
    """Start `keel server` on `directory` until it answers /health, so it creates its schema."""
    port = 5700 + os.getpid() % 200
    server = subprocess.Popen([keel_bin, "server", "--host", "127.0.0.1", "--port", str(port),
                               "--data-dir", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("keel server did not answer /health")
    finally:
        server.terminate()
        server.wait()
    return directory / "keel.db"


def run_requests(db: sqlite3.Connection, index: int, spec: dataset.RunSpec):
    """One run's 8 requests, each a callable running that request's statements."""
    run_id = f"{time.time_ns() // 1_000_000:012x}7{index:019x}"
    lookup = "SELECT run_uuid, lifecycle_stage FROM runs WHERE run_uuid = ?"
    start = spec.start_time
    blocks = {key: metric_block([(step, start + step, value) for step, value in enumerate(series)])
              for key, series in spec.metrics.items()}

    def create():
        db.execute("SELECT experiment_id, lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = 0").fetchall()
        db.execute("INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, "
                   "artifact_uri) VALUES (?, 0, ?, 'bench', 'RUNNING', ?, NULL, 'active', ?)",
                   (run_id, spec.name, start, f"mlflow-artifacts:/0/{run_id}/artifacts"))
        db.executemany(TAG_UPSERT, [(run_id, "mlflow.user", "bench"), (run_id, "mlflow.runName", spec.name)])

    def log_batch():
        db.execute(lookup, (run_id,)).fetchall()
        db.executemany("INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (run_uuid, key) DO NOTHING",
                       [(run_id, k, v) for k, v in spec.params.items()])
        db.execute(f"SELECT key, value FROM params WHERE run_uuid = ? AND key IN ({', '.join('?' * len(spec.params))})",
                   (run_id, *spec.params)).fetchall()
        db.executemany(TAG_UPSERT, [(run_id, k, v) for k, v in spec.tags.items()])
        # Each key's steps are one block row (MetricWriter packs a key logged more than once).
        db.executemany(BLOCK_INSERT, [(run_id, key, len(series), blocks[key]) for key, series in spec.metrics.items()])
        db.executemany(LATEST_UPSERT, [(run_id, key, series[-1], start + len(series) - 1, len(series) - 1)
                                       for key, series in spec.metrics.items()])

    def log_metric(step: int):
        db.execute(lookup, (run_id,)).fetchall()
        db.execute(METRIC_INSERT, (run_id, "live", step / 5, start + step, step))
        db.execute(LATEST_UPSERT, (run_id, "live", step / 5, start + step, step))

    def update():
        db.execute(lookup, (run_id,)).fetchall()
        db.execute("UPDATE runs SET status = 'FINISHED', end_time = ? WHERE run_uuid = ?", (start + 60_000, run_id))

    return [create, log_batch, *[lambda step=step: log_metric(step) for step in range(5)], update]


def replay(path: Path, runs: int, group: int) -> dict:
    """`WRITERS` interleaved runs, their requests committed `group` at a time, as the group-commit writer does."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA wal_autocheckpoint = 10000")
    db.execute("PRAGMA synchronous = FULL")
    specs = [dataset.make_run("floor", i, 50) for i in range(16)]
    queues = [run_requests(db, i, specs[i % 16]) for i in range(WRITERS)]
    started, finished, in_transaction = WRITERS, 0, 0
    wall, cpu = time.perf_counter(), time.process_time()
    db.execute("BEGIN IMMEDIATE")
    while finished < runs:
        for writer in range(WRITERS):
            queues[writer].pop(0)()
            if not queues[writer]:
                finished += 1
                queues[writer] = run_requests(db, started, specs[started % 16])
                started += 1
            in_transaction += 1
            if in_transaction == group:
                db.execute("COMMIT")
                db.execute("BEGIN IMMEDIATE")
                in_transaction = 0
    db.execute("COMMIT")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    db.close()
    return {"runs": finished, "runs_per_s": finished / wall, "cpu_ms_per_run": cpu * 1000 / finished,
            "wall_ms_per_run": wall * 1000 / finished}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keel-bin", default=str(Path(__file__).resolve().parents[2] / ".build" / "release" / "keel"))
    parser.add_argument("--runs", type=int, default=3000, help="runs to replay per round (default 3000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported (default 3)")
    parser.add_argument("--group", type=int, default=2,
                        help="requests per commit (default 2; `perf stat` counted ~2.4 under the benchmark's ingest)")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="keel-sqlite-floor-"))
    try:
        template = migrated_database(args.keel_bin, directory / "template")
        results = []
        for round_number in range(args.rounds):
            path = directory / f"round-{round_number}.db"
            shutil.copy(template, path)
            results.append(replay(path, args.runs, args.group))
            print(f"round {round_number + 1}: {results[-1]['runs_per_s']:.0f} runs/s, "
                  f"{results[-1]['cpu_ms_per_run']:.2f} ms CPU per run (user + kernel)")
        median = sorted(results, key=lambda r: r["cpu_ms_per_run"])[len(results) // 2]
        print(f"median: {median['cpu_ms_per_run']:.2f} ms CPU and {median['wall_ms_per_run']:.2f} ms wall per run, "
              f"{args.group} requests per commit")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
