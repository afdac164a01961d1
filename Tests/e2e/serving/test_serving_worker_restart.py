"""A model worker killed with SIGKILL under load: clean failures, then a full pool again.

Why: workers run arbitrary model code and can die (OOM killer, segfaulting
native libraries). The gateway must never hang a caller or drop a connection
because of it: each request in flight either succeeds (e.g. retried on the
surviving worker) or gets a JSON error (502/503/504), and the supervisor
replaces the dead worker so the deployment is back to full strength.

The test uses a server of its own, so every `keel_worker` process under it
belongs to the deployment under test.
"""

import time

import pytest

from support import guard, serving
from support.rest import describe

pytestmark = [pytest.mark.keel_only, pytest.mark.slow]

ROWS = serving.sample_rows(6)
PAYLOAD = serving.split_payload(ROWS)
IRIS = serving.expected_predictions(ROWS)
WORKERS = 2
# What a request that was on the killed worker may honestly get instead of a 200.
CLEAN_FAILURES = (502, 503, 504)


def test_killed_worker_fails_cleanly_and_is_replaced(fresh_server):
    model = serving.register_model(fresh_server.url, ("iris",), prefix="kill")
    keel = serving.Serving(fresh_server.url)
    name = model.name
    serving.assert_ok(keel.create({"name": name, "model": f"{name}@champion", "workers": WORKERS}))
    keel.wait_ready(name)
    workers = serving.poll(lambda: serving.worker_pids(fresh_server.process.pid), lambda p: len(p) == WORKERS, 30,
                           f"{WORKERS} keel_worker processes under the server")

    with serving.BackgroundTraffic(fresh_server.url, name, PAYLOAD, threads=4) as traffic:
        serving.poll(lambda: traffic.successes_since(0), lambda n: n >= 20, 60, "20 answers before the kill")
        victim = min(workers)
        serving.kill_worker(victim)

        def restored():
            pids = serving.worker_pids(fresh_server.process.pid)
            deployment = keel.deployment(name)
            full = deployment["state"] == "ready" and all(
                t["state"] == "ready" and t["ready_workers"] == t["workers"] == WORKERS for t in deployment["targets"])
            return full and len(pids) == WORKERS and victim not in pids, pids, deployment

        _, pids_after, _ = serving.poll(restored, lambda r: r[0], serving.MODEL_LOAD_TIMEOUT_S,
                                        f"worker {victim} to be replaced and the pool back to {WORKERS}")
        back_at = time.monotonic()
        serving.poll(lambda: traffic.successes_since(back_at), lambda n: n >= 50, 60,
                     "50 answers after the pool was restored")
    answers = traffic.answers
    # 5xx answers to requests caught by the kill are judged below, not by the blanket 5xx guard.
    path = keel.invocations_path(name)
    guard.forgive(lambda entry: path in entry and any(entry.endswith(f"-> {s}") for s in CLEAN_FAILURES))

    hung = [a for a in answers if a.error]
    assert not hung, f"{len(hung)} requests got no HTTP answer:\n  " + "\n  ".join(a.describe() for a in hung[:5])
    unclean = [a for a in answers if not a.ok and not (a.status in CLEAN_FAILURES and isinstance(a.body, dict)
                                                       and (a.body.get("error_code") or a.body.get("error")))]
    assert not unclean, "failures must be 502/503/504 with a JSON error:\n  " + \
        "\n  ".join(a.describe() for a in unclean[:5])
    wrong = [a for a in answers if a.ok and a.body != {"predictions": IRIS}]
    assert not wrong, "\n  ".join(a.describe() for a in wrong[:5])
    after = [a for a in answers if a.sent_at >= back_at]
    assert after and all(a.ok for a in after), "after the restart every request must succeed:\n  " + \
        "\n  ".join(a.describe() for a in after if not a.ok)
    assert pids_after - workers, f"no new worker process: before {sorted(workers)}, after {sorted(pids_after)}"
    resp = keel.invoke(name, PAYLOAD)
    assert serving.predictions_of(resp) == IRIS, describe(resp)
