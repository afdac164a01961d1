"""The single-thread driver: its response parser, and writers against a real local HTTP server."""

import json

import pytest

from keelbench import loop_driver
from keelbench.errors import ErrorLog
from keelbench.http_client import RequestFailed


def test_content_length_response_and_what_follows_it():
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200"
    assert loop_driver.parse_response(data) == (200, b"{}", len(data) - len(b"HTTP/1.1 200"))


def test_chunked_response():
    data = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
    assert loop_driver.parse_response(data) == (404, b"abcde", len(data))


def test_interim_continue_is_skipped():
    data = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nx"
    assert loop_driver.parse_response(data) == (200, b"x", len(data))


@pytest.mark.parametrize("cut", [5, 20, 38, 40])
def test_a_partial_response_waits_for_more(cut):
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd"
    with pytest.raises(loop_driver._Incomplete):
        loop_driver.parse_response(data[:cut])
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"
    with pytest.raises(loop_driver._Incomplete):
        loop_driver.parse_response(chunked[:cut + 12])


def test_writers_run_their_requests_in_order_and_see_failures(url):
    seen: dict[int, list] = {}
    errors = ErrorLog()

    def writer(index: int):
        seen[index] = []
        for step in range(3):
            answer = yield loop_driver.post(f"runs/step{step}", json.dumps({"writer": index, "step": step}).encode())
            seen[index].append(answer.json()["echo"])
        try:
            yield loop_driver.post("fail", b"{}")
        except RequestFailed as failure:
            errors.record("test", failure)
        big = yield loop_driver.post("runs/big", b'"' + b"x" * 3_000_000 + b'"')  # larger than a socket buffer
        assert big.elapsed > 0
        seen[index].append(len(big.json()["echo"]))
        plain = yield loop_driver.get("/health")
        seen[index].append(plain.body)
        return 1

    totals = loop_driver.drive(url, [writer(i) for i in range(4)])
    assert totals["units"] == 4 and totals["requests"] == 4 * 6
    for index in range(4):
        assert seen[index] == [{"writer": index, "step": s} for s in range(3)] + [3_000_000, b"OK"]
    assert errors.counts == {"test: POST fail -> 400": 4}
