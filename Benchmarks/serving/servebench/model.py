"""The benchmark model: trained and registered by ``train_model.py`` in the serving Python."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .processes import StartError, process_environment

# In a directory of its own: a script's directory goes first on sys.path, where this package's modules
# (http_calls, config, log, ...) could shadow the ones MLflow imports.
TRAIN_SCRIPT = Path(__file__).parent / "scripts" / "train_model.py"
RESULT_MARKER = "SERVEBENCH-MODEL"


@dataclass(frozen=True)
class RegisteredModel:
    """What the targets serve and what they must answer."""

    name: str
    alias: str
    version: str
    dataset: str
    accuracy: float
    payload: dict          # the one-row dataframe_split body every request sends
    expected: dict         # {"predictions": [...]} from the model in the training process
    check_payload: dict    # several rows, for the prediction check only
    check_expected: dict
    versions: dict         # python / mlflow / scikit-learn / pandas of the serving Python

    @property
    def registry_uri(self) -> str:
        return f"models:/{self.name}@{self.alias}"

    def payload_bytes(self) -> bytes:
        return json.dumps(self.payload, separators=(",", ":")).encode()


def register_model(python: str, tracking_uri: str, name: str, alias: str, dataset: str,
                   timeout: float = 300) -> RegisteredModel:
    """Run the training script against ``tracking_uri``; raise StartError with its output on failure."""
    argv = [python, str(TRAIN_SCRIPT), "--name", name, "--alias", alias, "--dataset", dataset]
    env = process_environment(python, MLFLOW_TRACKING_URI=tracking_uri)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise StartError(f"training/registering the model took more than {timeout:.0f} s") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARKER + " ")]
    if done.returncode != 0 or not lines:
        tail = "\n".join("    | " + line for line in (done.stdout + done.stderr).splitlines()[-25:])
        raise StartError(f"could not log/register the model at {tracking_uri} (exit {done.returncode}):\n{tail}")
    result = json.loads(lines[-1][len(RESULT_MARKER) + 1:])
    return RegisteredModel(name=result["name"], alias=result["alias"], version=result["version"],
                           dataset=result["dataset"], accuracy=result["accuracy"], payload=result["payload"],
                           expected=result["expected"], check_payload=result["check_payload"],
                           check_expected=result["check_expected"], versions=result["versions"])
