"""Medians of the repeated runs, the ratio rows with their goals, the text table and its JSON form.

Every ratio is oriented so that bigger means "Keel is better": Evidently's
time or memory divided by Keel's. Goals (from the issue), judged on medians:

* end to end: Evidently (pandas ``read_csv`` of both files + ``Report.run`` +
  ``as_dict``; interpreter start-up and imports excluded) / Keel (the whole
  ``keel drift --json`` process) >= 20x;
* peak resident memory of the process: Evidently / Keel >= 4x (Keel <= 1/4);
* identical verdicts for every column and for the data set.

Other rows (Evidently's whole process, its drift computation alone, its CSV
read, CPU time) are context.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass

from .config import MEMORY_GOAL, SPEED_GOAL


@dataclass
class Row:
    """One metric: Evidently's and Keel's medians, the ratio, and the goal verdict if the row has a goal."""

    metric: str
    evidently: float | str | None
    keel: float | str | None
    ratio: float | None = None
    goal: str = ""
    passed: bool | None = None  # None: informational, or not judged (a side not measured)

    @property
    def has_goal(self) -> bool:
        return bool(self.goal)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarise(runs: list[dict], keys: list[str]) -> dict:
    """Median (and all values) of each key over the runs of one side."""
    return {key: {"median": median([run[key] for run in runs]), "runs": [run[key] for run in runs]} for key in keys}


def ratio(evidently: float | None, keel: float | None) -> float | None:
    """Evidently / Keel; None if either is missing or Keel's is not positive."""
    if isinstance(evidently, (int, float)) and isinstance(keel, (int, float)) and keel > 0:
        return evidently / keel
    return None


def _goal_row(metric: str, evidently: float | None, keel: float | None, minimum: float, goal: str) -> Row:
    measured = ratio(evidently, keel)
    return Row(metric, evidently, keel, measured, goal, None if measured is None else measured >= minimum)


def comparison_rows(evidently: dict | None, keel: dict | None, identical: bool | None) -> list[Row]:
    """``evidently``/``keel``: the ``summarise`` output of each side (None when not run)."""
    def get(side: dict | None, key: str) -> float | None:
        return side[key]["median"] if side and key in side else None

    keel_wall = get(keel, "wall_s")
    rows = [
        _goal_row("end to end, s (Evidently: read_csv + run + as_dict; Keel: process)",
                  get(evidently, "end_to_end_s"), keel_wall, SPEED_GOAL, f">= {SPEED_GOAL:g}x"),
        Row("  Evidently drift computation alone (Report.run), s", get(evidently, "compute_s"), keel_wall,
            ratio(get(evidently, "compute_s"), keel_wall)),
        Row("  Evidently whole process (+ Python start, imports), s", get(evidently, "process_s"),
            keel_wall, ratio(get(evidently, "process_s"), keel_wall)),
        Row("  Evidently pandas.read_csv of both files, s", get(evidently, "read_s"), None),
        _goal_row("peak RSS, MB (whole process)", get(evidently, "peak_rss_mb"), get(keel, "peak_rss_mb"),
                  MEMORY_GOAL, f">= {MEMORY_GOAL:g}x (Keel <= 1/{MEMORY_GOAL:g})"),
        Row("  CPU time (user + sys), s", get(evidently, "cpu_s"), get(keel, "cpu_s"),
            ratio(get(evidently, "cpu_s"), get(keel, "cpu_s"))),
        Row("verdicts (every column + data set)", _same(identical), _same(identical), None, "identical", identical),
    ]
    return rows


def _same(identical: bool | None) -> str | None:
    return None if identical is None else ("same" if identical else "DIFFERENT")


# --- rendering -----------------------------------------------------------------------------------------

def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def verdict_text(row: Row) -> str:
    if not row.has_goal:
        return ""
    return {True: "PASS", False: "MISS", None: "n/a"}[row.passed]


def render_table(rows: list[Row]) -> str:
    """Aligned text table: metric, Evidently, Keel, ratio, goal, PASS/MISS."""
    table = [["metric", "Evidently", "Keel", "ratio", "goal", "result"]]
    for row in rows:
        table.append([row.metric, _fmt(row.evidently), _fmt(row.keel),
                      "" if row.ratio is None else f"{row.ratio:.2f}x", row.goal, verdict_text(row)])
    widths = [max(len(line[i]) for line in table) for i in range(6)]
    left = {0, 4, 5}
    lines = ["  ".join(cell.ljust(widths[i]) if i in left else cell.rjust(widths[i]) for i, cell in enumerate(line))
             for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def goal_summary(rows: list[Row]) -> str:
    goals = [row for row in rows if row.has_goal]
    if all(row.passed is None for row in goals):
        return f"goals: not judged, both sides are needed ({len(goals)} goals n/a)"
    passed = sum(1 for row in goals if row.passed)
    misses = ", ".join(row.metric.split(",")[0].split(" (")[0] for row in goals if row.passed is not True)
    return f"goals: {passed}/{len(goals)} PASS" + (f"; MISS: {misses}" if misses else "")


def all_goals_met(rows: list[Row]) -> bool:
    return all(row.passed is True for row in rows if row.has_goal)


def rows_as_json(rows: list[Row]) -> list[dict]:
    return [{**asdict(row), "result": verdict_text(row)} for row in rows]
