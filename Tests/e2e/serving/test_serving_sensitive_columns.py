"""Sensitive columns: the inference log redacts or hashes personal-data columns as it writes,
in every request format, while the model still sees the real values.

Why: the log is kept for audit and monitoring, and readable by anyone with READ on the
deployment; a column marked sensitive must never reach it (or the database) in the clear.
Hashes are keyed per deployment, so equal values still match across requests and formats.
"""

import json

import pytest

from support import serving
from support.rest import describe

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows(4)
REDACTED, HASHED = "sepal length (cm)", "petal width (cm)"


def values_of(record: dict, column: str) -> list:
    """The column's values in a logged request body, whatever its format."""
    text = record["request"]
    if not text.lstrip().startswith("{"):  # CSV
        lines = text.strip().splitlines()
        index = lines[0].split(",").index(column)
        return [line.split(",")[index] for line in lines[1:]]
    body = json.loads(text)
    if "dataframe_split" in body:
        index = body["dataframe_split"]["columns"].index(column)
        return [row[index] for row in body["dataframe_split"]["data"]]
    for key in ("dataframe_records", "instances"):
        if key in body:
            return [row[column] for row in body[key]]
    inputs = body["inputs"]
    if isinstance(inputs, dict):
        return inputs[column]
    return next(tensor["data"] for tensor in inputs if tensor["name"] == column)


def test_marked_columns_never_reach_the_log(keel, deployments, iris_model):
    created = deployments.create(f"{iris_model.name}@champion", sensitive_columns={REDACTED: "redact", HASHED: "hash"})
    name = created["name"]
    assert created["sensitive_columns"] == {REDACTED: "redact", HASHED: "hash"}
    assert "key" not in json.dumps(keel.get(name).json())

    answers = {}
    for fmt, payload in sorted(serving.invocation_payloads(ROWS).items()):
        resp = keel.invoke(name, payload)
        assert resp.status_code == 200, describe(resp)
        answers[resp.headers[serving.REQUEST_ID_HEADER]] = resp.json()
    resp = keel.infer(name, serving.oip_columns_request(ROWS))
    assert resp.status_code == 200, describe(resp)
    answers[resp.headers[serving.REQUEST_ID_HEADER]] = resp.json()
    # The model saw the real values: its answers are the unredacted predictions.
    assert serving.expected_predictions(ROWS) == serving.oip_single_output(resp.json())

    records = keel.wait_log(name, lambda rs: len(rs) >= len(answers), f"{len(answers)} records")
    assert {r["request_id"] for r in records} == set(answers)
    real_sepal = {str(v) for v in ROWS[REDACTED]}
    hashes_by_format = []
    for record in records:
        where = f"{record['request'][:300]}"
        assert values_of(record, REDACTED) == ["[REDACTED]"] * len(ROWS), where
        hashed = values_of(record, HASHED)
        assert all(isinstance(h, str) and h.startswith("hmac-sha256:") and len(h) == 12 + 64 for h in hashed), where
        hashes_by_format.append(hashed)
        assert not real_sepal & {str(v) for v in values_of(record, REDACTED)}, where
        # Unmarked columns are logged as sent.
        assert [float(v) for v in values_of(record, "sepal width (cm)")] == list(ROWS["sepal width (cm)"]), where
    # The same values hash the same in every format; different values differently.
    assert all(h == hashes_by_format[0] for h in hashes_by_format), hashes_by_format
    assert len(set(hashes_by_format[0])) == len(set(ROWS[HASHED]))

    # Clearing the marks logs new requests as sent; what was logged stays redacted.
    cleared = serving.assert_ok(keel.patch(name, {"sensitive_columns": {}}))
    assert cleared["deployment"]["sensitive_columns"] == {}
    resp = keel.invoke(name, serving.split_payload(ROWS))
    assert resp.status_code == 200, describe(resp)
    plain_id = resp.headers[serving.REQUEST_ID_HEADER]
    records = keel.wait_log(name, lambda rs: any(r["request_id"] == plain_id for r in rs), "the unmarked request")
    plain = next(r for r in records if r["request_id"] == plain_id)
    assert [float(v) for v in values_of(plain, REDACTED)] == list(ROWS[REDACTED])
    assert sum(1 for r in records if "[REDACTED]" in r["request"]) == len(answers)


def test_bad_marks_are_refused(keel, iris_model):
    for marks in ({"ssn": "encrypt"}, {"": "hash"}, ["ssn"]):
        resp = keel.create({"name": "sensitive-bad", "model": f"{iris_model.name}@champion", "sensitive_columns": marks})
        assert resp.status_code == 400, describe(resp)
        assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert keel.get("sensitive-bad").status_code == 404
