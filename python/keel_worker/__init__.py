"""Keel's Python model worker: serves one MLflow model to the Swift gateway.

Run as ``python -m keel_worker --socket PATH --model-uri URI [--worker-id N]``.
The wire protocol is specified in PROTOCOL.md next to this file.
"""

from .protocol import PROTOCOL_VERSION

__all__ = ["PROTOCOL_VERSION"]
