"""Percentiles and the direction of every ratio (a flipped ratio would turn a loss into a pass)."""

from keelbench import report
from keelbench.stats import percentile


def test_nearest_rank_percentile():
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 95) == 95.0
    assert percentile([3.0], 95) == 3.0


def _result(runs_per_s, p50, rss, hits):
    search = {"latency": {"p50_ms": p50, "p95_ms": p50}, "hits": hits, "hit_count": len(hits),
              "matches_expected": True, "stable_across_repeats": True}
    return {"ingest": {"runs_per_s": runs_per_s, "requests_per_s": runs_per_s * 8}, "search": search,
            "history": {"latency": {"p50_ms": p50, "p95_ms": p50}, "complete": True, "points_returned": 5},
            "memory": {"peak_rss_mb": rss, "peak_pss_mb": rss}, "errors": {"total": 0}}


def test_ratios_are_oriented_keel_better_is_bigger():
    rows = {r.metric: r for r in report.comparison_rows(_result(1000.0, 1.0, 10.0, ["a"]),
                                                        _result(10.0, 50.0, 500.0, ["a"]))}
    assert rows["ingest runs/s"].ratio == 100 and rows["ingest runs/s"].passed
    assert rows["search p50 ms"].ratio == 50 and rows["search p50 ms"].passed
    assert rows["history p50 ms"].passed is True
    assert rows["peak RSS MB (process tree)"].ratio == 50 and rows["peak RSS MB (process tree)"].passed
    assert rows["same search hits"].passed


def test_different_hits_fail():
    rows = {r.metric: r for r in report.comparison_rows(_result(1.0, 1.0, 1.0, ["a", "b"]),
                                                        _result(1.0, 1.0, 1.0, ["b", "a"]))}
    assert rows["same search hits"].passed is False
    assert rows["ingest runs/s"].passed is False


def test_floor_rows_give_the_ceiling_and_the_share_of_it():
    keel = _result(400.0, 1.0, 10.0, ["a"]) | {"floor": {"requests_per_s": 4000.0, "server_cpu_us_per_request": 150.0,
                                                         "client_cpu_us_per_request": 160.0}}
    mlflow = _result(10.0, 50.0, 500.0, ["a"]) | {"floor": {"requests_per_s": 800.0, "server_cpu_us_per_request": 2000.0,
                                                            "client_cpu_us_per_request": 160.0}}
    rows = {r.metric: r for r in report.comparison_rows(keel, mlflow)}
    ceiling = rows["ingest ceiling runs/s (floor / 8 requests)"]
    assert (ceiling.keel, ceiling.mlflow) == (500.0, 100.0)
    share = rows["ingest runs/s as share of ceiling"]
    assert (share.keel, share.mlflow) == ("80%", "10%")
    assert rows["HTTP floor server CPU us/request"].ratio == 2000.0 / 150.0
    assert all(row.passed is None for name, row in rows.items() if "floor" in name or "ceiling" in name)


def test_missing_floor_leaves_the_rows_empty():
    rows = {r.metric: r for r in report.comparison_rows(_result(1.0, 1.0, 1.0, ["a"]), _result(1.0, 1.0, 1.0, ["a"]))}
    assert rows["ingest ceiling runs/s (floor / 8 requests)"].keel is None
    assert rows["ingest runs/s as share of ceiling"].keel is None
