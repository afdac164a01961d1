"""The hand-rolled HTTP/1.1 client must cope with every body framing a server may choose."""

import pytest

from keelbench.http_client import RequestFailed, RestClient


def test_content_length_chunked_and_close_on_one_client(url):
    client = RestClient(url)
    assert client.post("runs/create", {"a": 1}) == {"echo": {"a": 1}}
    assert client.get_raw("chunked", {"x": 1}).json() == {"metrics": [1, 2, 3]}
    assert client.get_plain("/close").body == b"OK"
    assert client.post("runs/create", {"b": 2}) == {"echo": {"b": 2}}  # reconnected after close
    assert client.requests_sent == 4


def test_error_carries_endpoint_status_and_payload(url):
    with pytest.raises(RequestFailed) as info:
        RestClient(url).post("runs/fail", {"run_id": "r1"})
    failure = info.value
    assert (failure.endpoint, failure.status) == ("runs/fail", 400)
    assert "INVALID_PARAMETER_VALUE" in failure.body and '"r1"' in failure.payload
