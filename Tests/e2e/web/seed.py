"""Data the page tests look at, logged through the official mlflow client."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.entities import DatasetInput, InputTag, Metric, Param

from support.rest import unique_name

RUNS = 30


def tiny_png(width: int = 8, height: int = 6) -> bytes:
    """A valid RGB PNG of a blue gradient, built by hand (no imaging library needed)."""
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in (20 * x, 40, 200)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@dataclass
class Seeded:
    experiment_id: str
    experiment_name: str
    run_ids: list[str] = field(default_factory=list)
    run_names: list[str] = field(default_factory=list)
    artifact_run: str = ""
    model_name: str = ""
    dataset_name: str = ""


def seed(url: str, tmp_path) -> Seeded:
    client = MlflowClient(url)
    name = unique_name("web pages")
    experiment_id = client.create_experiment(name)
    seeded = Seeded(experiment_id=experiment_id, experiment_name=name)
    for index in range(RUNS):
        run = client.create_run(experiment_id, run_name=f"run-{index:02d}")
        model = "tree" if index % 2 else "linear"
        lr = [0.1, 0.03, 0.01][index % 3]
        history = [Metric("rmse", 1.0 / (step + 1) + index / 100, 1_700_000_000_000 + step, step) for step in range(5)]
        client.log_batch(
            run.info.run_id,
            metrics=history + [Metric("val loss", index / 10, 1_700_000_000_000, 0)],
            params=[Param("lr", str(lr)), Param("model", model)],
        )
        client.set_terminated(run.info.run_id)
        seeded.run_ids.append(run.info.run_id)
        seeded.run_names.append(f"run-{index:02d}")

    # One run with artifacts of every preview kind and a dataset: through the client, not the
    # fluent API, whose active experiment another test may have set.
    seeded.dataset_name = unique_name("train")
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(frame, source="s3://bucket/train.csv", name=seeded.dataset_name)
    client.log_inputs(seeded.run_ids[0], datasets=[
        DatasetInput(dataset._to_mlflow_entity(), tags=[InputTag("mlflow.data.context", "training")])])
    folder = tmp_path / "artifacts"
    (folder / "reports").mkdir(parents=True)
    (folder / "notes.txt").write_text("first line of the notes\n<b>not bold</b>\n")
    (folder / "reports" / "summary.json").write_text('{"accuracy": 0.93}')
    (folder / "plot.png").write_bytes(tiny_png())
    (folder / "page.html").write_text("<script>document.title='owned'</script>")
    client.log_artifacts(seeded.run_ids[0], str(folder))
    seeded.artifact_run = seeded.run_ids[0]

    seeded.model_name = unique_name("web-model")
    client.create_registered_model(seeded.model_name, description="A model for the page tests")
    run = client.get_run(seeded.artifact_run)
    for _ in range(2):
        client.create_model_version(seeded.model_name, f"{run.info.artifact_uri}/model", run_id=seeded.artifact_run)
    client.set_registered_model_alias(seeded.model_name, "champion", "2")
    return seeded
