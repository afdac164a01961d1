"""MLflow ``/invocations`` semantics, byte for byte, plus adaptive batching.

Why reuse mlflow's own scoring-server functions instead of re-implementing
them: users switch from ``mlflow models serve`` to Keel expecting identical
bodies, status codes and error messages. Calling
``mlflow.pyfunc.scoring_server.invocations`` for every non-batched item makes
parity hold by construction, including the 415 text/plain answers and the
exact error JSON. Only the batched paths do their own predict call; they
parse with the same mlflow helpers (json_batch.py merges plain tabular JSON
bodies before parsing) and serialise like ``predictions_to_json``
(predictions.py).
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from io import StringIO

from mlflow.exceptions import MlflowException
from mlflow.pyfunc import scoring_server

from . import json_batch
from .predictions import split_prediction_bodies

_logger = logging.getLogger(__name__)

# Header values exactly as `mlflow models serve` (FastAPI) sends them.
JSON_MEDIA_TYPE = "application/json"
TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"


@dataclass
class ItemResult:
    """One response: HTTP status, Content-Type header value, body bytes."""

    status: int
    content_type: str
    body: bytes


@dataclass
class Item:
    """One /invocations request body with its Content-Type header (or None)."""

    content_type: str | None
    body: bytes


def _media_type(mimetype: str) -> str:
    return TEXT_MEDIA_TYPE if mimetype.startswith("text/") else mimetype


class InvocationsScorer:
    """Scores batches of /invocations bodies against one pyfunc model.

    ``fast_path=False`` disables the JSON fast path (json_batch.py); only the
    benchmark and the tests use it, to compare against the generic batching.
    """

    def __init__(self, model, *, fast_path: bool = True):
        self.model = model
        self.input_schema = model.metadata.get_input_schema()
        self.fast_path = fast_path
        self._hints = json_batch.SchemaHints.from_schema(self.input_schema)
        self._predict_takes_params = "params" in inspect.signature(model.predict).parameters

    # -- single item: delegate to mlflow -----------------------------------
    def score_one(self, item: Item) -> ItemResult:
        """Exactly what `mlflow models serve` answers for this body."""
        try:
            result = scoring_server.invocations(
                item.body, item.content_type, self.model, self.input_schema
            )
            return ItemResult(result.status, _media_type(result.mimetype), result.response.encode("utf-8"))
        except MlflowException as exc:
            return ItemResult(
                exc.get_http_status_code(), JSON_MEDIA_TYPE, exc.serialize_as_json().encode("utf-8")
            )
        except Exception:  # FastAPI turns unhandled errors into a bare 500
            _logger.exception("unhandled error while scoring an item")
            return ItemResult(500, TEXT_MEDIA_TYPE, b"Internal Server Error")

    # -- batch --------------------------------------------------------------
    def score_batch(self, items: list[Item]) -> list[ItemResult]:
        """Results in item order; one failing item never affects the others.

        Three tiers, cheapest first: plain tabular JSON bodies merged before
        parsing (fast path), then bodies parsed one by one and grouped by
        DataFrame dtypes, then everything left scored alone by mlflow.
        """
        results: list[ItemResult | None] = [None] * len(items)
        if len(items) > 1:
            pending = list(range(len(items)))
            if self.fast_path:
                pending = self._score_tabular(items, pending, results)
            self._score_frames(items, pending, results)
        return [r if r is not None else self.score_one(items[i]) for i, r in enumerate(results)]

    def _score_tabular(self, items: list[Item], indices: list[int], results: list) -> list[int]:
        """Fast path; returns the indices it did not take (for the frame path).

        Items of a group that still fails after halving are left unanswered,
        so each is scored alone and gets mlflow's own answer.
        """
        groups: dict[tuple, list[tuple[int, json_batch.TabularBody]]] = {}
        rest = []
        for index in indices:
            table = None
            if _accepted_mime(items[index].content_type) == scoring_server.CONTENT_TYPE_JSON:
                table = json_batch.parse_tabular(items[index].body, self._hints)
            if table is None:
                rest.append(index)
            else:
                groups.setdefault(table.key, []).append((index, table))
        for members in groups.values():
            if len(members) < 2:
                rest.append(members[0][0])
            else:
                self._score_merged(members, results)
        return sorted(rest)

    def _score_merged(self, members: list, results: list) -> None:
        """Parse and predict the group's merged rows once.

        If that fails, some item is bad (NaN for a model that rejects it, a
        value the schema cannot convert, …). Each half is then retried, so one
        bad item among 64 costs about a dozen merged predicts instead of 64
        single requests; groups too small to halve are left to the single path.
        """
        tables = [table for _, table in members]
        frame = self._merged_frame(tables)
        sizes = [len(table.rows) for table in tables]
        if frame is not None and self._predict_into(results, members, frame, sizes):
            return
        if len(members) >= 4:
            middle = len(members) // 2
            self._score_merged(members[:middle], results)
            self._score_merged(members[middle:], results)

    def _merged_frame(self, tables: list):
        """mlflow's DataFrame for the merged rows, or None if it will not parse."""
        import pandas as pd

        try:
            parsed = scoring_server._parse_json_data(
                json_batch.merged_payload(tables), self.model.metadata, self.input_schema
            )
        except Exception:
            return None
        total = sum(len(t.rows) for t in tables)
        if isinstance(parsed.data, pd.DataFrame) and len(parsed.data) == total:
            return parsed.data
        return None

    def _score_frames(self, items: list[Item], indices: list[int], results: list) -> None:
        """Generic path: parse each item with mlflow, group identical dtypes."""
        import pandas as pd

        groups: dict[tuple, list[tuple[int, object]]] = {}
        for index in indices:
            frame = self._batchable_frame(items[index])
            if frame is not None:
                groups.setdefault(_frame_key(frame), []).append((index, frame))
        for members in groups.values():
            if len(members) >= 2:
                frames = [frame for _, frame in members]
                combined = pd.concat(frames, ignore_index=True)
                self._predict_into(results, members, combined, [len(f) for f in frames])

    def _batchable_frame(self, item: Item):
        """The parsed DataFrame when the item may join a batch, else None.

        Batchable means: JSON or CSV with an accepted content type, no
        ``params``, not an LLM-style body, parsed to a non-empty DataFrame.
        Any parse failure returns None so the single path reports the error
        exactly as mlflow does.
        """
        import pandas as pd

        mime = _accepted_mime(item.content_type)
        try:
            if mime == scoring_server.CONTENT_TYPE_CSV:
                text = item.body.decode("utf-8")
                data = scoring_server.parse_csv_input(StringIO(text), schema=self.input_schema)
            elif mime == scoring_server.CONTENT_TYPE_JSON:
                parsed = scoring_server._parse_json_data(
                    item.body, self.model.metadata, self.input_schema
                )
                if parsed.params is not None or parsed.is_unified_llm_input:
                    return None
                data = parsed.data
            else:
                return None
        except Exception:
            return None
        if isinstance(data, pd.DataFrame) and len(data) > 0:
            return data
        return None

    def _predict_into(self, results: list, members: list, frame, sizes: list[int]) -> bool:
        """Predict once for the group and fill its results; True on success.

        Leaves them unset (False) if predict raises (some item is bad: each is then
        scored alone so only that one fails), the output is not row-aligned,
        or it cannot be serialised (each item then gets mlflow's own answer).
        """
        try:
            if self._predict_takes_params:
                predictions = self.model.predict(frame, params=None)
            else:
                predictions = self.model.predict(frame)
            bodies = split_prediction_bodies(predictions, sizes)
        except Exception:
            return False
        if bodies is None:
            return False
        for (index, _), body in zip(members, bodies):
            results[index] = ItemResult(200, JSON_MEDIA_TYPE, body)
        return True


def _accepted_mime(content_type: str | None) -> str | None:
    """The mime type if mlflow would accept the header as-is, else None."""
    if not content_type:
        return None
    parts = [p.strip() for p in content_type.split(";")]
    params = {k: v for k, _, v in (p.partition("=") for p in parts[1:])}
    if set(params) - {"charset"} or params.get("charset", "utf-8").lower() != "utf-8":
        return None
    return parts[0]


def _frame_key(frame) -> tuple:
    """Items batch together only when columns and dtypes match exactly."""
    return tuple((str(c), str(t)) for c, t in frame.dtypes.items())
