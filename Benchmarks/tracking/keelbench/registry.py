"""Phase 4 — model-registry search over a fixed registry (1,000 models by default).

Seeding (untimed): two source runs ("main", "side") in the registry experiment,
then the models of ``registry_data`` created by concurrent writers; each model
and its versions are created by one writer in order, so version numbers do not
depend on timing. Then four searches, each with warm-up calls and timed repeats
on one keep-alive connection (time-to-last-byte, decoding outside the window):

* ``models_by_name``   ``registered-models/search`` name LIKE + the client's prompt clause, name ASC, 100
* ``models_by_tag``    ``registered-models/search`` ``tags.team = 'risk'``, 100
* ``versions_by_name`` ``model-versions/search`` ``name = 'bench-model-0042'``
* ``versions_by_run``  ``model-versions/search`` ``run_id = '<main>'``, 1,000 per page, every page
  followed via ``next_page_token``; one timed sample is the whole walk.

Every answer is normalised (``registry_data``) and kept, so the report can
demand it be identical on both servers and equal to the local answer.
"""

from __future__ import annotations

import time

from . import registry_data as data
from .errors import ErrorLog
from .http_client import RequestFailed, Response, RestClient
from .stats import latency_summary
from .workers import run_writers

WARMUP_CALLS = 3
MAX_PAGES = 1000  # a server whose page token never ends must not hang the benchmark


def seed_registry(url: str, experiment_id: str, specs: list[data.ModelSpec], writers: int,
                  errors: ErrorLog) -> dict:
    """Create the source runs and every model with its versions; returns counts, time and run ids."""
    admin = RestClient(url)
    try:
        run_ids = {role: admin.post("runs/create", {"experiment_id": experiment_id, "run_name": f"registry-{role}",
                                                    "start_time": 1_750_000_000_000})["run"]["info"]["run_id"]
                   for role in ("main", "side")}
    finally:
        admin.close()

    def writer(offset: int, client: RestClient) -> int:
        done = 0
        for spec in specs[offset::writers]:
            if errors.too_many():
                break
            try:
                client.post("registered-models/create", data.create_model_payload(spec))
                for version in range(1, spec.versions + 1):
                    client.post("model-versions/create", data.create_version_payload(spec, version, run_ids))
                done += 1
            except RequestFailed as failure:
                errors.record("registry seed", failure)
        return done

    totals = run_writers(url, writers, writer)
    return {"models": totals["units"], "versions": data.version_count(specs), "requests": totals["requests"],
            "seconds": totals["seconds"], "run_ids": run_ids}


def _timed(call, repeats: int) -> tuple[list[float], list]:
    for _ in range(WARMUP_CALLS):
        call()
    samples = [call() for _ in range(repeats)]
    return [elapsed for elapsed, _ in samples], [answer for _, answer in samples]


def _summary(elapsed: list[float], answers: list, raw: list[Response] | None = None) -> dict:
    return {"latency": latency_summary(elapsed), "answer": answers[0],
            "stable_across_repeats": all(a == answers[0] for a in answers[1:]),
            **({"response_bytes": len(raw[0].body)} if raw else {})}


def _walk_versions(client: RestClient, query: dict) -> tuple[float, list[dict], int]:
    """All pages of a model-versions search: (summed elapsed, versions, pages)."""
    elapsed, versions, token, pages = 0.0, [], None, 0
    while pages < MAX_PAGES:
        response = client.get_raw("model-versions/search", {**query, **({"page_token": token} if token else {})})
        elapsed += response.elapsed
        answer = response.json()
        versions += answer.get("model_versions", [])
        pages += 1
        token = answer.get("next_page_token")
        if not token:
            break
    return elapsed, versions, pages


def measure_registry(url: str, specs: list[data.ModelSpec], run_ids: dict[str, str], repeats: int,
                     prefix: str = data.NAME_PREFIX) -> dict:
    """Time the four searches; return latency and the normalised answer of each."""
    client = RestClient(url)
    results: dict = {}
    try:
        for key, endpoint, query, normalize in [
            ("models_by_name", "registered-models/search", data.models_by_name_query(prefix), data.normalize_models),
            ("models_by_tag", "registered-models/search", data.models_by_tag_query(prefix), data.normalize_models),
            ("versions_by_name", "model-versions/search", data.versions_by_name_query(len(specs), prefix),
             lambda a: data.normalize_versions(a.get("model_versions", []), run_ids)),
        ]:
            def call(endpoint=endpoint, query=query):
                response = client.get_raw(endpoint, query)
                return response.elapsed, response

            elapsed, raw = _timed(call, repeats)
            results[key] = _summary(elapsed, [normalize(r.json()) for r in raw], raw)
        query = data.versions_by_run_query(run_ids["main"])
        pages: list[int] = []

        def walk():
            seconds, versions, count = _walk_versions(client, query)
            pages.append(count)
            return seconds, data.normalize_versions(versions, run_ids)

        elapsed, answers = _timed(walk, repeats)
        results["versions_by_run"] = {**_summary(elapsed, answers), "pages": pages[-1]}
    finally:
        client.close()
    return results


def check_answers(results: dict, expected: dict) -> dict:
    """Per search: does the answer equal the locally computed one? (adds ``matches_expected``)."""
    for key, want in expected.items():
        if key in results:
            results[key]["matches_expected"] = results[key]["answer"] == want
    return results


def run_registry(url: str, experiment_id: str, model_count: int, repeats: int, writers: int,
                 errors: ErrorLog, say, namespace: str = "") -> dict | None:
    """Seed, time and check; a rejected request is recorded and ends the phase (returns what exists).

    ``namespace`` is empty on a fresh server (names ``bench-model-NNNN``) and
    set when reusing a running one, so reruns never collide.
    """
    prefix = data.namespaced_prefix(namespace)
    specs = data.make_models(model_count, prefix)
    say(f"registry: creating {model_count} models / {data.version_count(specs)} versions")
    start = time.perf_counter()
    try:
        seed = seed_registry(url, experiment_id, specs, writers, errors)
    except RequestFailed as failure:
        errors.record("registry seed", failure)
        return None
    say(f"registry: seeded in {time.perf_counter() - start:.1f} s; timing 4 searches x {repeats}")
    try:
        searches = measure_registry(url, specs, seed["run_ids"], repeats, prefix)
    except RequestFailed as failure:
        errors.record("registry search", failure)
        return {"seed": seed}
    check_answers(searches, data.expected_answers(specs, prefix))
    return {"seed": seed, "searches": searches, "models": model_count, "name_prefix": prefix}
