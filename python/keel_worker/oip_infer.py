"""Serve one OIP v2 ``infer`` body: decode, predict, encode the v2 response.

Why the output naming: clients look outputs up by the names that model
metadata advertised, so unnamed outputs take the signature's metadata names
(``output-0`` …) and DataFrame outputs keep their column names, as in
MLServer. Non-finite floats become JSON ``null`` because strict JSON decoders
(Swift's JSONDecoder among them) reject ``NaN``.
"""

from __future__ import annotations

import base64
import inspect
import json
import math

import numpy as np

from .oip_decode import InferError, build_model_input
from .oip_types import OUTPUT_PREFIX, numpy_to_oip, oip_metadata


class InferHandler:
    """Answers v2 inference bodies for one pyfunc model."""

    def __init__(self, model):
        self.model = model
        self.signature = getattr(model.metadata, "signature", None)
        self.output_names = [t["name"] for t in oip_metadata(model)["outputs"]]
        self._predict_takes_params = "params" in inspect.signature(model.predict).parameters

    def handle(self, body: bytes, model_name=None, model_version=None) -> tuple[int, bytes]:
        """(HTTP status, response body bytes); errors are 400 ``{"error": ...}``."""
        try:
            request = _parse_body(body)
            data, params = build_model_input(request, self.signature)
            predictions = self._predict(data, params)
            outputs = self._encode_outputs(predictions)
            outputs = _select_outputs(outputs, request.get("outputs"))
        except InferError as exc:
            return 400, _json({"error": str(exc)})
        response = {}
        if model_name is not None:
            response["model_name"] = model_name
        if model_version is not None:
            response["model_version"] = model_version
        if isinstance(request.get("id"), str):
            response["id"] = request["id"]
        response["outputs"] = outputs
        return 200, _json(response)

    def _predict(self, data, params):
        from mlflow.exceptions import MlflowException

        try:
            if self._predict_takes_params:
                return self.model.predict(data, params=params)
            return self.model.predict(data)
        except MlflowException as exc:
            raise InferError(f"model prediction failed: {exc.message}") from exc
        except Exception as exc:
            raise InferError(f"model prediction failed: {type(exc).__name__}: {exc}") from exc

    def _default_name(self, index: int) -> str:
        if index < len(self.output_names):
            return self.output_names[index]
        return f"{OUTPUT_PREFIX}{index}"

    def _encode_outputs(self, predictions) -> list:
        import pandas as pd

        if isinstance(predictions, pd.DataFrame):
            return [
                _tensor(str(col), predictions[col].to_numpy().reshape(-1, 1))
                for col in predictions.columns
            ]
        if isinstance(predictions, pd.Series):
            name = predictions.name if isinstance(predictions.name, str) else self._default_name(0)
            return [_tensor(name, predictions.to_numpy())]
        if isinstance(predictions, dict):
            return [_tensor(str(k), _as_array(v)) for k, v in predictions.items()]
        return [_tensor(self._default_name(0), _as_array(predictions))]


def _parse_body(body: bytes) -> dict:
    try:
        request = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InferError(f"request body is not valid JSON: {exc}") from exc
    if not isinstance(request, dict):
        raise InferError("request body must be a JSON object")
    return request


def _as_array(value) -> np.ndarray:
    try:
        return np.asarray(value)
    except ValueError:  # ragged lists
        out = np.empty(len(value), dtype=object)
        out[:] = list(value)
        return out


def _element(value):
    """A JSON-safe scalar for one output element."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, np.generic):
        return _element(value.item())
    return str(value)


def _tensor(name: str, array: np.ndarray) -> dict:
    if array.ndim == 0:
        array = array.reshape(1)
    datatype = numpy_to_oip(array.dtype)
    flat = array.reshape(-1)
    if datatype == "BYTES":
        data = [_element(v) if isinstance(v, (bytes, str)) else str(_element(v)) for v in flat]
    else:
        data = [_element(v) for v in flat.tolist()]
    return {"name": name, "datatype": datatype, "shape": list(array.shape), "data": data}


def _select_outputs(outputs: list, requested) -> list:
    """Honour the request's ``outputs`` list (order and names); None = all."""
    if requested is None:
        return outputs
    if not isinstance(requested, list):
        raise InferError("'outputs' must be a list")
    by_name = {o["name"]: o for o in outputs}
    selected = []
    for entry in requested:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            raise InferError("every requested output needs a string 'name'")
        if name not in by_name:
            raise InferError(f"unknown output '{name}'; the model produces {sorted(by_name)}")
        selected.append(by_name[name])
    return selected


def _json(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
