"""The benchmark's columns: how each is generated on both sides, and whether drift was planted in it.

Pure data and the standard library only: the harness reads it to know what to
expect, and ``scripts/generate_data.py`` (run by the Python that has numpy)
turns it into CSV files. Every column is drawn from its own seeded numpy
generator per side, so adding or reordering columns leaves the others
unchanged.

20 columns: 15 numeric (floats, integers with many values, integers with
2-5 values, two with missing cells) and 5 categorical (3 to 220 categories,
one with missing cells, one where new categories appear in the current data).
With a reference of more than 1,000 rows Evidently's defaults give numerical
columns with more than 5 distinct values the normed Wasserstein distance and
every other column the Jensen-Shannon distance (docs/drift-evidently-defaults.md
§4); planted shifts are sized so every score is far from its 0.1 threshold,
so the verdicts do not hinge on the last digits. 8 of the 20 columns drift,
a share of 0.4: the data set as a whole does not (threshold 0.5).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

WORKLOAD_VERSION = 1  # bump when a column changes: cached files are keyed by it


def _zipf(count: int, exponent: float = 0.8) -> list[float]:
    weights = [1.0 / (rank + 1) ** exponent for rank in range(count)]
    total = sum(weights)
    return [weight / total for weight in weights]


COUNTRIES = ["US", "GB", "DE", "FR", "IN", "BR", "JP", "CA", "AU", "ES", "IT", "MX"]
CITIES = [f"city_{index:03d}" for index in range(220)]  # the last 20 only appear in the current data
_CITY_REF = _zipf(200) + [0.0] * 20
_CITY_CUR = [0.88 * share for share in _zipf(200)] + [0.12 / 20] * 20


@dataclass(frozen=True)
class ColumnSpec:
    """One column: a distribution (numpy ``Generator`` method or ``choice``) with parameters per side."""

    name: str
    kind: str                  # "num" or "cat", as Evidently's legacy table types the CSV column
    dist: str                  # normal, lognormal, exponential, uniform, beta, gamma, poisson, integers, choice
    reference: dict
    current: dict
    drifted: bool              # planted: the current side differs enough to cross the default threshold
    expected_test: str         # Evidently's default test for this column at these sizes
    decimals: int | None = None    # floats are rounded to this many decimals before writing
    clip: tuple[float, float] | None = None
    missing: float = 0.0       # share of empty cells on each side
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _num(name, dist, ref, cur=None, *, drifted=False, test="wasserstein", **extra) -> ColumnSpec:
    return ColumnSpec(name, "num", dist, ref, cur if cur is not None else ref, drifted, test, **extra)


def _cat(name, values, ref_p, cur_p=None, *, drifted=False, **extra) -> ColumnSpec:
    return ColumnSpec(name, "cat", "choice", {"values": values, "p": ref_p},
                      {"values": values, "p": cur_p if cur_p is not None else ref_p}, drifted, "jensenshannon",
                      **extra)


COLUMNS: list[ColumnSpec] = [
    # --- numeric, many distinct values: normed Wasserstein
    _num("age", "normal", {"loc": 41.0, "scale": 12.0}, decimals=0, clip=(18, 90), note="integer years"),
    _num("income", "lognormal", {"mean": 10.5, "sigma": 0.6}, {"mean": 10.8, "sigma": 0.6}, drifted=True,
         decimals=2, note="+35% across the board"),
    _num("balance", "normal", {"loc": 1000.0, "scale": 300.0}, decimals=2),
    _num("tenure_months", "integers", {"low": 0, "high": 121}),
    _num("score", "beta", {"a": 2.0, "b": 5.0}, {"a": 2.8, "b": 5.0}, drifted=True, decimals=4),
    _num("sessions_per_week", "poisson", {"lam": 3.0}, {"lam": 4.0}, drifted=True, note="integer counts"),
    _num("latency_ms", "exponential", {"scale": 120.0}, decimals=1),
    _num("temperature", "normal", {"loc": 20.0, "scale": 5.0}, {"loc": 20.25, "scale": 5.0}, decimals=2,
         note="shifted by 0.05 sd: well under the threshold"),
    _num("discount", "uniform", {"low": 0.0, "high": 0.3}, decimals=4),
    _num("sensor_b", "normal", {"loc": 0.0, "scale": 1.0}, {"loc": 0.0, "scale": 1.7}, drifted=True,
         decimals=4, note="same mean, wider spread"),
    _num("ratio", "normal", {"loc": 0.5, "scale": 0.1}, decimals=4, missing=0.02, note="2% empty cells"),
    _num("spend", "gamma", {"shape": 2.0, "scale": 50.0}, {"shape": 2.0, "scale": 65.0}, drifted=True,
         decimals=2, missing=0.01, note="1% empty cells, +30%"),
    # --- numeric with 2-5 values: Jensen-Shannon over value counts
    _num("rating", "choice", {"values": [1, 2, 3, 4, 5], "p": [0.05, 0.10, 0.20, 0.35, 0.30]},
         {"values": [1, 2, 3, 4, 5], "p": [0.12, 0.18, 0.25, 0.27, 0.18]}, drifted=True, test="jensenshannon"),
    _num("num_products", "choice", {"values": [1, 2, 3, 4], "p": [0.45, 0.35, 0.15, 0.05]}, test="jensenshannon"),
    _num("is_active", "choice", {"values": [0, 1], "p": [0.3, 0.7]}, test="jensenshannon"),
    # --- categorical: Jensen-Shannon over categories
    _cat("country", COUNTRIES, _zipf(len(COUNTRIES), 1.1)),
    _cat("device", ["mobile", "desktop", "tablet"], [0.55, 0.35, 0.10], [0.75, 0.20, 0.05], drifted=True),
    _cat("plan", ["free", "basic", "pro", "enterprise"], [0.5, 0.3, 0.15, 0.05], missing=0.01,
         note="1% empty cells"),
    _cat("city", CITIES, _CITY_REF, _CITY_CUR, drifted=True, note="12% of current rows in 20 new cities"),
    _cat("channel", ["web", "app", "store", "phone", "partner"], [0.4, 0.3, 0.15, 0.1, 0.05]),
]


@dataclass(frozen=True)
class Expectation:
    """What the planted workload should produce (a sanity check, not the comparison itself)."""

    drifted_columns: list[str] = field(default_factory=list)
    dataset_drift: bool = False


def expectation(columns: list[ColumnSpec] = COLUMNS, drift_share: float = 0.5) -> Expectation:
    drifted = [column.name for column in columns if column.drifted]
    return Expectation(drifted, len(drifted) / len(columns) >= drift_share)


def cache_key(seed: int, reference_rows: int, current_rows: int) -> str:
    """Directory name of one generated workload: changes whenever its content would."""
    return f"v{WORKLOAD_VERSION}-seed{seed}-ref{reference_rows}-cur{current_rows}"
