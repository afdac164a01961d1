"""Nothing acknowledged is lost: every 200 survives `kill -9` of the server.

Several threads write concurrently (metrics, params, tags, batches); only the
writes the server acknowledged are remembered; then the server is SIGKILLed,
restarted on the same data dir / database, and every acknowledged write must
be there.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests

from support.rest import API, Api, assert_ok, now_ms

THREADS = 6
WRITES_PER_THREAD = 50  # 300 acknowledged writes in all


@dataclass
class Acknowledged:
    """What the server said 200 to, per run: metric points, params, tags."""

    metrics: set = field(default_factory=set)  # (key, step, value)
    params: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    requests: int = 0


def _writer(base_url: str, run_id: str, thread: int) -> Acknowledged:
    session = requests.Session()
    ack = Acknowledged()

    def post(path, body):
        resp = session.post(f"{base_url}{API}/{path}", json={"run_id": run_id, **body}, timeout=60)
        ack.requests += resp.ok
        return resp

    for i in range(WRITES_PER_THREAD):
        kind = i % 4
        if kind == 0:
            key, value = f"m{thread}", float(i)
            if post("runs/log-metric", {"key": key, "value": value, "timestamp": now_ms(), "step": i}).ok:
                ack.metrics.add((key, i, value))
        elif kind == 1:
            key, value = f"p{thread}-{i}", f"v{i}"
            if post("runs/log-parameter", {"key": key, "value": value}).ok:
                ack.params[key] = value
        elif kind == 2:
            key, value = f"t{thread}-{i}", f"v{i}"
            if post("runs/set-tag", {"key": key, "value": value}).ok:
                ack.tags[key] = value
        else:
            body = {
                "metrics": [{"key": f"b{thread}", "value": float(i), "timestamp": now_ms(), "step": i}],
                "params": [{"key": f"bp{thread}-{i}", "value": "x"}],
                "tags": [{"key": f"bt{thread}-{i}", "value": "y"}],
            }
            if post("runs/log-batch", body).ok:
                ack.metrics.add((f"b{thread}", i, float(i)))
                ack.params[f"bp{thread}-{i}"] = "x"
                ack.tags[f"bt{thread}-{i}"] = "y"
    return ack


def _assert_all_present(api: Api, run_id: str, ack: Acknowledged) -> None:
    data = api.get_run(run_id).get("data", {})
    params = {p["key"]: p["value"] for p in data.get("params", [])}
    tags = {t["key"]: t["value"] for t in data.get("tags", [])}
    missing_params = {k: v for k, v in ack.params.items() if params.get(k) != v}
    missing_tags = {k: v for k, v in ack.tags.items() if tags.get(k) != v}
    assert not missing_params, f"{len(missing_params)} acknowledged params lost, e.g. {list(missing_params)[:5]}"
    assert not missing_tags, f"{len(missing_tags)} acknowledged tags lost, e.g. {list(missing_tags)[:5]}"
    stored = set()
    for key in {k for k, _, _ in ack.metrics}:
        body = assert_ok(api.get("metrics/get-history", {"run_id": run_id, "metric_key": key}))
        stored |= {(m["key"], m.get("step", 0), float(m["value"])) for m in body.get("metrics", [])}
    lost = ack.metrics - stored
    assert not lost, f"{len(lost)} acknowledged metric points lost, e.g. {sorted(lost)[:5]}"


@pytest.mark.keel_only
@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9(backend, server_factory):
    server = server_factory.start(backend)
    api = Api(server.url)
    experiment_id = api.create_experiment("durability")
    run_ids = [api.create_run(experiment_id)["info"]["run_id"] for _ in range(2)]

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(_writer, server.url, run_ids[t % 2], t) for t in range(THREADS)]
        acks = [f.result() for f in futures]
    acknowledged = sum(a.requests for a in acks)
    assert acknowledged == THREADS * WRITES_PER_THREAD, (
        f"only {acknowledged} of {THREADS * WRITES_PER_THREAD} writes were acknowledged before the crash")

    server.kill_hard()
    restarted = server_factory.start(server.spec)
    api = Api(restarted.url)
    assert api.get_run(run_ids[0])["info"]["experiment_id"] == experiment_id
    for t, ack in enumerate(acks):
        _assert_all_present(api, run_ids[t % 2], ack)


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_restart_keeps_data(backend, server_factory):
    server = server_factory.start(backend)
    api = Api(server.url)
    experiment_id = api.create_experiment("restart")
    run_id = api.create_run(experiment_id)["info"]["run_id"]
    assert_ok(api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "kept"}))
    assert server.stop(), "server did not exit within 15 s of SIGTERM"
    restarted = server_factory.start(server.spec)
    data = Api(restarted.url).get_run(run_id)["data"]
    assert {p["key"]: p["value"] for p in data["params"]} == {"p": "kept"}
