"""`/metrics`: request counters and latency histograms per deployment and version.

Why: Prometheus is how operators watch a rollout, so a canary's two versions
must be told apart in the numbers, and the numbers must add up: after N
answered requests the counters and the histogram counts of each version grew
by exactly the number of answers that version gave (X-Keel-Model-Version),
buckets are cumulative, and +Inf equals the count. Metric and label names are
not fixed by the contract, so series are found by label *values* (the
deployment's unique name, a label whose name contains "version"); the file is
parsed with prometheus_client's own parser, which rejects malformed text.
"""

import math

import pytest

from support import serving
from support.serving import counter_totals, histograms, scrape, send_many

pytestmark = pytest.mark.keel_only

ROWS = serving.sample_rows(4)
PAYLOAD = serving.split_payload(ROWS)


def histogram_counts(families, deployment: str, version: str) -> dict[str, float]:
    return {name: sum(s["count"] or 0 for s in series)
            for name, series in histograms(families, deployment, version).items()}


def test_counters_and_histograms_per_deployment_and_version(server, deployments, multi_version_model):
    v1, v2 = multi_version_model.versions["iris"], multi_version_model.versions["constant"]
    name = deployments.create(f"{multi_version_model.name}/{v1}")["name"]
    deployments.set_traffic(name, {"kind": "canary", "candidate": v2, "percent": 50}, {v1, v2})
    serving.settle(server.url, name, PAYLOAD, lambda a: a.version == v2, f"the canary {v2} to answer")
    versions = [v1, v2]

    before = scrape(server.url)
    counters_before = counter_totals(before, name, versions)
    hist_before = {v: histogram_counts(before, name, v) for v in versions}

    answers = send_many(server.url, name, PAYLOAD, 200)
    assert all(a.ok for a in answers), [a.describe() for a in answers if not a.ok][:5]
    answered = {v: sum(a.version == v for a in answers) for v in versions}
    assert all(answered.values()), f"both versions should have answered at 50%: {answered}"

    def grown(families) -> tuple:
        counters = counter_totals(families, name, versions)
        exact_counters = [family for family, per in counters.items() if all(
            per[v] - counters_before.get(family, {}).get(v, 0.0) == answered[v] for v in versions)]
        exact_histograms = set.intersection(*(
            {family for family, count in histogram_counts(families, name, v).items()
             if count - hist_before[v].get(family, 0.0) == answered[v]} for v in versions))
        return exact_counters, exact_histograms, counters

    exact_counters, exact_histograms, counters = serving.poll(
        lambda: grown(scrape(server.url)), lambda g: g[0] and g[1], 30,
        f"a request counter and a latency histogram of {name} to grow by {answered} per version")
    assert exact_counters and exact_histograms, counters

    families = scrape(server.url)
    for version in versions:
        for family in exact_histograms:
            for series in histograms(families, name, version)[family]:
                buckets = sorted(series["buckets"])
                assert buckets and buckets[-1][0] == math.inf, f"{family} {series['labels']}: no +Inf bucket"
                values = [value for _, value in buckets]
                assert values == sorted(values), f"{family} {series['labels']}: buckets not cumulative {buckets}"
                assert buckets[-1][1] == series["count"], f"{family} {series['labels']}: +Inf != _count"
                assert series["sum"] is not None and series["sum"] >= 0, f"{family} {series['labels']}: bad _sum"


def test_metrics_is_prometheus_text(server, keel, iris_deployment, iris_model):
    assert serving.predictions_of(keel.invoke(iris_deployment, PAYLOAD)) == serving.expected_predictions(ROWS)
    families = scrape(server.url)  # asserts 200, text/plain and a clean parse
    assert any(f.type == "counter" for f in families) and any(f.type == "histogram" for f in families), \
        [(f.name, f.type) for f in families]
    version = iris_model.versions["iris"]
    assert counter_totals(families, iris_deployment, [version]), \
        f"no counter series for deployment {iris_deployment}: {[(f.name, f.type) for f in families]}"
    assert histograms(families, iris_deployment, version), \
        f"no histogram series for deployment {iris_deployment}: {[(f.name, f.type) for f in families]}"
