"""Feedback: ground truth joined to logged predictions, late, in any order, all or nothing.

Why: labels arrive from other systems, days later and shuffled, and are
often re-sent by retrying jobs. So the contract is about safety as much as
joins: a batch is checked whole before anything is stored (one bad item and
*nothing* from the batch is kept — proved here by storing the good items
afterwards and seeing them counted as `stored`, not `unchanged`), a repeated
label is harmless (`unchanged`), a conflicting one is refused unless it says
`replace`, and what was stored is exactly what performance then measures
(compared with scikit-learn on the same labels and the predictions the
callers received).

Counting convention assumed here: `stored` and `unchanged` count labelled
*rows* (a `labels` item for a 5-row request stores 5).

The deployment (the scalar 0/1 classifier) is shared by the module; each
test sends its own requests and reads `last=N` windows of just those.
"""

from __future__ import annotations

import random

import pytest

import monitoring_api as api
import monitoring_data as data
import monitoring_judges as judges
from support.rest import assert_error

pytestmark = pytest.mark.keel_only


@pytest.fixture(scope="module")
def labelled(module_deployments, classifier_model) -> str:
    return module_deployments.create(f"{classifier_model.name}/{classifier_model.versions['sklearn']}")


def send_sized(keel, name: str, sizes: list[int], seed: int) -> list[api.Sent]:
    """One request per size, rows drawn with `seed`; waits until all are in the log."""
    frame = data.feature_frame(sum(sizes), seed=seed)
    frames, start = [], 0
    for size in sizes:
        frames.append(frame.iloc[start:start + size].reset_index(drop=True))
        start += size
    sent = api.send_rows(keel, name, frames, threads=1)
    api.wait_logged(keel, name, [s.request_id for s in sent])
    return sent


def truth(sent: list[api.Sent]) -> list[list[int]]:
    """Per request, per row: labels from the same rule the classifier learnt (so accuracy is not trivial)."""
    return [[int(v) for v in data.classifier_labels(s.rows, seed=len(s.rows) + i)] for i, s in enumerate(sent)]


def flat(lists) -> list:
    return [v for values in lists for v in values]


def only_version(performance: dict) -> dict:
    assert len(performance["versions"]) == 1, performance["versions"]
    return performance["versions"][0]


def assert_labelled(monitor, name: str, sent: list[api.Sent], labels: list[list[int]], what: str) -> dict:
    """Performance of the newest len(sent) requests: every row labelled, metrics == scikit-learn."""
    performance = monitor.performance(name, last=len(sent))
    assert performance["task"] == "classification", performance
    entry = only_version(performance)
    rows = sum(len(s.rows) for s in sent)
    assert entry["role"] == "primary" and entry["predictions"] == rows and entry["labelled"] == rows, entry
    expected = judges.classification_metrics(flat(labels), flat(s.predictions for s in sent))
    judges.assert_metrics(entry.get("metrics"), expected, what)
    assert "roc_auc" not in entry["metrics"], f"no probabilities, so no ROC-AUC (never faked): {entry}"
    assert not entry.get("estimated"), f"no probabilities, so no estimate: {entry}"
    return entry


def test_single_and_multi_row_labels_become_performance(keel, monitor, labelled):
    sent = send_sized(keel, labelled, [1, 1, 1, 1, 5, 5], seed=501)
    labels = truth(sent)
    items = [{"request_id": s.request_id, "label": labels[i][0]} for i, s in enumerate(sent[:4])]
    items.append({"request_id": sent[4].request_id, "labels": labels[4]})
    items += [{"request_id": sent[5].request_id, "row": row, "label": labels[5][row]} for row in (3, 0, 4, 1, 2)]
    assert monitor.feedback(items) == {"stored": 14, "unchanged": 0}
    assert_labelled(monitor, labelled, sent, labels, "single-row, labels and row items")


def test_the_same_labels_again_are_unchanged(keel, monitor, labelled):
    sent = send_sized(keel, labelled, [1, 3], seed=502)
    items = api.label_items(sent, truth(sent))
    assert monitor.feedback(items) == {"stored": 4, "unchanged": 0}
    assert monitor.feedback(items) == {"stored": 0, "unchanged": 4}
    more = send_sized(keel, labelled, [1], seed=503)
    assert monitor.feedback(items + api.label_items(more, truth(more))) == {"stored": 1, "unchanged": 4}
    row_again = [{"request_id": sent[1].request_id, "row": 2, "label": truth(sent)[1][2]}]
    assert monitor.feedback(row_again) == {"stored": 0, "unchanged": 1}


def test_a_conflicting_label_is_refused_and_nothing_changes(keel, monitor, labelled):
    sent = send_sized(keel, labelled, [1, 1, 2], seed=504)
    a, b, c = sent
    assert monitor.feedback([{"request_id": a.request_id, "label": 1}]) == {"stored": 1, "unchanged": 0}

    batch = [{"request_id": b.request_id, "label": 0},
             {"request_id": a.request_id, "label": 0},
             {"request_id": c.request_id, "labels": [1, 0]}]
    error = assert_error(monitor.post_feedback(batch), *api.INVALID)
    assert "already labelled" in error["message"], error

    # Nothing of the refused batch was stored: b and c are new, a keeps its first label.
    assert monitor.feedback([batch[0], batch[2]]) == {"stored": 3, "unchanged": 0}
    assert monitor.feedback([{"request_id": a.request_id, "label": 1}]) == {"stored": 0, "unchanged": 1}
    row_conflict = [{"request_id": c.request_id, "row": 1, "label": 1}]
    assert_error(monitor.post_feedback(row_conflict), *api.INVALID)


def test_replace_true_relabels(keel, monitor, labelled):
    (sent,) = send_sized(keel, labelled, [1], seed=505)
    predicted = sent.predictions[0]
    assert monitor.feedback([{"request_id": sent.request_id, "label": predicted}]) == {"stored": 1, "unchanged": 0}
    assert monitor.performance(labelled, last=1)["versions"][0]["metrics"]["accuracy"] == 1.0

    other = 1 - predicted
    replaced = monitor.feedback([{"request_id": sent.request_id, "label": other, "replace": True}])
    assert replaced == {"stored": 1, "unchanged": 0}, replaced
    entry = only_version(monitor.performance(labelled, last=1))
    assert entry["labelled"] == 1 and entry["metrics"]["accuracy"] == 0.0, entry
    assert monitor.feedback([{"request_id": sent.request_id, "label": other}]) == {"stored": 0, "unchanged": 1}


def test_an_unknown_request_id_is_404_and_nothing_is_stored(keel, monitor, labelled):
    sent = send_sized(keel, labelled, [1, 2], seed=506)
    before = monitor.performance(labelled, last=2)
    assert only_version(before)["labelled"] == 0, before
    unknown = "0000000000-no-such-request"
    batch = [{"request_id": sent[0].request_id, "label": 1},
             {"request_id": unknown, "label": 1},
             {"request_id": sent[1].request_id, "labels": [0, 1]}]
    error = assert_error(monitor.post_feedback(batch), *api.MISSING)
    assert unknown in error["message"], f"the 404 should name the unknown id: {error}"
    after = monitor.performance(labelled, last=2)
    assert only_version(after)["labelled"] == 0 and api.no_metrics(only_version(after)), after
    assert monitor.feedback([batch[0], batch[2]]) == {"stored": 3, "unchanged": 0}


def _invalid_items(x: api.Sent, y: api.Sent) -> dict:
    """case -> the bad item; x has 3 rows, y has 1."""
    return {
        "label-object": {"request_id": y.request_id, "label": {"class": 1}},
        "label-list": {"request_id": y.request_id, "label": [1]},
        "labels-with-an-object": {"request_id": x.request_id, "labels": [1, {"class": 0}, 0]},
        "labels-too-few": {"request_id": x.request_id, "labels": [1, 0]},
        "labels-too-many": {"request_id": x.request_id, "labels": [1, 0, 1, 1]},
        "labels-not-a-list": {"request_id": x.request_id, "labels": 1},
        "label-for-a-multi-row-request-without-row": {"request_id": x.request_id, "label": 1},
        "row-out-of-range": {"request_id": x.request_id, "row": 3, "label": 1},
        "row-negative": {"request_id": x.request_id, "row": -1, "label": 1},
        "row-not-a-number": {"request_id": x.request_id, "row": "first", "label": 1},
        "no-label": {"request_id": y.request_id},
        "no-request-id": {"label": 1},
    }


INVALID_CASES = list(_invalid_items(api.Sent("x", None, None), api.Sent("y", None, None)))


@pytest.mark.parametrize("case", INVALID_CASES)
def test_an_invalid_item_is_400_and_nothing_is_stored(keel, monitor, labelled, case):
    x, y, z = send_sized(keel, labelled, [3, 1, 1], seed=600 + INVALID_CASES.index(case))
    good = {"request_id": z.request_id, "label": 1}
    bad = _invalid_items(x, y)[case]
    assert_error(monitor.post_feedback([good, bad]), *api.INVALID)
    assert monitor.feedback([good]) == {"stored": 1, "unchanged": 0}, "the good item of the refused batch was stored"


@pytest.mark.parametrize("body", [{}, {"feedback": "labels"}, {"feedback": [1, 2]}, {"feedback": None}],
                         ids=["no-feedback", "feedback-a-string", "items-not-objects", "feedback-null"])
def test_a_malformed_body_is_400(monitor, body):
    assert_error(monitor.request("POST", api.FEEDBACK, json=body), *api.INVALID)


def test_more_than_10000_items_is_400(keel, monitor, labelled):
    (sent,) = send_sized(keel, labelled, [1], seed=507)
    items = [{"request_id": sent.request_id, "label": 1}] * 10_001
    assert_error(monitor.post_feedback(items), *api.INVALID)
    assert monitor.feedback(items[:1]) == {"stored": 1, "unchanged": 0}


def test_late_and_out_of_order_feedback(keel, monitor, labelled):
    early = send_sized(keel, labelled, [1] * 10, seed=508)
    late = send_sized(keel, labelled, [1] * 10, seed=509)  # more traffic before any label arrives
    labels = {s.request_id: truth([s])[0] for s in early + late}

    shuffled = late[:]
    random.Random(7).shuffle(shuffled)
    assert monitor.feedback([{"request_id": s.request_id, "label": labels[s.request_id][0]} for s in shuffled]) \
        == {"stored": 10, "unchanged": 0}
    for s in reversed(early[5:]):  # one at a time, newest first
        assert monitor.feedback([{"request_id": s.request_id, "label": labels[s.request_id][0]}]) \
            == {"stored": 1, "unchanged": 0}

    partial = only_version(monitor.performance(labelled, last=20))
    assert partial["predictions"] == 20 and partial["labelled"] == 15, partial
    known = early[5:] + late
    judges.assert_metrics(partial.get("metrics"),
                          judges.classification_metrics([labels[s.request_id][0] for s in known],
                                                        [s.predictions[0] for s in known]), "15 of 20 labelled")

    assert monitor.feedback([{"request_id": s.request_id, "label": labels[s.request_id][0]} for s in early[:5]]) \
        == {"stored": 5, "unchanged": 0}
    assert_labelled(monitor, labelled, early + late, [labels[s.request_id] for s in early + late], "all 20 labelled")
