"""Ratio orientation, goal verdicts and the choice of headline target (a flipped ratio turns a loss into a pass)."""

from servebench import report

LEVELS = [("latency", 8), ("throughput", 64)]


def _level(clients, rps, p50, p99, failed=0):
    return {"clients": clients, "requests_per_s": rps, "p50_ms": p50, "p99_ms": p99, "failed": failed,
            "server_cpu_cores": 1.0}


def _result(rps8, p99_8, rps64, p99_64, failed=0, status="ready", rss=500.0):
    return {"status": status, "peak_rss_mb": rss, "predictions": {"identical": True},
            "levels": {"latency": _level(8, rps8, p99_8 / 2, p99_8),
                       "throughput": _level(64, rps64, p99_64 / 2, p99_64, failed)}}


MLFLOW = _result(rps8=150, p99_8=100, rps64=130, p99_64=700)


def _rows(results):
    return {row.metric: row for row in report.comparison_rows(results, LEVELS)}


def test_ratio_orientation():
    assert report.ratio(2000, 100, higher_is_better=True) == 20
    assert report.ratio(2.0, 100.0, higher_is_better=False) == 50
    assert report.ratio(None, 100.0, higher_is_better=True) is None
    assert report.ratio(10.0, 0, higher_is_better=True) is None


def test_verdict():
    assert report.verdict(10.0, 10, 0) is True
    assert report.verdict(9.9, 10, 0) is False
    assert report.verdict(50.0, 10, 3) is False  # fast error answers are not throughput
    assert report.verdict(None, 10, 0) is None


def test_goals_pass_when_keel_is_fast_enough():
    rows = _rows({"mlflow": MLFLOW, "keel-deploy": _result(rps8=3000, p99_8=10, rps64=2000, p99_64=100)})
    assert rows["req/s @64 clients"].ratios["keel-deploy"] == 2000 / 130
    assert rows["req/s @64 clients"].passed is True
    assert rows["p99 ms @8 clients"].ratios["keel-deploy"] == 10
    assert rows["p99 ms @8 clients"].passed is True
    assert rows["p99 ms @64 clients"].passed is True
    assert rows["req/s @8 clients"].has_goal is False  # throughput goal only at the high client count
    assert report.all_goals_met(list(rows.values()))


def test_goals_miss_when_keel_is_too_slow_or_fails_requests():
    slow = _rows({"mlflow": MLFLOW, "keel-serve": _result(rps8=300, p99_8=40, rps64=900, p99_64=200)})
    assert slow["req/s @64 clients"].passed is False  # 6.9x < 10x
    assert slow["p99 ms @8 clients"].passed is False  # 2.5x < 5x
    assert slow["p99 ms @64 clients"].passed is False  # 3.5x < 5x
    failing = _rows({"mlflow": MLFLOW, "keel-serve": _result(3000, 10, 9000, 50, failed=5)})
    assert failing["req/s @64 clients"].passed is False
    assert failing["failed requests"].passed is False
    assert not report.all_goals_met(list(failing.values()))


def test_headline_prefers_the_deployment_and_falls_back_to_serve():
    fast, slow = _result(3000, 10, 2000, 100), _result(300, 40, 900, 200)
    assert report.headline_target({"mlflow": MLFLOW, "keel-serve": slow, "keel-deploy": fast}) == "keel-deploy"
    unavailable = {"status": "unavailable", "levels": {}}
    results = {"mlflow": MLFLOW, "keel-serve": slow, "keel-deploy": unavailable}
    assert report.headline_target(results) == "keel-serve"
    assert _rows(results)["req/s @64 clients"].passed is False  # judged on keel-serve
    assert report.headline_target({"mlflow": MLFLOW, "keel-deploy": unavailable}) is None


def test_no_keel_target_leaves_goals_unjudged_and_unmet():
    rows = list(_rows({"mlflow": MLFLOW, "keel-serve": {"status": "unavailable", "levels": {}}}).values())
    assert all(row.passed is None for row in rows if row.has_goal)
    assert not report.all_goals_met(rows)
    assert "not judged" in report.goal_summary(rows, None)


def test_table_shows_ratios_and_verdicts():
    results = {"mlflow": MLFLOW, "keel-serve": _result(300, 40, 900, 200),
               "keel-deploy": _result(3000, 10, 2000, 100)}
    rows = report.comparison_rows(results, LEVELS)
    table = report.render_table(rows, list(results))
    header = table.splitlines()[0].split()
    assert header == ["metric", "mlflow", "keel-deploy", "ratio", "keel-serve", "ratio", "goal", "result"]
    throughput = next(line for line in table.splitlines() if line.startswith("req/s @64"))
    assert "15.4x" in throughput and "6.9x" in throughput and throughput.endswith("PASS")
    assert report.goal_summary(rows, "keel-deploy").startswith("goals judged on keel-deploy vs mlflow: 5/5 PASS")
