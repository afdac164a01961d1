"""Before any load: every target must give the same predictions as the trained model.

A fast server that answers wrongly is not faster, so a target whose answer
differs (or is not a 200) is marked failed and left out of the load phase;
the run then ends with a non-zero exit status. Answers are compared as parsed
JSON, both for the one-row benchmark payload and a multi-row check payload.
"""

from __future__ import annotations

from . import http_calls as http
from .model import RegisteredModel
from .targets import Target


def _score(url: str, payload: dict) -> tuple[int | None, object]:
    """(status, parsed JSON answer or raw text) for one POST."""
    answer = http.post_json(url, payload)
    try:
        return answer.status, answer.json()
    except ValueError:
        return answer.status, answer.body[:500]


def check_target(target: Target, model: RegisteredModel) -> dict:
    """Score both payloads on ``target``; mark it failed on any difference. Returns the evidence."""
    checks = {}
    for name, payload, expected in [("payload", model.payload, model.expected),
                                    ("check_payload", model.check_payload, model.check_expected)]:
        status, answer = _score(target.invocations_url, payload)
        checks[name] = {"status": status, "answer": answer, "expected": expected,
                        "matches": status == 200 and answer == expected}
    if not all(check["matches"] for check in checks.values()):
        wrong = next(name for name, check in checks.items() if not check["matches"])
        check = checks[wrong]
        target.mark("failed", f"wrong answer to the {wrong.replace('_', ' ')}: HTTP {check['status']} "
                              f"{str(check['answer'])[:400]} (expected {check['expected']})")
    return {"identical": target.ready, **checks}


def check_all(targets: list[Target], model: RegisteredModel) -> dict[str, dict]:
    """Run :func:`check_target` on every ready target."""
    return {target.label: check_target(target, model) for target in targets if target.ready}
