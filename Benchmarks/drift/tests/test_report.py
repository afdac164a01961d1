"""Medians, ratio orientation and goal verdicts (a flipped ratio would turn a loss into a pass)."""

from driftbench import report


def _side(**medians):
    return {key: {"median": value, "runs": [value]} for key, value in medians.items()}


EVIDENTLY = _side(end_to_end_s=30.0, compute_s=26.0, read_s=2.4, process_s=36.0, peak_rss_mb=1300.0, cpu_s=33.0)


def _rows(keel, identical=True):
    return {row.metric.split(",")[0].strip(): row for row in report.comparison_rows(EVIDENTLY, keel, identical)}


def test_median_and_summarise():
    assert report.median([3.0, 1.0, 2.0]) == 2.0
    assert report.median([]) is None
    runs = [{"wall_s": 1.0}, {"wall_s": 5.0}, {"wall_s": 2.0}]
    assert report.summarise(runs, ["wall_s"]) == {"wall_s": {"median": 2.0, "runs": [1.0, 5.0, 2.0]}}


def test_ratio_is_evidently_over_keel():
    assert report.ratio(30.0, 1.5) == 20.0
    assert report.ratio(None, 1.0) is None
    assert report.ratio(1.0, 0.0) is None


def test_goals_pass_at_exactly_the_goal():
    rows = _rows(_side(wall_s=1.5, peak_rss_mb=325.0, cpu_s=1.0))
    assert rows["end to end"].ratio == 20.0 and rows["end to end"].passed is True
    assert rows["peak RSS"].ratio == 4.0 and rows["peak RSS"].passed is True
    assert rows["verdicts (every column + data set)"].passed is True
    assert report.all_goals_met(list(rows.values()))
    assert report.goal_summary(list(rows.values())) == "goals: 3/3 PASS"


def test_goals_miss_when_keel_is_slow_hungry_or_disagrees():
    rows = _rows(_side(wall_s=50.0, peak_rss_mb=1000.0, cpu_s=48.0), identical=False)
    assert rows["end to end"].passed is False  # 0.6x
    assert rows["peak RSS"].passed is False    # 1.3x
    assert rows["verdicts (every column + data set)"].passed is False
    summary = report.goal_summary(list(rows.values()))
    assert summary.startswith("goals: 0/3 PASS; MISS: end to end, peak RSS")
    assert not report.all_goals_met(list(rows.values()))


def test_context_rows_have_no_goal():
    rows = report.comparison_rows(EVIDENTLY, _side(wall_s=2.0, peak_rss_mb=100.0, cpu_s=1.0), True)
    context = [row for row in rows if not row.has_goal]
    assert context and all(row.passed is None for row in context)
    compute = next(row for row in rows if "computation alone" in row.metric)
    assert compute.ratio == 13.0


def test_one_side_only_leaves_goals_unjudged():
    rows = report.comparison_rows(None, _side(wall_s=2.0, peak_rss_mb=100.0, cpu_s=1.0), None)
    assert all(row.passed is None for row in rows if row.has_goal)
    assert "not judged" in report.goal_summary(rows)
    assert not report.all_goals_met(rows)


def test_table_layout_and_json():
    rows = report.comparison_rows(EVIDENTLY, _side(wall_s=50.0, peak_rss_mb=1000.0, cpu_s=48.0), True)
    table = report.render_table(rows).splitlines()
    assert table[0].split() == ["metric", "Evidently", "Keel", "ratio", "goal", "result"]
    end_to_end = next(line for line in table if line.startswith("end to end"))
    assert "30.00" in end_to_end and "50.00" in end_to_end and "0.60x" in end_to_end and end_to_end.endswith("MISS")
    as_json = report.rows_as_json(rows)
    assert as_json[0]["result"] == "MISS" and as_json[-1]["result"] == "PASS"
