"""Deployments that follow an alias move when the alias moves.

Why: "point champion at the new version" is how teams release with the
MLflow registry, so moving the alias with the official client must be enough
to switch what a `name@champion` deployment serves — and must leave a
deployment created with follow_alias=false where it was. The history records
which version served when.
"""

import pytest

from support import serving
from support.rest import assert_ok

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows(6)
PAYLOAD = serving.split_payload(ROWS)


def mentioned_versions(events: list[dict]) -> set[str]:
    return set().union(*(serving.versions_in(e) for e in events)) if events else set()


def test_moving_the_alias_switches_following_deployments_only(server, client, keel, deployments):
    model = serving.register_model(server.url, ("iris", "constant"), prefix="follow")
    v1, v2 = model.versions["iris"], model.versions["constant"]
    following = deployments.create(f"{model.name}@champion")
    pinned = deployments.create(f"{model.name}@champion", follow_alias=False)
    assert following["follow_alias"] is True and pinned["follow_alias"] is False
    assert following["primary_version"] == pinned["primary_version"] == v1

    resp = keel.invoke(following["name"], PAYLOAD)
    assert resp.headers.get(serving.VERSION_HEADER) == v1
    assert serving.predictions_of(resp) == serving.expected_predictions(ROWS)

    client.set_registered_model_alias(model.name, "champion", v2)

    moved = serving.poll(lambda: keel.deployment(following["name"]), lambda d: d["primary_version"] == v2,
                         serving.MODEL_LOAD_TIMEOUT_S, f"{following['name']} to follow champion to version {v2}")
    assert moved["alias"] == "champion" and moved["model"] == f"{model.name}@champion", moved
    keel.wait_ready(following["name"], extra=lambda d: {str(t["version"]) for t in d["targets"]} == {v2})
    # The router may apply the move a moment after the API shows it; from then on only v2 answers.
    serving.settle(server.url, following["name"], PAYLOAD, lambda a: a.version == v2, f"{v2} to answer")
    answers = serving.send_many(server.url, following["name"], PAYLOAD, 20, threads=2)
    assert all(a.ok and a.version == v2 and a.body == {"predictions": serving.constant_predictions(ROWS)}
               for a in answers), [a.describe() for a in answers]

    # The same alias event reached both deployments by now; the pinned one ignored it.
    still = keel.deployment(pinned["name"])
    assert still["primary_version"] == v1, still
    resp = keel.invoke(pinned["name"], PAYLOAD)
    assert resp.headers.get(serving.VERSION_HEADER) == v1
    assert serving.predictions_of(resp) == serving.expected_predictions(ROWS)

    events = keel.history(following["name"])
    assert {v1, v2} <= mentioned_versions(events), f"history should record versions {v1} and {v2}: {events}"
    pinned_events = keel.history(pinned["name"])
    assert v2 not in mentioned_versions(pinned_events), f"the pinned deployment never served {v2}: {pinned_events}"


def test_history_of_a_new_deployment_names_its_version(keel, deployments, iris_model):
    name = deployments.create(f"{iris_model.name}@champion")["name"]
    events = keel.history(name)
    assert events, "a deployment that served a version has history"
    assert iris_model.versions["iris"] in mentioned_versions(events), events
    assert assert_ok(keel.get(name))["deployment"]["primary_version"] == iris_model.versions["iris"]
