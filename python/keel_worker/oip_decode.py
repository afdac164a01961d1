"""Open Inference Protocol v2 request body -> pyfunc model input.

Why these rules: they follow MLServer's mlflow runtime, whose behaviour OIP
clients of MLflow models already rely on: a ColSpec signature means "one
column per input" (pandas), an unnamed tensor signature means "one ndarray",
a named tensor signature means "dict of ndarrays". One practical extension:
a single 2-D input whose width equals the number of signature columns becomes
a DataFrame with those column names (how tritonclient users naturally send a
feature matrix). Binary tensor data is decoded by the gateway, so only JSON
``data`` is accepted here.
"""

from __future__ import annotations

import base64
import math

import numpy as np

from .oip_types import OIP_TO_NUMPY


class InferError(Exception):
    """A request problem; becomes HTTP 400 ``{"error": message}``."""


def _check_shape(name: str, shape) -> list:
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        raise InferError(f"input '{name}': shape must be a list of non-negative integers")
    return shape


def decode_tensor(spec: dict) -> tuple[str, np.ndarray]:
    """Validate one request input and return (name, ndarray shaped per `shape`)."""
    if not isinstance(spec, dict):
        raise InferError("each entry of 'inputs' must be an object")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise InferError("every input needs a non-empty string 'name'")
    shape = _check_shape(name, spec.get("shape"))
    datatype = spec.get("datatype")
    if datatype not in OIP_TO_NUMPY:
        raise InferError(f"input '{name}': unsupported datatype {datatype!r}")
    if "data" not in spec:
        raise InferError(
            f"input '{name}' has no 'data' (binary tensor data must be decoded by the gateway)"
        )
    params = spec.get("parameters") or {}
    try:
        array = np.array(spec["data"], dtype=OIP_TO_NUMPY[datatype])
    except (ValueError, TypeError, OverflowError) as exc:
        raise InferError(f"input '{name}': data does not match datatype {datatype}: {exc}") from exc
    expected = math.prod(shape)
    if array.size != expected:
        raise InferError(
            f"input '{name}': shape {shape} needs {expected} elements, data has {array.size}"
        )
    array = array.reshape(shape)
    if datatype == "BYTES":
        array = _decode_bytes(name, array, params.get("content_type"))
    return name, array


def _decode_bytes(name: str, array: np.ndarray, content_type) -> np.ndarray:
    """BYTES elements must be strings; ``base64`` content type gives bytes."""
    flat = array.reshape(-1)
    for element in flat:
        if not isinstance(element, str):
            raise InferError(f"input '{name}': BYTES elements must be strings")
    if content_type == "base64":
        try:
            decoded = [base64.b64decode(e, validate=True) for e in flat]
        except ValueError as exc:
            raise InferError(f"input '{name}': invalid base64: {exc}") from exc
        out = np.empty(len(decoded), dtype=object)
        out[:] = decoded
        return out.reshape(array.shape)
    return array


def _input_mode(signature, request_params: dict, count: int) -> str:
    """'pd', 'np' or 'dict' — how the inputs are handed to the model."""
    forced = request_params.get("content_type")
    if forced in ("pd", "np", "dict"):
        return forced
    if signature is None:
        return "np" if count == 1 else "pd"
    if signature.inputs.is_tensor_spec():
        return "dict" if signature.inputs.has_input_names() else "np"
    return "pd"


def _column(array: np.ndarray):
    """A 1-D column for [N] or [N, 1]; rows as lists for wider tensors."""
    if array.ndim == 1:
        return array
    if array.ndim == 2 and array.shape[1] == 1:
        return array.reshape(-1)
    if array.ndim == 0:
        return array.reshape(1)
    return [row.tolist() for row in array]


def _to_dataframe(tensors: list, signature):
    import pandas as pd

    if len(tensors) == 1:
        name, array = tensors[0]
        col_names = signature.inputs.input_names() if signature is not None else None
        if array.ndim == 2 and array.shape[1] > 1:
            if col_names and len(col_names) == array.shape[1] and name not in col_names:
                return pd.DataFrame(array, columns=col_names)
            if signature is None:
                return pd.DataFrame(array)
    lengths = {name: len(_column(array)) for name, array in tensors}
    if len(set(lengths.values())) > 1:
        raise InferError(f"inputs have different first dimensions: {lengths}")
    return pd.DataFrame({name: _column(array) for name, array in tensors})


def build_model_input(body: dict, signature):
    """(model input, params or None) for a parsed v2 request body."""
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise InferError("request needs a non-empty 'inputs' list")
    request_params = body.get("parameters") or {}
    if not isinstance(request_params, dict):
        raise InferError("'parameters' must be an object")
    tensors = [decode_tensor(spec) for spec in inputs]
    names = [name for name, _ in tensors]
    if len(set(names)) != len(names):
        raise InferError(f"duplicate input names: {names}")
    mode = _input_mode(signature, request_params, len(tensors))
    if mode == "np":
        if len(tensors) != 1:
            raise InferError(f"the model takes a single tensor but the request has {len(tensors)} inputs")
        data = tensors[0][1]
    elif mode == "dict":
        data = dict(tensors)
    else:
        data = _to_dataframe(tensors, signature)
    return data, _model_params(signature, request_params)


def _model_params(signature, request_params: dict):
    """Request parameters named in the model's params schema, else None."""
    schema = getattr(signature, "params", None) if signature is not None else None
    if schema is None:
        return None
    wanted = {p.name for p in schema.params}
    picked = {k: v for k, v in request_params.items() if k in wanted}
    return picked or None
