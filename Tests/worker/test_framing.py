"""Unit tests of the frame codec over a socketpair (no model, no subprocess)."""

import json
import socket
import struct

import pytest

from keel_worker import framing, protocol


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    a.settimeout(5)
    b.settimeout(5)
    yield a, b
    a.close()
    b.close()


def test_encode_layout_is_length_json_attachment():
    raw = framing.encode_frame({"type": "x", "id": 1}, b"\x00\x01")
    (length,) = struct.unpack(">I", raw[:4])
    header = json.loads(raw[4:4 + length])
    assert header == {"type": "x", "id": 1, "binary_length": 2}
    assert raw[4 + length:] == b"\x00\x01"


def test_round_trip_with_and_without_attachment(pair):
    a, b = pair
    framing.write_frame(a, {"type": "ping", "id": 3})
    framing.write_frame(a, {"type": "result", "id": 4, "items": []}, b"hello")
    first = framing.read_frame(b)
    second = framing.read_frame(b)
    assert (first.header, first.binary) == ({"type": "ping", "id": 3}, b"")
    assert second.header["binary_length"] == 5 and second.binary == b"hello"


def test_unicode_json(pair):
    a, b = pair
    framing.write_frame(a, {"message": "naïve ✓"})
    assert framing.read_frame(b).header == {"message": "naïve ✓"}


def test_clean_and_unclean_eof(pair):
    a, b = pair
    a.sendall(struct.pack(">I", 10) + b"{")
    a.shutdown(socket.SHUT_WR)
    with pytest.raises(framing.ConnectionClosed) as info:
        framing.read_frame(b)
    assert not info.value.clean
    c, d = socket.socketpair()
    c.close()
    with pytest.raises(framing.ConnectionClosed) as info:
        framing.read_frame(d)
    assert info.value.clean
    d.close()


def test_oversized_attachment_is_skipped_and_stream_stays_aligned(pair, monkeypatch):
    monkeypatch.setattr(protocol, "MAX_BINARY_BYTES", 4)
    a, b = pair
    a.sendall(framing.encode_frame({"type": "infer", "id": 9}, b"123456789"))
    framing.write_frame(a, {"type": "ping", "id": 10})
    with pytest.raises(framing.FrameError) as info:
        framing.read_frame(b)
    assert info.value.recoverable and info.value.frame_id == 9
    assert framing.read_frame(b).header == {"type": "ping", "id": 10}


@pytest.mark.parametrize("bad", [-1, "3", 1.5, True])
def test_bad_binary_length_is_unrecoverable(pair, bad):
    a, b = pair
    raw = json.dumps({"type": "x", "id": 1, "binary_length": bad}).encode()
    a.sendall(struct.pack(">I", len(raw)) + raw)
    with pytest.raises(framing.FrameError) as info:
        framing.read_frame(b)
    assert not info.value.recoverable


def test_non_object_json_is_recoverable(pair):
    a, b = pair
    a.sendall(struct.pack(">I", 2) + b"[]")
    with pytest.raises(framing.FrameError) as info:
        framing.read_frame(b)
    assert info.value.recoverable
