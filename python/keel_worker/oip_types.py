"""Datatype mapping and OIP metadata tensors derived from an MLflow signature.

Why MLServer's rules: clients written against MLServer's mlflow runtime (the
de-facto OIP server for MLflow models) read ``GET /v2/models/<m>`` to learn
names, datatypes and shapes. Using the same derivation (unnamed tensors become
``input-<i>``/``output-<i>``, a column becomes shape ``[-1, 1]``) keeps those
clients working unchanged against Keel.
"""

from __future__ import annotations

import numpy as np

INPUT_PREFIX = "input-"
OUTPUT_PREFIX = "output-"

# OIP datatype -> numpy dtype used to decode JSON `data`.
OIP_TO_NUMPY = {
    "BOOL": np.bool_,
    "UINT8": np.uint8,
    "UINT16": np.uint16,
    "UINT32": np.uint32,
    "UINT64": np.uint64,
    "INT8": np.int8,
    "INT16": np.int16,
    "INT32": np.int32,
    "INT64": np.int64,
    "FP16": np.float16,
    "FP32": np.float32,
    "FP64": np.float64,
    "BYTES": object,
}

_NUMPY_KIND_TO_OIP = {
    ("b", 1): "BOOL",
    ("u", 1): "UINT8",
    ("u", 2): "UINT16",
    ("u", 4): "UINT32",
    ("u", 8): "UINT64",
    ("i", 1): "INT8",
    ("i", 2): "INT16",
    ("i", 4): "INT32",
    ("i", 8): "INT64",
    ("f", 2): "FP16",
    ("f", 4): "FP32",
    ("f", 8): "FP64",
}

# MLflow ColSpec DataType name -> OIP datatype (MLServer's _MLflowToContentType).
_COLSPEC_TO_OIP = {
    "boolean": "BOOL",
    "integer": "INT32",
    "long": "INT64",
    "float": "FP32",
    "double": "FP64",
    "string": "BYTES",
    "binary": "BYTES",
    "datetime": "BYTES",
}


def numpy_to_oip(dtype) -> str:
    """OIP datatype for a numpy dtype; strings, objects and dates are BYTES."""
    dtype = np.dtype(dtype)
    return _NUMPY_KIND_TO_OIP.get((dtype.kind, dtype.itemsize), "BYTES")


def _spec_to_tensor(spec, index: int, prefix: str) -> dict:
    """One metadata tensor for a ColSpec or TensorSpec."""
    from mlflow.types.schema import TensorSpec

    name = spec.name if getattr(spec, "name", None) else f"{prefix}{index}"
    if isinstance(spec, TensorSpec):
        return {"name": name, "datatype": numpy_to_oip(spec.type), "shape": list(spec.shape)}
    type_name = getattr(spec.type, "name", None)
    # Array/Object/Map/AnyType columns travel as JSON strings (MLServer: pd_json).
    datatype = _COLSPEC_TO_OIP.get(type_name, "BYTES")
    return {"name": name, "datatype": datatype, "shape": [-1, 1]}


def metadata_tensors(schema, prefix: str) -> list:
    """OIP metadata tensors for an MLflow Schema, or [] when there is none."""
    if schema is None:
        return []
    return [_spec_to_tensor(spec, i, prefix) for i, spec in enumerate(schema.inputs)]


def oip_metadata(model) -> dict:
    """``{"inputs": [...], "outputs": [...]}`` for the hello frame."""
    signature = getattr(model.metadata, "signature", None)
    if signature is None:
        return {"inputs": [], "outputs": []}
    return {
        "inputs": metadata_tensors(signature.inputs, INPUT_PREFIX),
        "outputs": metadata_tensors(signature.outputs, OUTPUT_PREFIX),
    }
