"""Load the MLflow model and describe it for the hello frame.

Why the error translation: a worker that dies with a 40-line traceback in a
log nobody reads is the most common serving failure ("works on my laptop").
The gateway shows the ``fatal`` message to the operator, so it must name the
missing piece (mlflow itself, or the package a flavor needs) and the Python
interpreter that lacks it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any


class LoadError(Exception):
    """Loading failed; ``str(exc)`` is the operator-facing message."""

    def __init__(self, message: str, *, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass
class LoadedModel:
    """The pyfunc model plus everything the hello frame reports about it."""

    model: Any
    uri: str
    flavors: list
    loader_module: str | None
    signature: dict | None
    info: dict


def _require_mlflow() -> None:
    """Fail with a precise message when the interpreter lacks mlflow."""
    try:
        import mlflow  # noqa: F401
    except ImportError as exc:
        raise LoadError(
            f"mlflow is not installed in {sys.executable} ({exc})", kind="mlflow_missing"
        ) from exc


def _missing_module(exc: BaseException) -> str | None:
    """Top-level name of the module whose import failed anywhere in the chain."""
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ModuleNotFoundError) and current.name:
            return current.name.split(".")[0]
        current = current.__cause__ or current.__context__
    return None


def _model_flavors(uri: str) -> tuple[list, str | None]:
    """Flavors from the MLmodel file alone (no flavor import), or ([], None)."""
    try:
        from mlflow.models import Model

        meta = Model.load(uri)
    except Exception:
        return [], None
    loader = meta.flavors.get("python_function", {}).get("loader_module")
    return sorted(meta.flavors), loader


def _flavor_name(flavors: list, loader_module: str | None) -> str | None:
    """The flavor the pyfunc loader belongs to, e.g. 'xgboost' for mlflow.xgboost."""
    if loader_module and loader_module.startswith("mlflow."):
        return loader_module.split(".", 1)[1]
    others = [f for f in flavors if f != "python_function"]
    return others[0] if others else None


def _translate(uri: str, exc: Exception) -> LoadError:
    """Turn a load exception into an operator-facing LoadError."""
    missing = _missing_module(exc)
    if missing == "mlflow":
        return LoadError(f"mlflow is not installed in {sys.executable} ({exc})", kind="mlflow_missing")
    if missing:
        flavors, loader = _model_flavors(uri)
        flavor = _flavor_name(flavors, loader)
        if flavor:
            message = (
                f"the model needs flavor '{flavor}' but package '{missing}' is not installed"
                f" in {sys.executable} (model {uri}: {exc})"
            )
        else:
            message = (
                f"the model needs package '{missing}' but it is not installed"
                f" in {sys.executable} (model {uri}: {exc})"
            )
        return LoadError(message, kind="dependency_missing")
    return LoadError(
        f"failed to load model {uri}: {type(exc).__name__}: {exc}", kind="load_failed"
    )


def _signature_json(metadata) -> dict | None:
    """Signature as parsed MLflow JSON schema (not the string-in-JSON of MLmodel)."""
    signature = getattr(metadata, "signature", None)
    if signature is None:
        return None
    raw = signature.to_dict()
    return {key: (json.loads(raw[key]) if raw.get(key) else None) for key in ("inputs", "outputs", "params")}


def _model_info(metadata, loader_module: str | None) -> dict:
    """Identifying fields of the MLmodel file; absent ones are null."""
    created = getattr(metadata, "utc_time_created", None)
    return {
        "run_id": getattr(metadata, "run_id", None),
        "model_id": getattr(metadata, "model_id", None),
        "model_uuid": getattr(metadata, "model_uuid", None),
        "utc_time_created": str(created) if created is not None else None,
        "mlflow_version": getattr(metadata, "mlflow_version", None),
        "loader_module": loader_module,
    }


def load(uri: str) -> LoadedModel:
    """Load ``uri`` with mlflow.pyfunc.load_model; raise LoadError on failure."""
    _require_mlflow()
    try:
        import mlflow.pyfunc

        model = mlflow.pyfunc.load_model(uri)
    except Exception as exc:  # any failure becomes a fatal frame
        raise _translate(uri, exc) from exc
    metadata = model.metadata
    flavors = sorted(metadata.flavors)
    loader = metadata.flavors.get("python_function", {}).get("loader_module")
    return LoadedModel(
        model=model,
        uri=uri,
        flavors=flavors,
        loader_module=loader,
        signature=_signature_json(metadata),
        info=_model_info(metadata, loader),
    )
