"""The experiment both servers hold: deterministic runs, their table rows, and the expected pages.

The runs are generated once and written into both databases, so both servers hold the same
logical data, and every page they show can be checked against an answer computed here (a
server that is fast because it is wrong must not win). Each run comes from a string-seeded
``random.Random``, stable across processes and Python versions.

Orders are chosen without ties: start times are one minute apart, and the latest accuracies
are random doubles (checked unique), so "the same page" means the same run IDs in the same
order on both servers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

BASE_START_MS = 1_750_000_000_000
MODELS = ("tree", "linear", "mlp", "svm")
LEARNING_RATES = ("0.1", "0.01", "0.001", "0.0001")
TEAMS = ("vision", "nlp", "tabular")
HISTORY_STEPS = 5  # loss and accuracy; f1 is logged once

ORDER_BY_ACCURACY = "metrics.accuracy DESC"
FILTER = "params.model = 'tree' and metrics.accuracy > 0.5"


@dataclass(frozen=True, slots=True)
class Run:
    """One run as logged: attributes, 4 params, 3 tags, loss/accuracy over 5 steps and f1 once."""

    index: int
    run_id: str
    name: str
    start_time: int
    end_time: int
    model: str
    lr: str
    depth: str
    team: str
    loss: tuple[float, ...]
    accuracy: tuple[float, ...]
    f1: float

    @property
    def params(self) -> dict[str, str]:
        return {"lr": self.lr, "model": self.model, "depth": self.depth, "seed": str(self.index)}

    @property
    def tags(self) -> dict[str, str]:
        return {"mlflow.runName": self.name, "mlflow.user": "bench", "team": self.team}

    def metric_points(self) -> Iterator[tuple[str, float, int, int]]:
        """(key, value, timestamp, step) of every logged point, in logging order."""
        for step in range(HISTORY_STEPS):
            timestamp = self.start_time + (step + 1) * 1000
            yield "loss", self.loss[step], timestamp, step
            yield "accuracy", self.accuracy[step], timestamp, step
        yield "f1", self.f1, self.start_time + HISTORY_STEPS * 1000, 0


def make_run(seed: int, index: int) -> Run:
    rng = random.Random(f"web-{seed}-{index}")
    final_accuracy = rng.uniform(0.3, 0.99)
    accuracy = tuple(final_accuracy * (0.6 + 0.1 * step) for step in range(HISTORY_STEPS - 1)) + (final_accuracy,)
    loss = tuple(rng.uniform(0.5, 2.0) / (step + 1) for step in range(HISTORY_STEPS))
    start = BASE_START_MS + index * 60_000
    return Run(
        index=index, run_id=f"{rng.getrandbits(128):032x}", name=f"run-{index:06d}",
        start_time=start, end_time=start + rng.randrange(30_000, 3_000_000),
        model=rng.choice(MODELS), lr=rng.choice(LEARNING_RATES), depth=str(rng.randrange(2, 13)),
        team=rng.choice(TEAMS), loss=loss, accuracy=accuracy, f1=rng.uniform(0.2, 0.95),
    )


class Dataset:
    """``count`` runs and the orders the benchmark's pages must show."""

    def __init__(self, count: int, seed: int = 7):
        self.runs = [make_run(seed, index) for index in range(count)]
        if len({run.accuracy[-1] for run in self.runs}) != count:
            raise ValueError("latest accuracies are not unique; pick another seed")
        newest_first = sorted(self.runs, key=lambda run: -run.start_time)
        self.by_start_time = [run.run_id for run in newest_first]
        self.by_accuracy = [run.run_id for run in sorted(newest_first, key=lambda run: -run.accuracy[-1])]
        self.filtered = [run.run_id for run in newest_first if run.model == "tree" and run.accuracy[-1] > 0.5]

    def expected(self, order: str | None, filter_text: str | None) -> list[str]:
        """Run IDs in the order a search with this order and filter must return them."""
        if filter_text == FILTER and order is None:
            return self.filtered
        if filter_text is None and order == ORDER_BY_ACCURACY:
            return self.by_accuracy
        if filter_text is None and order is None:
            return self.by_start_time
        raise ValueError(f"no expected answer for order={order!r} filter={filter_text!r}")

    # Table rows, as tuples in the column order of the INSERT statements in seed.py.

    def run_rows(self, experiment_id: int, artifact_location: str) -> Iterator[tuple]:
        """Runs as each server's ``runs/create`` stores them: artifacts under the experiment's location."""
        for run in self.runs:
            yield (run.run_id, experiment_id, run.name, "bench", "FINISHED", run.start_time, run.end_time, "active",
                   f"{artifact_location}/{run.run_id}/artifacts")

    def param_rows(self) -> Iterator[tuple[str, str, str]]:
        for run in self.runs:
            for key, value in run.params.items():
                yield run.run_id, key, value

    def tag_rows(self) -> Iterator[tuple[str, str, str]]:
        for run in self.runs:
            for key, value in run.tags.items():
                yield run.run_id, key, value

    def metric_rows(self) -> Iterator[tuple]:
        for run in self.runs:
            for key, value, timestamp, step in run.metric_points():
                yield run.run_id, key, value, timestamp, step, 0

    def latest_metric_rows(self) -> Iterator[tuple]:
        """The point both servers keep as latest: highest step, then latest timestamp.

        Points are logged in increasing step and timestamp order, so that is each key's last one.
        """
        for run in self.runs:
            latest = {key: (value, timestamp, step) for key, value, timestamp, step in run.metric_points()}
            for key, (value, timestamp, step) in latest.items():
                yield run.run_id, key, value, timestamp, step, 0
