"""Writing the dataset straight into each server's SQLite database while the server is stopped.

Logging 100,000 runs through ``mlflow server``'s REST API takes hours at its ~100 requests/s, so
each database is filled with one ``executemany`` per table in one transaction. The schema and
the experiment row are each server's own: Keel creates them when it starts and answers
``experiments/create``; MLflow's ``SqlAlchemyStore`` (the code ``mlflow server`` runs on an
empty database) creates them in ``create_mlflow_experiment``. Only the run rows are ours, and
they hold what each server's ``runs/create`` + ``log-batch`` would have stored (see dataset.py).
No ANALYZE is run: neither server runs one, so the query planner sees what it sees in use.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from keelbench.servers import mlflow_environment

from .dataset import Dataset

EXPERIMENT_NAME = "web-bench"

KEEL_INSERTS = {
    "runs": "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, "
            "artifact_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "params": "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)",
    "tags": "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)",
    "metrics": "INSERT INTO metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)",
    "latest_metrics": "INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)",
}

# MLflow's runs also carry the source columns its create_run fills in (source type UNKNOWN, empty names).
MLFLOW_INSERTS = dict(KEEL_INSERTS, runs=(
    "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, "
    "artifact_uri, source_type, source_name, entry_point_name, source_version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'UNKNOWN', '', '', '')"))

_CREATE_MLFLOW_EXPERIMENT = """
import sys
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
SqlAlchemyStore(sys.argv[1], "mlflow-artifacts:/").create_experiment(sys.argv[2])
"""


def create_mlflow_experiment(database: Path) -> None:
    """Creates MLflow's schema and the experiment the way ``mlflow server`` (proxied artifacts) would."""
    subprocess.run([sys.executable, "-c", _CREATE_MLFLOW_EXPERIMENT, f"sqlite:///{database}", EXPERIMENT_NAME],
                   check=True, env=mlflow_environment(), capture_output=True)


def fill(database: Path, dataset: Dataset, inserts: dict[str, str]) -> tuple[str, dict[str, int]]:
    """Inserts every run into the (stopped) server's database.

    Returns the experiment's ID and the row count of each table afterwards.
    """
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA synchronous = OFF")  # this connection only; the server sets its own
        experiment_id, location = connection.execute(
            "SELECT experiment_id, artifact_location FROM experiments WHERE name = ?", (EXPERIMENT_NAME,)).fetchone()
        rows = {
            "runs": dataset.run_rows(experiment_id, location),
            "params": dataset.param_rows(),
            "tags": dataset.tag_rows(),
            "metrics": dataset.metric_rows(),
            "latest_metrics": dataset.latest_metric_rows(),
        }
        with connection:
            for table, statement in inserts.items():
                connection.executemany(statement, rows[table])
        counts = {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in inserts}
        return str(experiment_id), counts
    finally:
        connection.close()

