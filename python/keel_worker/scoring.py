"""MLflow ``/invocations`` semantics, byte for byte, plus adaptive batching.

Why reuse mlflow's own scoring-server functions instead of re-implementing
them: users switch from ``mlflow models serve`` to Keel expecting identical
bodies, status codes and error messages. Calling
``mlflow.pyfunc.scoring_server.invocations`` for every non-batched item makes
parity hold by construction, including the 415 text/plain answers and the
exact error JSON. Only the batched path does its own predict call, and it
parses with the same mlflow helpers and serialises with ``predictions_to_json``.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from io import StringIO

from mlflow.exceptions import MlflowException
from mlflow.pyfunc import scoring_server

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
    """Scores batches of /invocations bodies against one pyfunc model."""

    def __init__(self, model):
        self.model = model
        self.input_schema = model.metadata.get_input_schema()
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

    # -- batch: group compatible DataFrames, predict once per group --------
    def score_batch(self, items: list[Item]) -> list[ItemResult]:
        """Results in item order; one failing item never affects the others."""
        results: list[ItemResult | None] = [None] * len(items)
        groups: dict[tuple, list[tuple[int, object]]] = {}
        if len(items) > 1:
            for index, item in enumerate(items):
                frame = self._batchable_frame(item)
                if frame is not None:
                    groups.setdefault(_frame_key(frame), []).append((index, frame))
        for members in groups.values():
            if len(members) < 2:
                continue
            for index, result in self._predict_group(members).items():
                results[index] = result
        return [r if r is not None else self.score_one(items[i]) for i, r in enumerate(results)]

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

    def _predict_group(self, members: list[tuple[int, object]]) -> dict[int, ItemResult]:
        """Predict once for the group; {} if the result cannot be split back."""
        import pandas as pd

        frames = [frame for _, frame in members]
        combined = pd.concat(frames, ignore_index=True)
        try:
            if self._predict_takes_params:
                predictions = self.model.predict(combined, params=None)
            else:
                predictions = self.model.predict(combined)
        except Exception:
            # Some item is bad; score each alone so only that one fails.
            return {}
        pieces = _split_predictions(predictions, [len(f) for f in frames])
        if pieces is None:
            return {}
        results = {}
        for (index, _), piece in zip(members, pieces):
            out = StringIO()
            scoring_server.predictions_to_json(piece, out)
            results[index] = ItemResult(200, JSON_MEDIA_TYPE, out.getvalue().encode("utf-8"))
        return results


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


def _split_predictions(predictions, sizes: list[int]):
    """Split row-aligned predictions into per-item pieces, or None."""
    import numpy as np
    import pandas as pd

    total = sum(sizes)
    if isinstance(predictions, (pd.DataFrame, pd.Series)):
        if len(predictions) != total:
            return None
        take = lambda a, b: predictions.iloc[a:b]  # noqa: E731
    elif isinstance(predictions, np.ndarray):
        if predictions.ndim == 0 or predictions.shape[0] != total:
            return None
        take = lambda a, b: predictions[a:b]  # noqa: E731
    elif isinstance(predictions, list):
        if len(predictions) != total:
            return None
        take = lambda a, b: predictions[a:b]  # noqa: E731
    else:
        return None
    pieces, start = [], 0
    for size in sizes:
        pieces.append(take(start, start + size))
        start += size
    return pieces
