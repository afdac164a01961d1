"""Turning the targets' measurements into goal checks, a table and JSON.

Every ratio is oriented so that bigger means "Keel is better": throughput
keel/mlflow, latency and memory mlflow/keel. The goals (from the issue) are
judged on the *headline* Keel target, the deployment inside ``keel server``
when it was measured, else ``keel serve``:

* throughput at the high client count: keel/mlflow >= 10x;
* p99 latency at both client counts: mlflow/keel >= 5x (Keel p99 <= 1/5 of MLflow's).

A Keel measurement with failed requests (non-2xx answers, socket errors or
time-outs) never passes a goal: wrk counts error answers as requests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .targets import KEEL_TARGETS

BASELINE = "mlflow"
THROUGHPUT_GOAL = 10.0
P99_GOAL = 5.0


@dataclass
class Row:
    """One metric across targets; ``ratios`` per Keel target; ``passed`` is the headline verdict."""

    metric: str
    values: dict[str, float | str | None]
    ratios: dict[str, float | None]
    goal: str = ""
    passed: bool | None = None  # None: informational, or the goal could not be judged

    @property
    def has_goal(self) -> bool:
        return bool(self.goal)


def ratio(keel, mlflow, higher_is_better: bool) -> float | None:
    """keel/mlflow for throughput-like figures, mlflow/keel for latency-like ones; None if not computable."""
    numerator, denominator = (keel, mlflow) if higher_is_better else (mlflow, keel)
    if isinstance(numerator, (int, float)) and isinstance(denominator, (int, float)) and denominator > 0:
        return numerator / denominator
    return None


def verdict(measured_ratio: float | None, minimum: float, keel_failed_requests: int | None) -> bool | None:
    """PASS (True) / MISS (False) of one goal; None when there is nothing to judge (a target missing)."""
    if measured_ratio is None:
        return None
    if keel_failed_requests:
        return False
    return measured_ratio >= minimum


def measured(result: dict | None) -> bool:
    """A target counts as measured when it is ready and has at least one load level."""
    return bool(result) and result.get("status") == "ready" and bool(result.get("levels"))


def headline_target(results: dict[str, dict]) -> str | None:
    """The Keel target the goals are judged on: the deployment if measured, else ``keel serve``."""
    return next((label for label in KEEL_TARGETS if measured(results.get(label))), None)


def _level_value(result: dict | None, level: str, key: str):
    if not measured(result):
        return None
    return (result["levels"].get(level) or {}).get(key)


def _metric_row(results: dict, keel_labels: list[str], headline: str | None, metric: str, level: str,
                key: str, higher_is_better: bool, minimum: float | None) -> Row:
    values = {label: _level_value(results.get(label), level, key) for label in results}
    ratios = {label: ratio(values[label], values.get(BASELINE), higher_is_better) for label in keel_labels}
    if minimum is None:
        return Row(metric, values, ratios)
    failed = _level_value(results.get(headline), level, "failed") if headline else None
    passed = verdict(ratios.get(headline), minimum, failed) if headline else None
    goal = f">= {minimum:g}x" + ("" if higher_is_better else f" (p99 <= 1/{minimum:g})")
    return Row(metric, values, ratios, goal, passed)


def comparison_rows(results: dict[str, dict], levels: list[tuple[str, int]]) -> list[Row]:
    """The table: throughput/p50/p99 per client count, failed requests, memory, CPU, prediction identity."""
    keel_labels = [label for label in KEEL_TARGETS if label in results]
    headline = headline_target(results)
    rows = []
    for level, clients in levels:
        throughput_goal = THROUGHPUT_GOAL if level == "throughput" else None
        rows += [
            _metric_row(results, keel_labels, headline, f"req/s @{clients} clients", level, "requests_per_s",
                        True, throughput_goal),
            _metric_row(results, keel_labels, headline, f"p50 ms @{clients} clients", level, "p50_ms", False, None),
            _metric_row(results, keel_labels, headline, f"p99 ms @{clients} clients", level, "p99_ms", False, P99_GOAL),
            _metric_row(results, keel_labels, headline, f"server CPU cores @{clients} clients", level,
                        "server_cpu_cores", False, None),
        ]
    rows.append(_failed_row(results, headline, levels))
    rows.append(_memory_row(results, keel_labels))
    rows.append(_predictions_row(results, headline))
    return rows


def _failed_row(results: dict, headline: str | None, levels: list[tuple[str, int]]) -> Row:
    values = {}
    for label, result in results.items():
        counts = [_level_value(result, level, "failed") for level, _ in levels]
        values[label] = sum(c for c in counts if c is not None) if measured(result) else None
    passed = None if headline is None else values[headline] == 0
    return Row("failed requests", values, {}, "keel = 0", passed)


def _memory_row(results: dict, keel_labels: list[str]) -> Row:
    values = {label: (result.get("peak_rss_mb") if measured(result) else None) for label, result in results.items()}
    ratios = {label: ratio(values[label], values.get(BASELINE), False) for label in keel_labels}
    return Row("peak RSS MB (process tree)", values, ratios)


def _predictions_row(results: dict, headline: str | None) -> Row:
    values = {}
    for label, result in results.items():
        check = result.get("predictions")
        values[label] = None if check is None else ("same" if check["identical"] else "DIFFERENT")
    judged = [label for label in (BASELINE, headline) if label]
    passed = None if headline is None else all(values.get(label) == "same" for label in judged)
    return Row("predictions = trained model", values, {}, "identical", passed)


# --- rendering -----------------------------------------------------------------------------------------

def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def verdict_text(row: Row) -> str:
    if not row.has_goal:
        return ""
    return {True: "PASS", False: "MISS", None: "n/a"}[row.passed]


def render_table(rows: list[Row], labels: list[str]) -> str:
    """Aligned text table: one value column per target, a ratio column after each Keel target."""
    keel_labels = [label for label in KEEL_TARGETS if label in labels]
    header = ["metric", BASELINE] + [cell for label in keel_labels for cell in (label, "ratio")] + ["goal", "result"]
    table = [header]
    for row in rows:
        cells = [row.metric, _fmt(row.values.get(BASELINE))]
        for label in keel_labels:
            r = row.ratios.get(label)
            cells += [_fmt(row.values.get(label)), "" if r is None else f"{r:.1f}x"]
        table.append(cells + [row.goal, verdict_text(row)])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    left = {0, len(header) - 2, len(header) - 1}
    lines = ["  ".join(cell.ljust(widths[i]) if i in left else cell.rjust(widths[i]) for i, cell in enumerate(line))
             for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def goal_summary(rows: list[Row], headline: str | None) -> str:
    """One line: which Keel target the goals were judged on and how many passed."""
    goals = [row for row in rows if row.has_goal]
    if headline is None:
        return f"goals: not judged, no Keel target was measured ({len(goals)} goals n/a)"
    passed = sum(1 for row in goals if row.passed)
    misses = ", ".join(row.metric for row in goals if row.passed is not True)
    summary = f"goals judged on {headline} vs {BASELINE}: {passed}/{len(goals)} PASS"
    return summary + (f"; MISS: {misses}" if misses else "")


def all_goals_met(rows: list[Row]) -> bool:
    return all(row.passed is True for row in rows if row.has_goal)


def rows_as_json(rows: list[Row]) -> list[dict]:
    return [{**asdict(row), "result": verdict_text(row)} for row in rows]
