"""Alert rules: evaluated on a schedule, stored, delivered to a webhook with retries, counted.

Why: an alert is only as good as its delivery. So the judge is a real HTTP
endpoint in the test process (support/webhooks.py) that records every
attempt: a rule whose condition holds must arrive there once as a `firing`
body with the documented fields, be listed by the alerts API and counted in
/metrics; a receiver that fails must see the retries with the documented
back-off (1 s, 2 s, …) and at most 5 attempts; `evaluate` must answer the
metric's value as the drift/window reads compute it; and a malformed rule
must be refused before it is stored.

The module shares one deployment whose whole inference log is shifted
traffic (drift_share 0.75 > 0.3 in any window that holds it). Rules are per
test (deleted afterwards). The resolve test needs traffic that changes over
time, so it has a deployment of its own and is marked slow.
"""

from __future__ import annotations

import threading
import time

import pytest

import monitoring_api as api
import monitoring_data as data
from support import serving
from support.rest import assert_error, assert_ok, now_ms
from support.webhooks import WebhookReceiver

pytestmark = pytest.mark.keel_only

WHEN = "drift_share > 0.3"


class Alerting:
    def __init__(self, name: str, drift: dict):
        self.name = name
        self.drift = drift  # GET drift?window=1h once the traffic is in

    @property
    def share(self) -> float:
        return self.drift["dataset"]["share_of_drifted_columns"]


@pytest.fixture(scope="module")
def alerting(module_deployments, classifier_model, keel, monitor) -> Alerting:
    name = module_deployments.create(f"{classifier_model.name}/{classifier_model.versions['sklearn']}")
    monitor.upload_reference(name, data.classifier_reference(500, seed=1))
    sent = api.send_rows(keel, name, data.chunks(data.feature_frame(300, seed=202, shifted=True), 10))
    api.wait_logged(keel, name, [s.request_id for s in sent])
    drift = monitor.drift(name, window="1h")
    assert drift["dataset"]["share_of_drifted_columns"] > 0.3, f"test data: not drifted enough: {drift}"
    return Alerting(name, drift)


def same_id(a, b) -> bool:
    return a is not None and str(a) == str(b)


def firing_for(rule_id):
    return lambda body: same_id(body.get("rule_id"), rule_id) and body.get("state") == "firing"


def alert_samples(families, deployment: str, sample_name: str, rule: dict) -> list:
    """Samples `sample_name` of `deployment` whose `rule` label names the rule (its id, or its `when`)."""
    names = {str(api.rule_id(rule)), rule.get("when", WHEN)}
    return [s for family in families for s in family.samples
            if s.name == sample_name and s.labels.get("deployment") == deployment and s.labels.get("rule") in names]


def assert_webhook_body(body: dict, rule: dict, deployment: str, started_ms: int, state: str = "firing") -> None:
    where = f"webhook body {body}"
    assert isinstance(body.get("alert_id"), int), where
    assert same_id(body.get("rule_id"), api.rule_id(rule)), where
    assert body.get("deployment") == deployment and body.get("state") == state, where
    assert body.get("when") == rule["when"] and body.get("metric") == rule["when"].split()[0], where
    assert body.get("window") == rule["window"], where
    assert isinstance(body.get("value"), (int, float)), where
    assert isinstance(body.get("fired_at"), int) and started_ms - 1000 <= body["fired_at"] <= now_ms() + 1000, where


def test_a_firing_rule_reaches_the_webhook_once_and_is_recorded(server, monitor, rules, alerting):
    with WebhookReceiver() as hook:
        started = now_ms()
        rule = rules.create(deployment=alerting.name, when=WHEN, window="1h", webhook=hook.url, every="1s")
        for key, value in {"deployment": alerting.name, "when": WHEN, "window": "1h", "webhook": hook.url,
                           "every": "1s"}.items():
            assert rule.get(key) == value, f"the created rule does not echo {key}: {rule}"

        body = hook.wait_for_body(firing_for(api.rule_id(rule)), api.WEBHOOK_TIMEOUT_S, f"rule {rule} to fire")
        assert_webhook_body(body, rule, alerting.name, started)
        assert abs(body["value"] - alerting.share) < 1e-9, f"value {body['value']} != drift share {alerting.share}"
        delivery = next(d for d in hook.accepted() if d.json == body)
        assert delivery.headers.get("content-type", "").startswith("application/json"), delivery.headers

        alerts = monitor.alerts(alerting.name)
        mine = [a for a in alerts if same_id(a.get("alert_id", a.get("id")), body["alert_id"])]
        assert len(mine) == 1, f"alert {body['alert_id']} not listed once: {alerts}"
        assert mine[0]["state"] == "firing" and same_id(mine[0].get("rule_id"), api.rule_id(rule)), mine[0]
        fired = [a["fired_at"] for a in alerts]
        assert fired == sorted(fired, reverse=True), f"alerts are not newest first: {fired}"

        def counted(families) -> bool:
            total = alert_samples(families, alerting.name, "keel_alerts_total", rule)
            firing = alert_samples(families, alerting.name, "keel_alert_firing", rule)
            return (any(s.labels.get("state") == "firing" and s.value >= 1 for s in total)
                    and any(s.value == 1 for s in firing))

        serving.poll(lambda: serving.scrape(server.url), counted, 30,
                     f"keel_alerts_total{{state=firing}} and keel_alert_firing == 1 for {alerting.name}")

        time.sleep(3.5)  # three more evaluations while the condition still holds
        repeats = [d for d in hook.accepted() if isinstance(d.json, dict) and firing_for(api.rule_id(rule))(d.json)]
        assert len(repeats) == 1, f"a rule fires when its condition *becomes* true, not on every evaluation: {repeats}"


def test_a_failing_webhook_is_retried_with_backoff(monitor, rules, alerting):
    with WebhookReceiver(fail_first=2) as hook:
        rule = rules.create(deployment=alerting.name, when=WHEN, window="1h", webhook=hook.url, every="1s")
        attempts = hook.wait_for(lambda ds: ds if len(ds) >= 3 else None, api.WEBHOOK_TIMEOUT_S + 10,
                                 "three delivery attempts (two answered 500)")
        assert [d.answered for d in attempts[:3]] == [500, 500, 200], [d.describe() for d in attempts]
        assert attempts[0].json == attempts[1].json == attempts[2].json, "a retry must send the same alert"
        assert firing_for(api.rule_id(rule))(attempts[2].json), attempts[2].describe()
        first_gap, second_gap = attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at
        assert first_gap >= 0.8 and second_gap >= 1.6, f"back-off 1 s then 2 s, got {first_gap:.2f} s, {second_gap:.2f} s"

        alert_id = attempts[2].json["alert_id"]

        def delivered() -> dict | None:
            found = [a for a in monitor.alerts(alerting.name) if same_id(a.get("alert_id", a.get("id")), alert_id)]
            return found[0] if found else None

        alert = serving.poll(delivered, lambda a: a is not None and api.delivery_status(a)[0] == "delivered", 15,
                             f"alert {alert_id} to show its delivery as delivered")
        _, count = api.delivery_status(alert)
        assert count in (None, 3), f"delivery attempts: {alert}"


@pytest.mark.slow
def test_a_webhook_that_keeps_failing_gets_five_attempts(monitor, rules, alerting):
    with WebhookReceiver(fail_first=1000) as hook:
        rule = rules.create(deployment=alerting.name, when=WHEN, window="1h", webhook=hook.url, every="1s")
        attempts = hook.wait_for(lambda ds: ds if len(ds) >= 5 else None, 1 + 2 + 4 + 8 + api.WEBHOOK_TIMEOUT_S,
                                 "five delivery attempts")
        gaps = [b.at - a.at for a, b in zip(attempts, attempts[1:])]
        assert all(g >= 0.8 * expected for g, expected in zip(gaps, (1, 2, 4, 8))), f"back-off gaps {gaps}"
        time.sleep(12)  # longer than the next back-off would be
        assert len(hook.deliveries()) == 5, f"more than 5 attempts: {[d.describe() for d in hook.deliveries()]}"
        alert_id = attempts[0].json["alert_id"]
        alert = next(a for a in monitor.alerts(alerting.name) if same_id(a.get("alert_id", a.get("id")), alert_id))
        status, count = api.delivery_status(alert)
        assert status == "failed" and count in (None, 5), f"delivery of a given-up alert: {alert}"
        assert firing_for(api.rule_id(rule))(attempts[0].json)


def evaluate(monitor, rule: dict) -> dict:
    body = assert_ok(monitor.post_evaluate(api.rule_id(rule)))
    assert isinstance(body.get("value"), (int, float)) and isinstance(body.get("state"), str), \
        f"evaluate should answer value and state: {body}"
    return body


def test_evaluate_answers_the_value_and_the_state(monitor, rules, alerting):
    hook = "http://127.0.0.1:9/unused"  # `every` is an hour: nothing is delivered during the test
    drift = monitor.drift(alerting.name, window="1h")

    drifting = rules.create(deployment=alerting.name, when=WHEN, window="1h", webhook=hook, every="1h")
    answer = evaluate(monitor, drifting)
    assert abs(answer["value"] - drift["dataset"]["share_of_drifted_columns"]) < 1e-9, (answer, drift["dataset"])
    assert answer["state"] == "firing", answer

    x0 = next(c for c in drift["columns"] if c["column"] == "x_0")
    column_rule = rules.create(deployment=alerting.name, when="drift.x_0 < 0.05", window="1h", webhook=hook, every="1h")
    answer = evaluate(monitor, column_rule)
    assert abs(answer["value"] - x0["drift_score"]) <= 1e-9 * max(1.0, abs(x0["drift_score"])), (answer, x0)
    assert answer["state"] == "firing", answer

    never = rules.create(deployment=alerting.name, when="requests < 0", window="1h", webhook=hook, every="1h")
    answer = evaluate(monitor, never)
    assert answer["value"] == drift["window"]["requests"], (answer, drift["window"])
    assert answer["state"] != "firing", answer

    assert_error(monitor.post_evaluate(987654321), *api.MISSING)


def test_rules_are_listed_and_deleted(monitor, rules, alerting):
    hook = "http://127.0.0.1:9/unused"
    kept = rules.create(deployment=alerting.name, when="error_rate > 0.5", window="1h", webhook=hook, every="1m")
    dropped = rules.create(deployment=alerting.name, when="latency_p95_ms >= 1000", window="30m", webhook=hook)
    assert dropped.get("every") == "1m", f"`every` defaults to 1m: {dropped}"
    listed = {str(api.rule_id(r)): r for r in monitor.rules(alerting.name)}
    assert {str(api.rule_id(kept)), str(api.rule_id(dropped))} <= set(listed), listed
    assert listed[str(api.rule_id(kept))]["when"] == "error_rate > 0.5", listed

    assert assert_ok(monitor.delete_rule(api.rule_id(dropped))) == {}
    assert str(api.rule_id(dropped)) not in {str(api.rule_id(r)) for r in monitor.rules(alerting.name)}
    assert_error(monitor.delete_rule(api.rule_id(dropped)), *api.MISSING)
    assert_error(monitor.post_evaluate(api.rule_id(dropped)), *api.MISSING)


def _invalid_rules() -> dict:
    """case -> (changes to a valid rule, expected (status, codes))."""
    cases = {}
    for i, when in enumerate(["drift_share >> 0.3", "drift_share 0.3", "drift_share >", "> 0.3",
                              "drift_share > high", "drift_share => 0.3", "", "drift_share > 0.3 and x"]):
        cases[f"bad-when-{i}"] = ({"when": when}, api.INVALID)
    for metric in ("bogus", "estimated_bogus", "latency_p42_ms", "drift.", "accuracy_"):
        cases[f"unknown-metric-{metric}"] = ({"when": f"{metric} > 1"}, api.INVALID)
    for i, url in enumerate(["not a url", "ftp://example.com/hook", "", "http://", "127.0.0.1:9/hook"]):
        cases[f"bad-webhook-{i}"] = ({"webhook": url}, api.INVALID)
    for every in ("0s", "500ms", "soon", "-1m"):
        cases[f"bad-every-{every}"] = ({"every": every}, api.INVALID)
    for window in ("5x", ""):
        cases[f"bad-window-{window or 'empty'}"] = ({"window": window}, api.INVALID)
    cases["missing-when"] = ({"when": None}, api.INVALID)
    cases["missing-deployment"] = ({"deployment": None}, api.INVALID)
    cases["unknown-deployment"] = ({"deployment": "absent-deployment-name"}, api.MISSING)
    return cases


INVALID_RULES = _invalid_rules()


@pytest.mark.parametrize("case", list(INVALID_RULES))
def test_an_invalid_rule_is_refused(monitor, alerting, case):
    changes, expected = INVALID_RULES[case]
    body = {"deployment": alerting.name, "when": WHEN, "window": "1h", "webhook": "http://127.0.0.1:9/hook",
            "every": "1m", **changes}
    body = {k: v for k, v in body.items() if v is not None}
    before = len(monitor.rules(alerting.name))
    resp = monitor.post_rule(body)
    if resp.status_code == 200:  # do not leave a wrongly accepted rule behind
        monitor.delete_rule(api.rule_id(api.unwrap(resp.json(), "rule")))
    assert_error(resp, *expected)
    assert len(monitor.rules(alerting.name)) == before, "a refused rule was stored"


class NormalTraffic:
    """Sends distinct reference-like requests one after another until stopped."""

    def __init__(self, keel, name: str, seed: int):
        self._frames = data.chunks(data.feature_frame(20_000, seed=seed), 10)
        self._keel, self._name = keel, name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.sent = 0

    def _run(self) -> None:
        for frame in self._frames:
            if self._stop.is_set():
                return
            resp = self._keel.invoke(self._name, api.invocation_payload(frame))
            assert resp.status_code == 200, resp.text[:200]
            self.sent += 1
            time.sleep(0.05)

    def __enter__(self) -> "NormalTraffic":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


@pytest.mark.slow
def test_an_alert_resolves_when_traffic_returns_to_normal(server, keel, monitor, deployments, rules, classifier_model):
    name = deployments.create(f"{classifier_model.name}/{classifier_model.versions['sklearn']}")
    monitor.upload_reference(name, data.classifier_reference(500, seed=1))
    with WebhookReceiver() as hook:
        started = now_ms()
        rule = rules.create(deployment=name, when=WHEN, window="10s", webhook=hook.url, every="1s")
        api.send_rows(keel, name, data.chunks(data.feature_frame(200, seed=203, shifted=True), 10))
        fired = hook.wait_for_body(firing_for(api.rule_id(rule)), api.WEBHOOK_TIMEOUT_S, "the rule to fire")
        assert_webhook_body(fired, rule, name, started)

        with NormalTraffic(keel, name, seed=204):  # after 10 s the window holds only normal rows
            resolved = hook.wait_for_body(
                lambda b: same_id(b.get("rule_id"), api.rule_id(rule)) and b.get("state") == "resolved",
                10 + 3 * api.WEBHOOK_TIMEOUT_S, "the rule to resolve")
        assert_webhook_body(resolved, rule, name, started, state="resolved")
        assert resolved["value"] <= 0.3 and resolved["alert_id"] != fired["alert_id"], resolved

        states = [a["state"] for a in monitor.alerts(name) if same_id(a.get("rule_id"), api.rule_id(rule))]
        assert states[:2] == ["resolved", "firing"], f"newest first: {states}"
        serving.poll(lambda: serving.scrape(server.url),
                     lambda f: any(s.value == 0 for s in alert_samples(f, name, "keel_alert_firing", rule)), 30,
                     f"keel_alert_firing of {name} to drop to 0")
