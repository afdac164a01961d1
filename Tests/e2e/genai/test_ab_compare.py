"""Prompt versions in the loop: traces linked to the prompt versions they loaded, an A/B split
between two versions, feedback per arm, and the significance tests judged by scipy on the
same numbers."""

from __future__ import annotations

import json
import random
import subprocess

import mlflow
import pytest
import requests
from scipy import stats

from support.rest import unique_name
from support.servers import keel_binary, target


def register_two_versions() -> str:
    name = unique_name("bot").replace("-", "_")
    mlflow.genai.register_prompt(name=name, template="Answer {{q}}.")
    mlflow.genai.register_prompt(name=name, template="Answer {{q}} in one line.")
    return name


def traced_answer(uri: str, question: str, fail: bool = False) -> str:
    @mlflow.trace(name="answer")
    def answer(q):
        prompt = mlflow.genai.load_prompt(uri)
        if fail:
            raise RuntimeError("model timed out")
        return prompt.format(q=q)

    try:
        return answer(question)
    except RuntimeError:
        return ""


def test_traces_link_the_prompt_versions_they_load(client):
    name = register_two_versions()
    mlflow.set_experiment(unique_name("linked"))
    traced_answer(f"prompts:/{name}/1", "a")
    traced_answer(f"prompts:/{name}/2", "b")
    traced_answer(f"prompts:/{name}/2", "c")
    mlflow.flush_trace_async_logging()

    second = mlflow.search_traces(filter_string=f'prompt = "{name}/2"', return_type="list")
    assert len(second) == 2
    assert all(json.loads(t.info.tags["mlflow.linkedPrompts"]) == [{"name": name, "version": "2"}] for t in second)
    assert len(mlflow.search_traces(filter_string=f'prompt = "{name}/1"', return_type="list")) == 1

    # Linking afterwards (MLflow's traces/link-prompts) adds the version to the trace.
    [first] = mlflow.search_traces(filter_string=f'prompt = "{name}/1"', return_type="list")
    client.link_prompt_versions_to_trace(prompt_versions=[client.get_prompt_version(name, 2)], trace_id=first.info.trace_id)
    assert len(mlflow.search_traces(filter_string=f'prompt = "{name}/2"', return_type="list")) == 3
    with pytest.raises(mlflow.exceptions.MlflowException):
        mlflow.search_traces(filter_string=f'prompt != "{name}/1"')


@pytest.mark.skipif(target() == "mlflow", reason="Keel's own routes: lineage, link-prompts errors")
def test_prompt_lineage_and_link_errors(client, server):
    name = register_two_versions()
    mlflow.set_experiment(unique_name("lineage"))
    traced_answer(f"prompts:/{name}/1", "a")
    mlflow.flush_trace_async_logging()
    [trace] = mlflow.search_traces(return_type="list")

    lineage = requests.get(f"{server.url}/api/2.0/keel/lineage/model-versions/{name}/1", timeout=30).json()
    assert lineage["traces"]["count"] == 1 and lineage["traces"]["experiment_ids"] == [trace.info.experiment_id]
    assert requests.get(f"{server.url}/api/2.0/keel/lineage/model-versions/{name}/2", timeout=30).json()["traces"]["count"] == 0

    link = f"{server.url}/api/2.0/mlflow/traces/link-prompts"
    for body, status in [
        ({"trace_id": trace.info.trace_id, "prompt_versions": [{"name": name, "version": "9"}]}, 404),
        ({"trace_id": "tr-" + "0" * 32, "prompt_versions": [{"name": name, "version": "1"}]}, 404),
        ({"trace_id": trace.info.trace_id}, 400),
        ({"trace_id": trace.info.trace_id, "prompt_versions": [{"name": name, "version": "x"}]}, 400),
    ]:
        answer = requests.post(link, json=body, timeout=30)
        assert answer.status_code == status and answer.json()["error_code"], answer.text
    assert json.loads(client.get_trace(trace.info.trace_id).info.tags["mlflow.linkedPrompts"]) == [{"name": name, "version": "1"}]


@pytest.mark.skipif(target() == "mlflow", reason="Keel's A/B routes")
def test_ab_split_and_significance_match_scipy(client, server):
    name = register_two_versions()
    api = f"{server.url}/api/2.0/keel/genai"
    created = requests.put(f"{api}/ab-tests/{name}", json={"arms": [{"version": 1, "weight": 50}, {"version": 2, "weight": 50}]}, timeout=30)
    assert created.status_code == 200, created.text
    assert [arm["label"] for arm in created.json()["ab_test"]["arms"]] == ["A", "B"]

    def assign(key):
        answer = requests.get(f"{api}/ab-tests/{name}/assign", params={"key": key}, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    arms = [assign(f"user-{i}") for i in range(300)]
    assert arms[:30] == [assign(f"user-{i}") for i in range(30)], "assignment must be sticky"
    share_b = sum(arm["arm"] == "B" for arm in arms) / len(arms)
    assert 0.38 < share_b < 0.62
    assert {arm["uri"] for arm in arms} == {f"prompts:/{name}/1", f"prompts:/{name}/2"}

    mlflow.set_experiment(unique_name("ab"))
    rng = random.Random(11)
    users = arms[:90]
    for index, arm in enumerate(users):
        traced_answer(arm["uri"], f"question {index}", fail=rng.random() < 0.1)
    mlflow.flush_trace_async_logging()
    traces = mlflow.search_traces(return_type="list", max_results=500)
    assert len(traces) == len(users)

    values = {"1": {"thumbs": [], "quality": [], "latency": [], "errors": 0, "n": 0},
              "2": {"thumbs": [], "quality": [], "latency": [], "errors": 0, "n": 0}}
    for trace in traces:
        version = json.loads(trace.info.tags["mlflow.linkedPrompts"])[0]["version"]
        side = values[version]
        side["n"] += 1
        side["errors"] += trace.info.state.value == "ERROR"
        side["latency"].append(trace.info.execution_duration)
        up = rng.random() < (0.45 if version == "1" else 0.75)
        quality = rng.gauss(3.0 if version == "1" else 3.6, 0.8)
        mlflow.log_feedback(trace_id=trace.info.trace_id, name="thumbs", value=up)
        mlflow.log_feedback(trace_id=trace.info.trace_id, name="quality", value=quality)
        side["thumbs"].append(up)
        side["quality"].append(quality)

    answer = requests.get(f"{api}/compare/{name}", params={"window": "1d"}, timeout=30)
    assert answer.status_code == 200, answer.text
    compared = answer.json()
    assert (compared["a"]["version"], compared["b"]["version"]) == ("1", "2")
    assert (compared["a"]["traces"], compared["b"]["traces"]) == (values["1"]["n"], values["2"]["n"])
    metrics = {metric["metric"]: metric for metric in compared["metrics"]}

    a, b = values["1"], values["2"]
    table = [[sum(a["thumbs"]), len(a["thumbs"]) - sum(a["thumbs"])], [sum(b["thumbs"]), len(b["thumbs"]) - sum(b["thumbs"])]]
    chi2, p_chi2, _, _ = stats.chi2_contingency(table, correction=False)
    thumbs = metrics["feedback.thumbs"]
    assert thumbs["method"] == "two-proportion z-test"
    assert thumbs["p_value"] == pytest.approx(p_chi2, rel=1e-9)
    assert thumbs["statistic"] ** 2 == pytest.approx(chi2, rel=1e-9)
    assert thumbs["difference"] == pytest.approx(sum(b["thumbs"]) / len(b["thumbs"]) - sum(a["thumbs"]) / len(a["thumbs"]), rel=1e-12)
    assert thumbs["significant"] == (p_chi2 < 0.05)

    for metric, key in [("feedback.quality", "quality"), ("latency_ms", "latency")]:
        welch = stats.ttest_ind(b[key], a[key], equal_var=False)
        got = metrics[metric]
        assert got["method"] == "Welch t-test"
        assert got["statistic"] == pytest.approx(welch.statistic, rel=1e-9)
        assert got["p_value"] == pytest.approx(welch.pvalue, rel=1e-7, abs=1e-12)
        assert got["df"] == pytest.approx(welch.df, rel=1e-9)
        low, high = welch.confidence_interval(0.95)
        assert (got["ci_low"], got["ci_high"]) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))

    errors = metrics["error_rate"]
    assert (errors["count_a"], errors["count_b"]) == (a["n"], b["n"])
    assert errors["value_b"] == pytest.approx(b["errors"] / b["n"])

    # The same comparison from the command line, for people and for programs.
    cli = [keel_binary(), "genai", "compare", name, "--window", "1d", "--server", server.url]
    as_json = json.loads(subprocess.run(cli + ["--json"], check=True, capture_output=True, text=True).stdout)
    assert {m["metric"]: m["p_value"] for m in as_json["metrics"]} == {m: metrics[m]["p_value"] for m in metrics}
    human = subprocess.run(cli, check=True, capture_output=True, text=True).stdout
    assert "feedback.thumbs" in human and "two-proportion z-test" in human and "Welch t-test" in human

    # Per-version statistics over time.
    timeline = requests.get(f"{api}/feedback/{name}", params={"window": "1d", "bucket": "1h"}, timeout=30).json()
    by_version = {}
    for bucket in timeline["buckets"]:
        by_version[bucket["version"]] = by_version.get(bucket["version"], 0) + bucket["feedback"]["thumbs"]["positive"]
    assert by_version == {"1": sum(a["thumbs"]), "2": sum(b["thumbs"])}


@pytest.mark.skipif(target() == "mlflow", reason="Keel's A/B routes")
def test_ab_test_errors(client, server):
    name = register_two_versions()
    api = f"{server.url}/api/2.0/keel/genai"
    for body in [
        {"arms": [{"version": 1}]},                                   # one arm
        {"arms": [{"version": 1}, {"version": 1}]},                   # the same version twice
        {"arms": [{"version": 1, "weight": 0}, {"version": 2}]},      # a zero weight
        {"arms": [{"version": 1, "weight": "x"}, {"version": 2}]},    # a weight that is no number
        {"arms": "1,2"},
    ]:
        answer = requests.put(f"{api}/ab-tests/{name}", json=body, timeout=30)
        assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID_PARAMETER_VALUE", (body, answer.text)
    missing = requests.put(f"{api}/ab-tests/{name}", json={"arms": [{"version": 1}, {"version": 7}]}, timeout=30)
    assert missing.status_code == 404
    assert requests.get(f"{api}/ab-tests/{name}", timeout=30).status_code == 404
    assert requests.get(f"{api}/ab-tests/{name}/assign", params={"key": "u"}, timeout=30).status_code == 404
    assert requests.get(f"{api}/compare/{name}", timeout=30).status_code == 400
    assert requests.get(f"{api}/compare/{name}", params={"a": 1}, timeout=30).status_code == 400
    assert requests.get(f"{api}/compare/{name}", params={"a": 1, "b": 2, "window": "7x"}, timeout=30).status_code == 400
    assert requests.get(f"{api}/compare/no_such_prompt", params={"a": 1, "b": 2}, timeout=30).status_code == 404
    assert requests.get(f"{api}/feedback/{name}", params={"window": "30d", "bucket": "1s"}, timeout=30).status_code == 400

    # A comparison with no traces yet answers, and says why there is no test.
    empty = requests.get(f"{api}/compare/{name}", params={"a": 1, "b": 2}, timeout=30).json()
    assert empty["metrics"] and all(metric["p_value"] is None and metric["note"] for metric in empty["metrics"])
    requests.put(f"{api}/ab-tests/{name}", json={"arms": [{"version": 2, "weight": 9}, {"version": 1}]}, timeout=30).raise_for_status()
    assert requests.delete(f"{api}/ab-tests/{name}", timeout=30).status_code == 200
    assert requests.delete(f"{api}/ab-tests/{name}", timeout=30).status_code == 404


@pytest.mark.skipif(target() == "mlflow", reason="Keel's per-version statistics")
def test_model_versions_find_their_traces_through_the_active_model(client, server):
    """`mlflow.set_active_model` puts the logged model's id in each trace's metadata; the
    registered versions of that logged model count those traces."""
    name = unique_name("chat_model").replace("-", "_")
    mlflow.set_experiment(unique_name("active-model"))
    model_ids = []
    for version, (count, fail_every) in enumerate([(4, 0), (6, 3)], start=1):
        model = mlflow.set_active_model(name=f"{name}-v{version}")
        model_ids.append(model.model_id)
        for index in range(count):
            traced_answer_without_prompt(fail=fail_every and index % fail_every == 0)
        mlflow.register_model(f"models:/{model.model_id}", name)
    mlflow.clear_active_model()
    mlflow.flush_trace_async_logging()

    summary = requests.get(f"{server.url}/api/2.0/keel/genai/feedback/{name}", params={"window": "1d"}, timeout=30).json()
    assert summary["kind"] == "model"
    assert {b["version"]: (b["traces"], b["errors"]) for b in summary["buckets"]} == {"1": (4, 0), "2": (6, 2)}
    compared = requests.get(f"{server.url}/api/2.0/keel/genai/compare/{name}", params={"a": 1, "b": 2, "window": "1d"}, timeout=30).json()
    errors = next(m for m in compared["metrics"] if m["metric"] == "error_rate")
    assert (errors["count_a"], errors["count_b"], errors["value_b"]) == (4, 6, pytest.approx(2 / 6))


def traced_answer_without_prompt(fail: bool) -> None:
    @mlflow.trace(name="answer")
    def answer():
        if fail:
            raise RuntimeError("model timed out")
        return "ok"

    try:
        answer()
    except RuntimeError:
        pass
