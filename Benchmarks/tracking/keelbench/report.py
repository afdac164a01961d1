"""Turning the two servers' results into goal checks, a table and JSON.

Every ratio is oriented so that bigger means "Keel is better" (throughput
keel/mlflow, latency and memory mlflow/keel), except the scaling ratio, which
is Keel against itself (large/small, smaller is better).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .floor import ceiling_runs_per_s


@dataclass
class Row:
    metric: str
    keel: float | str | None
    mlflow: float | str | None
    ratio: float | None
    goal: str
    passed: bool | None  # None = informational, no goal

    def cells(self) -> list[str]:
        verdict = {True: "PASS", False: "FAIL", None: ""}[self.passed]
        ratio = "" if self.ratio is None else f"{self.ratio:.1f}x"
        return [self.metric, _fmt(self.keel), _fmt(self.mlflow), ratio, self.goal, verdict]


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def _dig(result: dict | None, *path):
    for key in path:
        if not isinstance(result, dict) or result.get(key) is None:
            return None
        result = result[key]
    return result


def _ratio(numerator, denominator) -> float | None:
    if isinstance(numerator, (int, float)) and isinstance(denominator, (int, float)) and denominator > 0:
        return numerator / denominator
    return None


def _goal_row(metric, keel, mlflow, ratio, minimum: float | None) -> Row:
    goal = "" if minimum is None else f">= {minimum:g}x"
    passed = None if minimum is None else (ratio is not None and ratio >= minimum)
    return Row(metric, keel, mlflow, ratio, goal, passed)


def comparison_rows(keel: dict, mlflow: dict) -> list[Row]:
    """The headline table: one row per measured figure, with the issue's goals."""
    rows = []
    for label, path, better, goal in [
        ("ingest runs/s", ("ingest", "runs_per_s"), "higher", 50),
        ("ingest requests/s", ("ingest", "requests_per_s"), "higher", None),
        ("ingest server CPU ms/run", ("ingest", "server_cpu_ms_per_run"), "lower", None),
        ("search p50 ms", ("search", "latency", "p50_ms"), "lower", 10),
        ("search p95 ms", ("search", "latency", "p95_ms"), "lower", None),
        ("history p50 ms", ("history", "latency", "p50_ms"), "lower", 20),
        ("history p95 ms", ("history", "latency", "p95_ms"), "lower", None),
        ("peak RSS MB (process tree)", ("memory", "peak_rss_mb"), "lower", 20),
        ("peak PSS MB (process tree)", ("memory", "peak_pss_mb"), "lower", None),
    ]:
        k, m = _dig(keel, *path), _dig(mlflow, *path)
        ratio = _ratio(k, m) if better == "higher" else _ratio(m, k)
        rows.append(_goal_row(label, k, m, ratio, goal))
    rows += floor_rows(keel, mlflow)
    rows.append(_hits_row(keel, mlflow))
    rows.append(_history_row(keel, mlflow))
    if keel.get("registry") is not None or mlflow.get("registry") is not None:
        rows += registry_rows(keel, mlflow)
    k_err, m_err = _dig(keel, "errors", "total"), _dig(mlflow, "errors", "total")
    rows.append(Row("failed requests", k_err, m_err, None, "keel = 0", k_err == 0))
    return rows


def floor_rows(keel: dict, mlflow: dict) -> list[Row]:
    """The HTTP floor and what it leaves: informational, no goals.

    The ceiling is the ingest rate each server would reach on this machine, with this client,
    if its tracking work cost nothing; the share says how close its ingest came to that.
    """
    rows = []
    for label, path, better in [
        ("HTTP floor requests/s (GET /health)", ("floor", "requests_per_s"), "higher"),
        ("HTTP floor server CPU us/request", ("floor", "server_cpu_us_per_request"), "lower"),
        ("HTTP floor client CPU us/request", ("floor", "client_cpu_us_per_request"), "lower"),
    ]:
        k, m = _dig(keel, *path), _dig(mlflow, *path)
        rows.append(_goal_row(label, k, m, _ratio(k, m) if better == "higher" else _ratio(m, k), None))
    ceilings = [ceiling_runs_per_s(result.get("floor")) for result in (keel, mlflow)]
    rows.append(_goal_row("ingest ceiling runs/s (floor / 8 requests)", *ceilings, _ratio(*ceilings), None))
    shares = [_share(_dig(result, "ingest", "runs_per_s"), ceiling) for result, ceiling in zip((keel, mlflow), ceilings)]
    rows.append(Row("ingest runs/s as share of ceiling", *shares, None, "", None))
    return rows


def _share(value, ceiling) -> str | None:
    ratio = _ratio(value, ceiling)
    return None if ratio is None else f"{ratio:.0%}"


def _hits_row(keel: dict, mlflow: dict) -> Row:
    k, m = _dig(keel, "search"), _dig(mlflow, "search")
    if not k or not m:
        return Row("same search hits", None, None, None, "identical", False)
    same = (k["hits"] == m["hits"] and k["matches_expected"] and m["matches_expected"]
            and k["stable_across_repeats"] and bool(k["hits"]))
    return Row("same search hits", f"{k['hit_count']} hits", f"{m['hit_count']} hits", None, "identical", same)


def _history_row(keel: dict, mlflow: dict) -> Row:
    k, m = _dig(keel, "history"), _dig(mlflow, "history")
    ok = bool(k and k["complete"]) and bool(m and m["complete"])
    return Row("full history returned", _dig(k, "points_returned"), _dig(m, "points_returned"), None,
               "all points", ok)


REGISTRY_SEARCHES = [  # (key in the results, row label); every p50 has the issue's >= 10x goal
    ("models_by_name", "registry: models name LIKE p50 ms"),
    ("models_by_tag", "registry: models by tag p50 ms"),
    ("versions_by_name", "registry: versions by name p50 ms"),
    ("versions_by_run", "registry: versions by run, all pages p50 ms"),
]
REGISTRY_GOAL = 10


def registry_rows(keel: dict, mlflow: dict) -> list[Row]:
    """One p50 row per registry search, then the answer identity row."""
    rows = []
    for key, label in REGISTRY_SEARCHES:
        k = _dig(keel, "registry", "searches", key, "latency", "p50_ms")
        m = _dig(mlflow, "registry", "searches", key, "latency", "p50_ms")
        rows.append(_goal_row(label, k, m, _ratio(m, k), REGISTRY_GOAL))
    rows.append(_registry_answers_row(keel, mlflow))
    return rows


def _registry_answers_row(keel: dict, mlflow: dict) -> Row:
    """Identical normalised answers on both servers, each equal to the local answer, stable, non-empty."""
    k, m = _dig(keel, "registry", "searches") or {}, _dig(mlflow, "registry", "searches") or {}

    def correct(searches: dict) -> int:
        return sum(1 for key, _ in REGISTRY_SEARCHES if _dig(searches, key, "matches_expected"))

    def non_empty(answer) -> bool:
        return bool(answer.get("models") if isinstance(answer, dict) else answer)

    same = all(key in k and key in m and k[key]["answer"] == m[key]["answer"] for key, _ in REGISTRY_SEARCHES)
    ok = (same and correct(k) == correct(m) == len(REGISTRY_SEARCHES)
          and all(k[key]["stable_across_repeats"] and non_empty(k[key]["answer"]) for key, _ in REGISTRY_SEARCHES))
    total = len(REGISTRY_SEARCHES)
    return Row("same registry answers", f"{correct(k)}/{total} correct", f"{correct(m)}/{total} correct", None,
               "identical", ok)


def registry_context(result: dict) -> list[str]:
    """Seeding figures, p95s and any wrong registry answer, for the lines above the table."""
    registry, label = result.get("registry") or {}, result.get("label", "?")
    lines = []
    if seed := registry.get("seed"):
        lines.append(f"{label}: registry seeded {seed['models']} models / {seed['versions']} versions "
                     f"({seed['requests']} requests) in {seed['seconds']:.1f} s")
    searches = registry.get("searches") or {}
    if searches:
        p95 = ", ".join(f"{key} {value['latency']['p95_ms']:.2f}" for key, value in searches.items())
        lines.append(f"{label}: registry p95 ms: {p95}; versions-by-run pages: "
                     f"{_dig(searches, 'versions_by_run', 'pages')}")
    for key, value in searches.items():
        if not value.get("matches_expected"):
            lines.append(f"{label}: registry {key} differs from the local answer: {str(value['answer'])[:300]}")
    return lines


def scale_rows(scale: dict) -> list[Row]:
    """Keel-only scaling rows (the mlflow column stays empty)."""
    small = _dig(scale, "search_base", "latency", "p50_ms")
    large = _dig(scale, "search_large", "latency", "p50_ms")
    ratio = scale.get("p50_ratio")
    hits_ok = bool(_dig(scale, "search_base", "matches_expected") and _dig(scale, "search_large", "matches_expected"))
    n_small, n_large = scale["base_runs"], scale["large_runs"]
    return [
        Row(f"scale: search p50 ms @{n_small:,} runs", small, "", None, "", None),
        Row(f"scale: search p50 ms @{n_large:,} runs", large, "", None, "", None),
        Row(f"scale: p50 @{n_large:,} / @{n_small:,} runs", None if ratio is None else f"{ratio:.2f}x", "",
            None, "<= 3x", ratio is not None and ratio <= 3),
        Row("scale: search hits correct", "yes" if hits_ok else "no", "", None, "expected", hits_ok),
        Row("scale: ingest runs/s (create+batch)", _dig(scale, "seed_large", "runs_per_s"), "", None, "", None),
        Row("scale: peak RSS MB", _dig(scale, "memory", "peak_rss_mb"), "", None, "", None),
    ]


def render_table(rows: list[Row]) -> str:
    header = ["metric", "keel", "mlflow", "ratio", "goal", "result"]
    table = [header] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    align = [str.ljust, str.rjust, str.rjust, str.rjust, str.ljust, str.ljust]
    lines = ["  ".join(align[i](cell, widths[i]) for i, cell in enumerate(line)) for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def rows_as_json(rows: list[Row]) -> list[dict]:
    return [asdict(row) for row in rows]
