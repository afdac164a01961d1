"""Length-prefixed JSON frames with an optional raw binary attachment.

Why this shape: the gateway is Swift and must not need a streaming JSON
parser, so every message is announced by a 4-byte big-endian length. Request
and response bodies travel as raw bytes after the JSON (announced by
``binary_length``) so an HTTP body passes through without being re-encoded as
a JSON string. This module deliberately imports nothing from mlflow, numpy or
pandas: the worker must be able to report a ``fatal`` frame even when those
packages are missing.
"""

from __future__ import annotations

import json
import socket
import struct
from dataclasses import dataclass

from . import protocol

_HEADER = struct.Struct(">I")


class FrameError(Exception):
    """A frame violated the wire format. ``recoverable`` says whether the
    stream is still aligned on a frame boundary (so the worker can answer with
    an ``error`` frame and keep serving) or not (the worker must exit)."""

    def __init__(self, message: str, *, recoverable: bool, frame_id=None):
        super().__init__(message)
        self.recoverable = recoverable
        self.frame_id = frame_id


class ConnectionClosed(Exception):
    """The peer closed the socket. ``clean`` is True when it happened on a
    frame boundary (normal gateway shutdown) and False mid-frame."""

    def __init__(self, clean: bool):
        super().__init__("connection closed" + ("" if clean else " in the middle of a frame"))
        self.clean = clean


@dataclass
class Frame:
    """One decoded frame: the JSON header object and its attachment bytes."""

    header: dict
    binary: bytes = b""


def _recv_exactly(sock: socket.socket, count: int, *, at_boundary: bool) -> bytes:
    """Read exactly ``count`` bytes; raise ConnectionClosed on EOF."""
    chunks = []
    remaining = count
    while remaining > 0:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            clean = at_boundary and remaining == count
            raise ConnectionClosed(clean=clean)
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _discard(sock: socket.socket, count: int) -> None:
    """Skip ``count`` bytes so the stream stays aligned after a rejected frame."""
    remaining = count
    while remaining > 0:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ConnectionClosed(clean=False)
        remaining -= len(chunk)


def read_frame(sock: socket.socket) -> Frame:
    """Read one frame (JSON header plus attachment) from ``sock``.

    Raises ConnectionClosed on EOF and FrameError on format violations.
    """
    (length,) = _HEADER.unpack(_recv_exactly(sock, 4, at_boundary=True))
    if length > protocol.MAX_JSON_BYTES:
        # The length itself is untrustworthy (likely a desynchronised stream),
        # so nothing after it can be interpreted.
        raise FrameError(
            f"JSON frame of {length} bytes exceeds max_json_bytes={protocol.MAX_JSON_BYTES}",
            recoverable=False,
        )
    raw = _recv_exactly(sock, length, at_boundary=False)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        # No binary_length can be read from a broken header, so the stream is
        # only still aligned if we assume there was no attachment.
        raise FrameError(f"frame is not valid UTF-8 JSON: {exc}", recoverable=True) from exc
    if not isinstance(header, dict):
        raise FrameError("frame JSON must be an object", recoverable=True)
    frame_id = header.get("id")
    binary_length = header.get("binary_length", 0)
    if not isinstance(binary_length, int) or isinstance(binary_length, bool) or binary_length < 0:
        raise FrameError(
            "binary_length must be a non-negative integer", recoverable=False, frame_id=frame_id
        )
    if binary_length > protocol.MAX_BINARY_BYTES:
        _discard(sock, binary_length)
        raise FrameError(
            f"attachment of {binary_length} bytes exceeds "
            f"max_binary_bytes={protocol.MAX_BINARY_BYTES}",
            recoverable=True,
            frame_id=frame_id,
        )
    binary = _recv_exactly(sock, binary_length, at_boundary=False) if binary_length else b""
    return Frame(header=header, binary=binary)


def encode_frame(header: dict, binary: bytes = b"") -> bytes:
    """Serialise a frame; sets ``binary_length`` when there is an attachment."""
    if binary:
        header = {**header, "binary_length": len(binary)}
    payload = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return _HEADER.pack(len(payload)) + payload + binary


def write_frame(sock: socket.socket, header: dict, binary: bytes = b"") -> None:
    """Send one frame atomically with respect to this (single-threaded) worker."""
    sock.sendall(encode_frame(header, binary))
