"""Registry phase: deterministic contents, locally computed answers, normalisation, report rows."""

from keelbench import registry_data as data
from keelbench import report
from keelbench.registry import check_answers


def test_models_are_deterministic_and_sized():
    models = data.make_models(1000)
    assert models == data.make_models(1000)
    assert models[42].name == "bench-model-0042"
    assert all(1 <= m.versions <= data.MAX_VERSIONS for m in models)
    assert {m.tags["team"] for m in models} == set(data.TEAMS)
    assert data.make_models(3, data.namespaced_prefix("abc-keel"))[0].name == "bench-abc-keel-model-0000"


def test_expected_answers_for_1000_models():
    models = data.make_models(1000)
    expected = data.expected_answers(models)
    by_name = expected["models_by_name"]
    assert [m[0] for m in by_name["models"]] == [f"bench-model-{i:04d}" for i in range(100, 200)]
    assert by_name["more"] is False  # exactly 100 matches: a server must not announce another page
    by_tag = expected["models_by_tag"]
    assert len(by_tag["models"]) == 100 and by_tag["more"] is True
    assert all(["team", "risk"] in m[1] for m in by_tag["models"])
    versions = expected["versions_by_run"]
    assert all(role == "main" for _, _, role, _ in versions)
    assert len(versions) > data.VERSIONS_PAGE  # the walk needs more than one page
    names = [(name, -version) for name, version, _, _ in versions]
    assert names == sorted(names)  # name ASC, version_number DESC


def test_normalisation_hides_server_ids_and_timestamps():
    run_ids = {"main": "aaa", "side": "bbb"}
    answer = [{"name": "bench-model-0042", "version": "2", "run_id": "bbb", "source": "runs:/bbb/model",
               "creation_timestamp": 123}]
    assert data.normalize_versions(answer, run_ids) == [["bench-model-0042", 2, "side", "runs:/<run>/model"]]
    models = {"registered_models": [{"name": "m", "tags": [{"key": "tier", "value": "gold"},
                                                           {"key": "team", "value": "ads"}],
                                     "latest_versions": [{"version": "3"}], "last_updated_timestamp": 9}],
              "next_page_token": "x"}
    assert data.normalize_models(models) == {"models": [["m", [["team", "ads"], ["tier", "gold"]], [3]]],
                                             "more": True}


def _registry(p50: float, answers: dict) -> dict:
    searches = {key: {"latency": {"p50_ms": p50, "p95_ms": p50}, "answer": answer, "stable_across_repeats": True}
                for key, answer in answers.items()}
    return {"registry": {"searches": check_answers(searches, answers)}}


def test_registry_rows_ratio_and_identity():
    answers = data.expected_answers(data.make_models(300))
    rows = {r.metric: r for r in report.registry_rows(_registry(1.0, answers), _registry(20.0, answers))}
    assert rows["registry: models by tag p50 ms"].ratio == 20 and rows["registry: models by tag p50 ms"].passed
    assert rows["same registry answers"].passed is True
    wrong = dict(answers, versions_by_name=[])
    keel = _registry(1.0, answers)
    keel["registry"]["searches"]["versions_by_name"]["answer"] = []
    rows = {r.metric: r for r in report.registry_rows(keel, _registry(5.0, wrong))}
    assert rows["same registry answers"].passed is False
    assert rows["registry: models name LIKE p50 ms"].passed is False  # 5x < 10x
