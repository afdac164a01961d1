"""The inference log: every answered request, retrievable by deployment.

Why: the log is what monitoring, feedback joins and audits are built on, so
"every request" must mean every one — each success and each model error,
under the id the caller got in X-Keel-Request-Id, with the body as sent and
the answer as received. It is written in batches off the request path, so
the test polls until the records arrive and then demands the exact count.
"""

import json

import pytest

from support import serving
from support.rest import describe, now_ms

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows(5)
PAYLOADS = serving.invocation_payloads(ROWS)


def test_every_request_is_logged_with_its_id_body_and_answer(keel, deployments, iris_model):
    name = deployments.create(f"{iris_model.name}@champion")["name"]
    version = iris_model.versions["iris"]
    started_ms = now_ms()
    sent = {}  # request id -> (protocol family, body sent, response)

    for fmt in sorted(PAYLOADS):
        resp = keel.invoke(name, PAYLOADS[fmt])
        assert resp.status_code == 200, describe(resp)
        sent[resp.headers[serving.REQUEST_ID_HEADER]] = ("invocations", PAYLOADS[fmt].body, resp)
    bad_body = serving.BAD_INVOCATION_BODIES["missing-columns"][0]
    resp = keel.invoke(name, serving.Payload("application/json", bad_body))
    assert resp.status_code == 400, describe(resp)
    assert resp.headers.get(serving.REQUEST_ID_HEADER), f"a model error is an answer too: {dict(resp.headers)}"
    sent[resp.headers[serving.REQUEST_ID_HEADER]] = ("invocations", bad_body, resp)
    for i in range(3):
        body = json.dumps(serving.oip_columns_request(ROWS, request_id=f"log-{i}")).encode()
        resp = keel.infer(name, body)
        assert resp.status_code == 200, describe(resp)
        sent[resp.headers[serving.REQUEST_ID_HEADER]] = ("v2", body, resp)
    assert len(sent) == len(PAYLOADS) + 4, "request ids repeat"

    records = keel.wait_log(name, lambda rs: len(rs) >= len(sent), f"{len(sent)} records")
    finished_ms = now_ms()
    assert len(records) == len(sent), f"{len(records)} records for {len(sent)} requests"
    by_id = {r["request_id"]: r for r in records}
    assert set(by_id) == set(sent), f"logged ids {sorted(by_id)} != answered ids {sorted(sent)}"

    for request_id, (family, body, resp) in sent.items():
        record = by_id[request_id]
        where = f"record {request_id}: {json.dumps(record)[:600]}"
        assert record["deployment"] == name and record["model_version"] == version, where
        assert record["role"] == "primary" and record["status"] == resp.status_code, where
        assert isinstance(record["latency_ms"], (int, float)) and record["latency_ms"] >= 0, where
        assert started_ms - 1000 <= record["timestamp_ms"] <= finished_ms + 1000, where
        if family == "invocations":
            assert record["protocol"] == "invocations", where
            assert record["request"] == body.decode(), where
            assert record["response"] == resp.text, where
        else:
            assert isinstance(record["protocol"], str) and record["protocol"] != "invocations", where
            assert json.loads(record["request"]) == json.loads(body), where
            assert json.loads(record["response"]) == resp.json(), where


def test_log_pages_cover_every_record_once(keel, deployments, iris_model):
    name = deployments.create(f"{iris_model.name}@champion")["name"]
    ids = set()
    for _ in range(7):
        resp = keel.invoke(name, PAYLOADS["dataframe_split"])
        assert resp.status_code == 200, describe(resp)
        ids.add(resp.headers[serving.REQUEST_ID_HEADER])
    keel.wait_log(name, lambda rs: len(rs) >= len(ids), f"{len(ids)} records")
    paged = keel.inference_log(name, max_results=2)  # asserts every page has at most 2 records
    assert sorted(r["request_id"] for r in paged) == sorted(ids)


def test_log_is_filtered_by_deployment(keel, deployments, iris_model):
    first = deployments.create(f"{iris_model.name}@champion")["name"]
    second = deployments.create(f"{iris_model.name}@champion")["name"]
    answered = {first: set(), second: set()}
    for name, count in ((first, 2), (second, 3)):
        for _ in range(count):
            resp = keel.invoke(name, PAYLOADS["dataframe_split"])
            assert resp.status_code == 200, describe(resp)
            answered[name].add(resp.headers[serving.REQUEST_ID_HEADER])
    for name, ids in answered.items():
        records = keel.wait_log(name, lambda rs, n=len(ids): len(rs) >= n, f"{len(ids)} records")
        assert {r["request_id"] for r in records} == ids and {r["deployment"] for r in records} == {name}
