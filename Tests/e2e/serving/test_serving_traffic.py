"""Traffic policies: canary (promote, rollback), A/B with sticky routing, shadow.

Why: these are what make a rollout safe, and each has a promise a caller can
check from outside: the share of answers per version (X-Keel-Model-Version,
cross-checked against the body — version 2 always predicts 7), stickiness per
header value, and for shadow that the caller only ever sees the primary's
answer while the candidate's answers land in the inference log — even when
the candidate fails on every request.

Routers apply a change shortly after the API reports it (they follow the
database), so every measurement starts once the new policy is observable on
the wire (`serving.settle`), and nothing counts the requests sent before.

Tolerances: over n requests a fraction p has standard deviation
sqrt(p(1-p)/n); 0.20 over 1,000 requests is 0.013, so ±0.05 is about four
deviations (a correct router fails about once in 13,000 runs).
"""

import json

import pytest

from support import serving
from support.rest import assert_ok, describe
from support.serving import send_many, settle

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows(6)
PAYLOAD = serving.split_payload(ROWS)
IRIS = serving.expected_predictions(ROWS)
CONSTANT = serving.constant_predictions(ROWS)


def check_answers(answers: list, model: serving.RegisteredModel) -> None:
    """Every answer is a 200 whose body is what the version in its header predicts."""
    expected = {model.versions["iris"]: IRIS, model.versions["constant"]: CONSTANT}
    bad = [a for a in answers if not (a.ok and a.version in expected and a.body == {"predictions": expected[a.version]})]
    assert not bad, f"{len(bad)} of {len(answers)} answers wrong, e.g.:\n  " + "\n  ".join(a.describe() for a in bad[:5])


def share(answers: list, version: str) -> float:
    return sum(a.version == version for a in answers) / len(answers)


def subset(actual: dict, expected: dict) -> bool:
    """The fields we set come back as set (the answer may add defaults beside them)."""
    return {key: actual.get(key) for key in expected} == expected


def only_targets(versions: set[str]):
    return lambda d: {str(t["version"]) for t in d["targets"]} == versions


def test_canary_split_then_promote(server, keel, deployments, multi_version_model):
    v1, v2 = multi_version_model.versions["iris"], multi_version_model.versions["constant"]
    name = deployments.create(f"{multi_version_model.name}/{v1}")["name"]
    shown = deployments.set_traffic(name, {"kind": "canary", "candidate": v2, "percent": 20}, {v1, v2})
    assert subset(shown["traffic"], {"kind": "canary", "candidate": v2, "percent": 20}), shown
    roles = {str(t["version"]): t["role"] for t in shown["targets"]}
    assert roles == {v1: "primary", v2: "candidate"}, shown

    settle(server.url, name, PAYLOAD, lambda a: a.version == v2, f"the canary {v2} to answer")
    answers = send_many(server.url, name, PAYLOAD, 1000)
    check_answers(answers, multi_version_model)
    assert 0.15 <= share(answers, v2) <= 0.25, f"canary 20%: {share(answers, v2):.3f} answered by {v2}"

    promoted = assert_ok(keel.promote(name))["deployment"]
    assert promoted["primary_version"] == v2, promoted
    assert promoted["traffic"]["kind"] == "single", promoted
    keel.wait_ready(name, extra=only_targets({v2}))
    # At 20% a streak of 20 from the candidate happens by chance once in 10^14.
    settle(server.url, name, PAYLOAD, lambda a: a.version == v2, f"promoted {v2} to answer", consecutive=20)
    after = send_many(server.url, name, PAYLOAD, 100)
    check_answers(after, multi_version_model)
    assert share(after, v2) == 1.0, [a.version for a in after]


def test_canary_rollback(server, keel, deployments, multi_version_model):
    v1, v2 = multi_version_model.versions["iris"], multi_version_model.versions["constant"]
    name = deployments.create(f"{multi_version_model.name}/{v1}")["name"]
    deployments.set_traffic(name, {"kind": "canary", "candidate": v2, "percent": 50}, {v1, v2})
    settle(server.url, name, PAYLOAD, lambda a: a.version == v2, f"the canary {v2} to answer")
    during = send_many(server.url, name, PAYLOAD, 200)
    check_answers(during, multi_version_model)
    assert 0.3 <= share(during, v2) <= 0.7, f"canary 50%: {share(during, v2):.3f} answered by {v2}"

    rolled_back = assert_ok(keel.rollback(name))["deployment"]
    assert rolled_back["primary_version"] == v1, rolled_back
    assert rolled_back["traffic"]["kind"] == "single", rolled_back
    keel.wait_ready(name, extra=only_targets({v1}))
    settle(server.url, name, PAYLOAD, lambda a: a.version == v1, f"{v1} alone to answer", consecutive=20)
    after = send_many(server.url, name, PAYLOAD, 100)
    check_answers(after, multi_version_model)
    assert share(after, v1) == 1.0, [a.version for a in after]


def test_ab_split_is_sticky_per_header_value(server, deployments, multi_version_model):
    v1, v2 = multi_version_model.versions["iris"], multi_version_model.versions["constant"]
    name = deployments.create(f"{multi_version_model.name}/{v1}")["name"]
    traffic = {"kind": "ab", "variants": [{"version": v1, "weight": 70}, {"version": v2, "weight": 30}],
               "sticky_header": "X-User"}
    shown = deployments.set_traffic(name, traffic, {v1, v2})
    assert shown["traffic"]["sticky_header"] == "X-User", shown
    assert sorted((v["version"], v["weight"]) for v in shown["traffic"]["variants"]) == [(v1, 70), (v2, 30)], shown

    settle(server.url, name, PAYLOAD, lambda a: a.version == v2, f"variant {v2} to answer")
    users = [f"user-{i}" for i in range(400)]
    answers = send_many(server.url, name, PAYLOAD, 3 * len(users), headers_for=lambda i: {"X-User": users[i % len(users)]})
    check_answers(answers, multi_version_model)
    per_user: dict[str, set] = {}
    for answer in answers:
        per_user.setdefault(users[answer.index % len(users)], set()).add(answer.version)
    switched = {user: versions for user, versions in per_user.items() if len(versions) > 1}
    assert not switched, f"{len(switched)} header values reached several versions, e.g. {list(switched.items())[:3]}"
    users_on_v2 = sum(versions == {v2} for versions in per_user.values()) / len(users)
    # 400 users at p=0.3: sd 0.023, so ±0.08 is 3.5 deviations.
    assert 0.22 <= users_on_v2 <= 0.38, f"A/B 70/30: {users_on_v2:.3f} of header values went to {v2}"

    unsticky = send_many(server.url, name, PAYLOAD, 1000)
    check_answers(unsticky, multi_version_model)
    assert 0.25 <= share(unsticky, v2) <= 0.35, f"A/B 70/30 without the header: {share(unsticky, v2):.3f} to {v2}"


def _shadow_run(server, keel, deployments, model, candidate: str, count: int = 40):
    """Deploy version 1 with `candidate` as shadow, send `count` requests, return (answers, log)."""
    v1 = model.versions["iris"]
    name = deployments.create(f"{model.name}/{v1}")["name"]
    shown = deployments.set_traffic(name, {"kind": "shadow", "candidate": candidate}, {v1, candidate})
    assert subset(shown["traffic"], {"kind": "shadow", "candidate": candidate}), shown
    assert shown["primary_version"] == v1, shown

    def shadowing() -> bool:
        resp = keel.invoke(name, PAYLOAD)
        assert resp.status_code == 200 and resp.headers.get(serving.VERSION_HEADER) == v1, describe(resp)
        return any(r["role"] == "shadow" for r in keel.inference_log(name))

    serving.poll(shadowing, bool, 60, f"a first shadow record of {name}", interval=0.2)

    answers = send_many(server.url, name, PAYLOAD, count, threads=4)
    bad = [a for a in answers if not (a.ok and a.version == v1 and a.body == {"predictions": IRIS})]
    assert not bad, "callers must get the primary's answer:\n  " + "\n  ".join(a.describe() for a in bad[:5])
    ids = {a.request_id for a in answers}
    assert len(ids) == count, "request ids repeat"

    def ours(records: list, role: str) -> list:
        return [r for r in records if r["request_id"] in ids and r["role"] == role]

    records = keel.wait_log(name, lambda rs: len(ours(rs, "primary")) >= count and len(ours(rs, "shadow")) >= count,
                            f"a primary and a shadow record for each of {count} requests")
    primary, shadow = ours(records, "primary"), ours(records, "shadow")
    assert len(primary) == count and len(shadow) == count, f"{len(primary)} primary, {len(shadow)} shadow records"
    assert {r["request_id"] for r in shadow} == ids, "every request needs its shadow record"
    assert all(r["model_version"] == v1 and r["status"] == 200 for r in primary), primary[:3]
    assert all(r["model_version"] == candidate for r in shadow), shadow[:3]
    assert {r["request"] for r in shadow} == {PAYLOAD.body.decode()}, "the candidate gets the caller's body"
    assert keel.deployment(name)["state"] == "ready"
    return answers, shadow


def test_shadow_caller_gets_primary_and_candidate_is_logged(server, keel, deployments, multi_version_model):
    _, shadow = _shadow_run(server, keel, deployments, multi_version_model, multi_version_model.versions["constant"])
    wrong = [r for r in shadow if r["status"] != 200 or json.loads(r["response"]) != {"predictions": CONSTANT}]
    assert not wrong, f"shadow records should hold the candidate's answers: {wrong[:3]}"


def test_failing_shadow_never_changes_the_callers_answer(server, keel, deployments, multi_version_model):
    _, shadow = _shadow_run(server, keel, deployments, multi_version_model, multi_version_model.versions["failing"])
    assert all(r["status"] >= 400 for r in shadow), f"the failing candidate's records: {shadow[:3]}"


INVALID = (400, ("INVALID_PARAMETER_VALUE", "BAD_REQUEST"))
MISSING = (404, ("RESOURCE_DOES_NOT_EXIST",))


def _accepted(resp, accepted) -> bool:
    try:
        body = resp.json()
    except ValueError:
        return False
    return isinstance(body, dict) and any(resp.status_code == s and body.get("error_code") in c for s, c in accepted)


def test_invalid_traffic_changes_are_rejected_and_change_nothing(keel, deployments, multi_version_model):
    v1, v2 = multi_version_model.versions["iris"], multi_version_model.versions["constant"]
    name = deployments.create(f"{multi_version_model.name}/{v1}")["name"]
    before = keel.deployment(name)
    cases = {
        "unknown-kind": ({"kind": "teleport"}, [INVALID]),
        "canary-without-candidate": ({"kind": "canary", "percent": 10}, [INVALID]),
        "canary-over-100": ({"kind": "canary", "candidate": v2, "percent": 150}, [INVALID]),
        "canary-negative": ({"kind": "canary", "candidate": v2, "percent": -1}, [INVALID]),
        "canary-unknown-version": ({"kind": "canary", "candidate": "999", "percent": 10}, [INVALID, MISSING]),
        "ab-no-variants": ({"kind": "ab", "variants": []}, [INVALID]),
        "ab-negative-weight": ({"kind": "ab", "variants": [{"version": v1, "weight": 50},
                                                             {"version": v2, "weight": -50}]}, [INVALID]),
        "shadow-without-candidate": ({"kind": "shadow"}, [INVALID]),
    }
    failures = []
    for case, (traffic, accepted) in cases.items():
        resp = keel.patch(name, {"traffic": traffic})
        if not _accepted(resp, accepted):
            failures.append(f"{case}: expected one of {accepted}: {describe(resp)}")
    assert not failures, "\n".join(failures)
    after = keel.deployment(name)
    assert (after["traffic"], after["primary_version"]) == (before["traffic"], before["primary_version"]), after

    for action in (keel.promote, keel.rollback):
        resp = action(name)
        assert _accepted(resp, [INVALID, (409, ("RESOURCE_CONFLICT",))]), (
            f"{action.__name__} without a candidate: {describe(resp)}")
    assert keel.deployment(name)["primary_version"] == v1


def test_ready_means_the_new_policy_answers(server, deployments, multi_version_model):
    """Once GET says ready, the very next request follows the new policy: no lag."""
    v1, v2 = multi_version_model.versions["iris"], multi_version_model.versions["constant"]
    name = deployments.create(f"{multi_version_model.name}/{v1}")["name"]
    deployments.set_traffic(name, {"kind": "canary", "candidate": v2, "percent": 100}, {v1, v2})
    answers = send_many(server.url, name, PAYLOAD, 20)
    assert [a.version for a in answers] == [v2] * 20, [a.version for a in answers]
