#!/usr/bin/env python3
"""Generate the reference values that Keel's Swift drift engine must reproduce.

Run it with the dedicated Evidently virtualenv (never with the project's .venv):

    python3.11 -m venv .venv-evidently
    .venv-evidently/bin/pip install "evidently==0.7.23" "pandas<3" scipy numpy
    .venv-evidently/bin/python Tests/KeelMonitoringTests/Fixtures/make_reference_values.py

It writes, next to this file:

* ``reference_values.json`` -- low-level values from scipy and from Evidently's
  own stattest functions for small deterministic samples: ``ks_2samp``
  (auto/exact/asymp), the exact-KS kernels, ``kstwo.sf`` (the asymptotic
  branch), Evidently's chi-square, ``chdtrc``, Evidently's Z-test, ``ndtr``,
  Evidently's normed Wasserstein, Jensen-Shannon and PSI (with their binning),
  numpy's pairwise sum, the default-stattest selection rule and the NaN/inf
  cleaning quirk.
* ``<name>_reference.csv`` / ``<name>_current.csv`` for three mixed datasets and
  ``evidently_drift.json`` with Evidently's default data drift on them, once
  through the current API (``evidently.presets.DataDriftPreset``) and once
  through the legacy API (``evidently.legacy`` ``DataDriftTable`` +
  ``DatasetDriftMetric``).

Every float is written with Python's ``repr`` (shortest round-trip form), so
parsing it with a correctly rounded parser (Swift's ``Double(String)``) gives
the exact double. Non-finite floats are written as the strings "nan", "inf",
"-inf".

Besides recording what scipy/Evidently return, the script re-derives most
values with small pure-Python transcriptions of the algorithms described in
``docs/drift-evidently-defaults.md`` (the ``spec_*`` functions below) and
fails if they disagree, bitwise where the spec claims bitwise agreement and to
1e-12 relative where summation order is not reproducible (BLAS dot, hash-order
of Python sets). That keeps the spec document honest.

Determinism: all samples come from ``numpy.random.default_rng(seed)`` with a
fixed seed per case. Evidently iterates Python ``set``s of category labels, whose
order (and therefore the floating-point summation order of chi-square, PSI and
Jensen-Shannon) depends on ``PYTHONHASHSEED`` for strings; the script re-executes
itself with ``PYTHONHASHSEED=0`` so that reruns are byte-identical.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from pathlib import Path

if os.environ.get("PYTHONHASHSEED") != "0":
    env = dict(os.environ, PYTHONHASHSEED="0")
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
from scipy import special, stats  # noqa: E402
from scipy.spatial import distance  # noqa: E402
from scipy.stats._stats_py import _compute_prob_outside_square  # noqa: E402
from scipy.stats._stats_pythran import _compute_outer_prob_inside_method  # noqa: E402

import evidently  # noqa: E402
from evidently.legacy.calculations.stattests.chisquare_stattest import _chi_stat_test  # noqa: E402
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon  # noqa: E402
from evidently.legacy.calculations.stattests.ks_stattest import _ks_stat_test  # noqa: E402
from evidently.legacy.calculations.stattests.psi import _psi  # noqa: E402
from evidently.legacy.calculations.stattests.registry import get_stattest  # noqa: E402
from evidently.legacy.calculations.stattests.utils import get_binned_data  # noqa: E402
from evidently.legacy.calculations.stattests.utils import get_unique_not_nan_values_list_from_series  # noqa: E402
from evidently.legacy.calculations.stattests.wasserstein_distance_norm import _wasserstein_distance_norm  # noqa: E402
from evidently.legacy.calculations.stattests.z_stattest import _z_stat_test  # noqa: E402
from evidently.legacy.core import ColumnType  # noqa: E402

HERE = Path(__file__).resolve().parent
NUM = ColumnType.Numerical
CAT = ColumnType.Categorical
REL_TOL = 1e-12

if evidently.__version__ != "0.7.23":
    sys.exit(f"expected evidently 0.7.23, found {evidently.__version__}")
if int(pd.__version__.split(".")[0]) >= 3:
    sys.exit(f"Evidently 0.7.23 needs pandas<3, found {pd.__version__}")

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=RuntimeWarning)


# --------------------------------------------------------------------------------------
# JSON helpers
# --------------------------------------------------------------------------------------


def jf(x):
    """A float for JSON: Python float (repr precision) or a string for non-finite."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def jv(x):
    """A scalar sample value for JSON, keeping ints as ints and strings as strings."""
    if isinstance(x, (str, np.str_)):
        return str(x)
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    return jf(x)


def jlist(values):
    return [jv(v) for v in values]


def dtype_name(values) -> str:
    arr = np.asarray(values)
    if arr.dtype.kind in "US" or arr.dtype == object:
        return "str"
    if arr.dtype.kind in "iu":
        return "int64"
    return "float64"


def _dump(obj, level: int = 0) -> str:
    """Indented JSON, except that lists of scalars stay on one line (keeps the files small)."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {_dump(v, level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        items = [f"{inner}{_dump(v, level + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(",", ":") if isinstance(obj, list) else None)


def write_json(path: Path, payload) -> None:
    text = _dump(payload)
    json.loads(text)  # must be valid strict JSON
    path.write_text(text + "\n", encoding="utf-8")


def close(a: float, b: float, rel: float = REL_TOL, abs_: float = 1e-300) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(f"spec cross-check failed: {what}")


# --------------------------------------------------------------------------------------
# Pure-Python transcriptions of the algorithms in docs/drift-evidently-defaults.md
# --------------------------------------------------------------------------------------


def spec_pairwise_sum(a) -> float:
    """numpy's pairwise summation for a contiguous float64 reduction (np.sum)."""
    a = [float(v) for v in a]
    n = len(a)
    if n < 8:
        res = 0.0
        for v in a:
            res += v
        return res
    if n <= 128:
        r = a[:8]
        i = 8
        while i < n - (n % 8):
            for j in range(8):
                r[j] += a[i + j]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n:
            res += a[i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return spec_pairwise_sum(a[:n2]) + spec_pairwise_sum(a[n2:])


def spec_searchsorted_right(sorted_vals, x) -> int:
    lo, hi = 0, len(sorted_vals)
    while lo < hi:
        mid = (lo + hi) // 2
        if sorted_vals[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def spec_searchsorted_left(sorted_vals, x) -> int:
    lo, hi = 0, len(sorted_vals)
    while lo < hi:
        mid = (lo + hi) // 2
        if sorted_vals[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def spec_ks_statistic(a, b) -> float:
    """max |F1 - F2| evaluated on the pooled sample, exactly as ks_2samp does."""
    a = sorted(float(v) for v in a)
    b = sorted(float(v) for v in b)
    n1, n2 = len(a), len(b)
    max_s, min_s = -math.inf, math.inf
    for x in a + b:
        diff = spec_searchsorted_right(a, x) / n1 - spec_searchsorted_right(b, x) / n2
        max_s = max(max_s, diff)
        min_s = min(min_s, diff)
    min_s = min(max(-min_s, 0.0), 1.0)
    return min_s if min_s > max_s else max_s


def spec_prob_outside_square(n: int, h: int) -> float:
    p_total = 0.0
    k = int(math.floor(n / h))
    while k >= 0:
        p1 = 1.0
        for j in range(h):
            p1 = (n - k * h - j) * p1 / (n + k * h + j + 1)
        p_total = p1 * (1.0 - p_total)
        k -= 1
    return 2 * p_total


def spec_outer_prob_inside(m: int, n: int, g: int, h: int) -> float:
    if m < n:
        m, n = n, m
    mg, ng = m // g, n // g
    minj, maxj = 0, min(int(math.ceil(h / mg)), n + 1)
    curlen = maxj - minj
    len_a = min(2 * maxj + 2, n + 1)
    a = [1.0] * len_a
    for k in range(minj, maxj):
        a[k] = 0.0
    for i in range(1, m + 1):
        lastminj, lastlen = minj, curlen
        minj = min(max(int(math.floor((ng * i - h) / mg)) + 1, 0), n)
        maxj = min(int(math.ceil((ng * i + h) / mg)), n + 1)
        if maxj <= minj:
            return 1.0
        val = 0.0 if minj == 0 else 1.0
        for jj in range(maxj - minj):
            j = jj + minj
            val = (a[jj + minj - lastminj] * i + val * j) / (i + j)
            a[jj] = val
        curlen = maxj - minj
        if lastlen > curlen:
            for k in range(maxj - minj, maxj - minj + (lastlen - curlen)):
                a[k] = 1.0
    return a[maxj - minj - 1]


def spec_ks_exact(n1: int, n2: int, d: float):
    """Returns (success, d_rounded, p) like scipy's _attempt_exact_2kssamp (two-sided)."""
    g = math.gcd(n1, n2)
    lcm = (n1 // g) * n2
    h = int(np.round(d * lcm))
    d = h * 1.0 / lcm
    if h == 0:
        return True, d, 1.0
    if n1 == n2:
        p = spec_prob_outside_square(n1, h)
    else:
        p = spec_outer_prob_inside(n1, n2, g, h)
    if not (0 <= p <= 1):
        return False, d, p
    return True, d, p


def kstwo_branch(n: int, x: float) -> str:
    """Which algorithm scipy's kstwo.sf(x, n) uses (rv_continuous support check + _kolmogn)."""
    if x <= 0.5 / n:
        return "below_support_sf_is_1"
    if x >= 1.0:
        return "x_ge_1_sf_is_0"
    t = n * x
    if t <= 1.0:
        return "ruben_gambino_t_le_1" + ("_prod" if n <= 140 else "_stirling")
    if t >= n - 1:
        return "ruben_gambino_t_ge_n_minus_1"
    if x >= 0.5:
        return "two_times_smirnov_x_ge_half"
    nxsq = t * x
    if n <= 140:
        if nxsq <= 0.754693:
            return "durbin_mtw_1_minus_cdf"
        if nxsq <= 4:
            return "pomeranz_1_minus_cdf"
        return "two_times_smirnov"
    if nxsq >= 370.0:
        return "zero_nxsq_ge_370"
    if nxsq >= 2.2:
        return "two_times_smirnov"
    if n <= 100000 and n * x**1.5 <= 1.4:
        return "durbin_mtw_1_minus_cdf"
    return "pelz_good_1_minus_cdf"


def igamc_branch(a: float, x: float) -> str:
    """Which algorithm cephes igamc(a, x) uses (chdtrc(df, x) = igamc(df/2, x/2))."""
    if x == 0:
        return "x_eq_0"
    if math.isinf(x):
        return "x_inf"
    r = abs(x - a) / a
    if 20 < a < 200 and r < 0.3:
        return "asymptotic_series"
    if a > 200 and r < 4.5 / math.sqrt(a):
        return "asymptotic_series"
    if x > 1.1:
        return "one_minus_igam_series" if x < a else "continued_fraction"
    if x <= 0.5:
        return "one_minus_igam_series" if -0.4 / math.log(x) < a else "igamc_series"
    return "one_minus_igam_series" if x * 1.1 < a else "igamc_series"


# cephes ndtr/erf/erfc, transcribed from xsf/cephes/ndtr.h
_NDTR_P = [2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2]
_NDTR_Q = [1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2]
_NDTR_R = [5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0]
_NDTR_S = [2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0]
_NDTR_T = [9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
           7.00332514112805075473e3, 5.55923013010394962768e4]
_NDTR_U = [3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
           2.26290000613890934246e4, 4.92673942608635921086e4]
_MAXLOG = 7.09782712893383996843e2


def _polevl(x, coef):
    acc = coef[0]
    for c in coef[1:]:
        acc = acc * x + c
    return acc


def _p1evl(x, coef):
    acc = x + coef[0]
    for c in coef[1:]:
        acc = acc * x + c
    return acc


def spec_erf(x: float) -> float:
    if x < 0.0:
        return -spec_erf(-x)
    if abs(x) > 1.0:
        return 1.0 - spec_erfc(x)
    z = x * x
    return x * _polevl(z, _NDTR_T) / _p1evl(z, _NDTR_U)


def spec_erfc(a: float) -> float:
    x = abs(a)
    if x < 1.0:
        return 1.0 - spec_erf(a)
    z = -a * a
    if z < -_MAXLOG:
        return 2.0 if a < 0 else 0.0
    z = math.exp(z)
    if x < 8.0:
        p, q = _polevl(x, _NDTR_P), _p1evl(x, _NDTR_Q)
    else:
        p, q = _polevl(x, _NDTR_R), _p1evl(x, _NDTR_S)
    y = (z * p) / q
    if a < 0:
        y = 2.0 - y
    if y != 0.0:
        return y
    return 2.0 if a < 0 else 0.0


def spec_ndtr(a: float) -> float:
    x = a * 0.7071067811865476  # M_SQRT1_2
    z = abs(x)
    if z < 1.0:
        return 0.5 + 0.5 * spec_erf(x)
    y = 0.5 * spec_erfc(z)
    return 1.0 - y if x > 0 else y


def spec_z_test(ref, cur):
    """Evidently's two-proportion Z-test; returns (keys, p1, p2, z, p_value)."""
    ref_u, cur_u = set(ref), set(cur)
    if len(ref_u) == 1 and len(cur_u) == 1 and ref_u == cur_u:
        return sorted(ref_u), None, None, None, 1
    keys = sorted(ref_u | cur_u)
    n1, n2 = len(ref), len(cur)
    s1 = sum(0 if v == keys[0] else 1 for v in ref)
    s2 = sum(0 if v == keys[0] else 1 for v in cur)
    p1 = float(s1) / n1
    p2 = float(s2) / n2
    pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return keys, p1, p2, z, 2 * (1 - spec_ndtr(abs(z)))


def spec_sturges_edges(combined):
    """np.histogram_bin_edges(combined, bins='sturges') for float data."""
    vals = [float(v) for v in combined]
    first, last = min(vals), max(vals)
    ptp = last - first
    if first == last:
        first, last = first - 0.5, last + 0.5
    width = ptp / (math.log2(len(vals)) + 1.0)
    if all(float(v).is_integer() for v in combined) and np.asarray(combined).dtype.kind in "iu" and width < 1:
        width = 1  # numpy clamps the width to 1 for integer dtypes
    nbins = int(math.ceil((last - first) / width)) if width else 1
    step = (last - first) / nbins
    edges = [i * step + first for i in range(nbins + 1)]
    edges[-1] = last
    return edges


def spec_histogram(values, edges):
    vals = sorted(float(v) for v in values)
    cum = [spec_searchsorted_left(vals, e) for e in edges[:-1]]
    cum.append(spec_searchsorted_right(vals, edges[-1]))
    return [cum[i + 1] - cum[i] for i in range(len(edges) - 1)]


def spec_fill_zeroes(percents):
    nonzero = [p for p in percents if p != 0]
    m = min(nonzero)
    eps = m / 10**6 if m <= 0.0001 else 0.0001
    return [eps if p == 0 else p for p in percents], eps


def spec_binned(ref, cur, numeric: bool, fill: bool, keys=None):
    """Evidently get_binned_data; `keys` is the category order Evidently used (set order)."""
    info = {}
    if numeric and len(set(ref)) > 20:
        edges = spec_sturges_edges(list(ref) + list(cur))
        rp = [c / len(ref) for c in spec_histogram(ref, edges)]
        cp = [c / len(cur) for c in spec_histogram(cur, edges)]
        info["binning"] = "sturges_histogram_on_reference_plus_current"
        info["bin_edges"] = edges
    else:
        rc = {k: 0 for k in keys}
        cc = {k: 0 for k in keys}
        for v in ref:
            rc[v] += 1
        for v in cur:
            cc[v] += 1
        rp = [rc[k] / len(ref) for k in keys]
        cp = [cc[k] / len(cur) for k in keys]
        info["binning"] = "value_counts"
        info["keys"] = list(keys)
    if fill:
        rp, info["reference_epsilon"] = spec_fill_zeroes(rp)
        cp, info["current_epsilon"] = spec_fill_zeroes(cp)
    return rp, cp, info


def spec_psi(rp, cp) -> float:
    return spec_pairwise_sum([(r - c) * math.log(r / c) for r, c in zip(rp, cp)])


def _rel_entr(x: float, y: float) -> float:
    if x > 0 and y > 0:
        return x * math.log(x / y)
    if x == 0 and y >= 0:
        return 0.0
    return math.inf


def spec_js(rp, cp) -> float:
    sp, sq = spec_pairwise_sum(rp), spec_pairwise_sum(cp)
    p = [v / sp for v in rp]
    q = [v / sq for v in cp]
    m = [(a + b) / 2.0 for a, b in zip(p, q)]
    left = spec_pairwise_sum([_rel_entr(a, b) for a, b in zip(p, m)])
    right = spec_pairwise_sum([_rel_entr(a, b) for a, b in zip(q, m)])
    return math.sqrt((left + right) / 2.0)


def spec_pop_std(values) -> float:
    vals = [float(v) for v in values]
    mean = spec_pairwise_sum(vals) / len(vals)
    return math.sqrt(spec_pairwise_sum([(mean - v) ** 2 for v in vals]) / len(vals))


def spec_wasserstein(u, v) -> float:
    us, vs = sorted(float(x) for x in u), sorted(float(x) for x in v)
    allv = sorted(us + vs)
    total = 0.0
    for i in range(len(allv) - 1):
        delta = allv[i + 1] - allv[i]
        ucdf = spec_searchsorted_right(us, allv[i]) / len(us)
        vcdf = spec_searchsorted_right(vs, allv[i]) / len(vs)
        total += abs(ucdf - vcdf) * delta
    return total


# --------------------------------------------------------------------------------------
# Sample construction
# --------------------------------------------------------------------------------------


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def normal(seed, n, loc=0.0, scale=1.0, decimals=4):
    return np.round(rng(seed).normal(loc, scale, n), decimals)


def evidently_keys(ref: pd.Series, cur: pd.Series):
    """The category order Evidently iterates (a Python set; depends on PYTHONHASHSEED)."""
    return get_unique_not_nan_values_list_from_series(current_data=cur, reference_data=ref)


# --------------------------------------------------------------------------------------
# reference_values.json sections
# --------------------------------------------------------------------------------------


def ks_case(name, ref, cur, note=""):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    entry = {
        "name": name,
        "note": note,
        "reference": jlist(ref),
        "current": jlist(cur),
        "n_reference": len(ref),
        "n_current": len(cur),
        "parameters": {"alternative": "two-sided"},
        "expected": {},
    }
    raw_d = spec_ks_statistic(ref, cur)
    for method in ("auto", "exact", "asymp"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = stats.ks_2samp(ref, cur, method=method)
        fell_back = any("Switching to method=asymp" in str(w.message) for w in caught)
        resolved = method
        if method == "auto":
            resolved = "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"
        if resolved == "exact" and fell_back:
            resolved = "exact_failed_fell_back_to_asymp"
        item = {
            "statistic": jf(res.statistic),
            "pvalue": jf(res.pvalue),
            "resolved_method": resolved,
        }
        if resolved.startswith("exact"):
            ok, d_rounded, p = spec_ks_exact(len(ref), len(cur), raw_d)
            check(d_rounded == float(res.statistic), f"{name} {method}: exact statistic h/lcm")
            if ok:
                check(p == float(res.pvalue), f"{name} {method}: exact p-value bitwise")
            else:
                item["exact_attempt_pvalue_out_of_range"] = jf(p)
        if resolved != "exact":
            m, n = sorted([float(len(ref)), float(len(cur))], reverse=True)
            en = m * n / (m + n)
            n_round = int(np.round(en))
            d_used = float(res.statistic)
            item["asymp_en"] = jf(en)
            item["asymp_kstwo_n"] = n_round
            item["asymp_kstwo_branch"] = kstwo_branch(n_round, d_used)
            check(float(res.pvalue) == float(np.clip(stats.kstwo.sf(d_used, n_round), 0, 1)),
                  f"{name} {method}: asymp p == kstwo.sf(d, round(en))")
        if method == "asymp" or resolved == "asymp":
            check(float(res.statistic) == raw_d, f"{name} {method}: raw statistic bitwise")
        entry["expected"][method] = item
    ev_p, ev_drift = _ks_stat_test(pd.Series(ref), pd.Series(cur), NUM, 0.05)
    check(float(ev_p) == entry["expected"]["auto"]["pvalue"], f"{name}: evidently uses auto")
    entry["expected"]["evidently"] = {
        "stattest": "ks",
        "drift_score": jf(ev_p),
        "threshold": 0.05,
        "drift_detected": bool(ev_drift),
        "rule": "p_value <= threshold",
    }
    return entry


def make_ks_cases():
    cases = []
    cases.append(ks_case("tiny_disjoint_3v3", [1, 2, 3], [4, 5, 6], "D = 1"))
    cases.append(ks_case("single_vs_three", [0.5], [0.1, 0.2, 0.9], "n1 = 1"))
    x = normal(11, 20)
    cases.append(ks_case("identical_samples_20", x, x, "D = 0 -> h = 0 -> p = 1 exactly"))
    cases.append(ks_case("all_ties_one_value_vs_two", [1, 1, 1], [1, 1, 2], "heavy ties"))
    for n in (5, 7, 15):
        ref = list(range(n))
        cur = list(range(n - 1)) + [n - 0.5]
        cases.append(ks_case(
            f"equal_n{n}_min_d_exact_overflow", ref, cur,
            "n1 == n2, D = 1/n: _compute_prob_outside_square returns 1.0000000000000002 (> 1), "
            "so scipy's exact attempt fails and it falls back to the asymptotic kstwo.sf "
            "with d = h/lcm and n = round(n*n/(2n)) (banker's rounding)"))
    r = rng(12)
    cases.append(ks_case("ties_ints_12v9", r.integers(0, 5, 12), r.integers(1, 6, 9),
                         "integer data with many ties, n != m"))
    cases.append(ks_case("normal_50v80_shift", normal(13, 50), normal(14, 80, 0.5)))
    cases.append(ks_case("normal_100v100", normal(15, 100), normal(16, 100, 0.2),
                         "equal sizes: _compute_prob_outside_square"))
    cases.append(ks_case("normal_200v150_noshift", normal(17, 200), normal(18, 150)))
    cases.append(ks_case("coprime_97v101", normal(19, 97), normal(20, 101, 0.3)))
    cases.append(ks_case("rounded_ties_300v240", np.round(normal(21, 300) * 2) / 2,
                         np.round(normal(22, 240, 0.3) * 2) / 2, "values on a 0.5 grid"))
    cases.append(ks_case("equal_1000v1000_shift", normal(23, 1000), normal(24, 1000, 0.1)))
    cases.append(ks_case("strong_drift_500v700", normal(25, 500), normal(26, 700, 1.0),
                         "tiny exact p-value"))
    cases.append(ks_case("auto_exact_boundary_37v10000", normal(27, 37, decimals=3),
                         normal(28, 10000, 0.2, decimals=3),
                         "max(n) = 10000 -> auto still exact"))
    cases.append(ks_case("auto_asymp_1000v10001_noshift", normal(29, 1000, decimals=3),
                         normal(30, 10001, decimals=3),
                         "max(n) > 10000 -> auto uses kstwo.sf(d, round(en))"))
    cases.append(ks_case("auto_asymp_300v10500_shift", normal(31, 300, decimals=3),
                         normal(32, 10500, 0.15, decimals=3),
                         "max(n) > 10000 -> auto uses kstwo.sf(d, round(en))"))
    return cases


def make_ks_kernel_cases():
    square = []
    for n, h in [(1, 1), (5, 1), (5, 2), (7, 1), (10, 3), (15, 1), (50, 7), (100, 12),
                 (1000, 1), (1000, 40), (1000, 80), (2000, 150)]:
        p = _compute_prob_outside_square(n, h)
        check(spec_prob_outside_square(n, h) == p, f"square {n} {h}")
        square.append({"n": n, "h": h, "expected": jf(p)})
    outer = []
    for m, n, h in [(3, 2, 1), (3, 2, 6), (8, 12, 5), (50, 80, 100), (97, 101, 2000),
                    (150, 200, 120), (1000, 1500, 60), (1000, 1500, 300), (999, 1001, 49999),
                    (3000, 2000, 600), (10001, 1000, 300000)]:
        g = math.gcd(m, n)
        p = float(_compute_outer_prob_inside_method(m, n, g, h))
        check(spec_outer_prob_inside(m, n, g, h) == p, f"outer {m} {n} {h}")
        outer.append({"m": m, "n": n, "g": g, "h": h, "expected": jf(p)})
    return {"prob_outside_square": square, "outer_prob_inside_method": outer}


def make_kstwo_cases():
    out = []
    seen = set()
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 140, 141, 200, 500, 909, 1000, 5000, 20000]:
        xs = [0.4 / n, 0.75 / n, 1.0 / n, (n - 0.5) / n, 0.5, 0.6, 0.99]
        xs += [math.sqrt(v / n) for v in (0.3, 0.7, 1.5, 2.0, 3.0, 5.0, 20.0, 100.0, 400.0)]
        for x in xs:
            if not (0 < x < 1.5):
                continue
            key = (n, x)
            if key in seen:
                continue
            seen.add(key)
            out.append({
                "n": n,
                "x": jf(x),
                "branch": kstwo_branch(n, x),
                "sf": jf(stats.kstwo.sf(x, n)),
            })
    return out


def chisq_case(name, ref, cur, note=""):
    rs, cs = pd.Series(ref), pd.Series(cur)
    keys = evidently_keys(rs, cs)
    p, drift = _chi_stat_test(rs, cs, CAT, 0.05)
    rc, cc = rs.value_counts(), cs.value_counts()
    k_norm = len(cs) / len(rs)
    f_exp = [int(rc.get(k, 0)) * k_norm for k in keys]
    f_obs = [int(cc.get(k, 0)) for k in keys]
    res = stats.chisquare(f_obs, f_exp)
    check(float(res.pvalue) == float(p), f"{name}: chisquare replay")
    with np.errstate(divide="ignore"):
        terms = [(o - e) ** 2 / e if e != 0 else math.inf for o, e in zip(f_obs, f_exp)]
    stat = spec_pairwise_sum(terms)
    check(close(stat, float(res.statistic)), f"{name}: chi-square statistic")
    df = len(keys) - 1
    check(float(special.chdtrc(df, float(res.statistic))) == float(p), f"{name}: p = chdtrc(k-1, stat)")
    return {
        "name": name,
        "note": note,
        "reference": jlist(ref),
        "current": jlist(cur),
        "dtype": dtype_name(ref),
        "parameters": {"threshold": 0.05, "ddof": 0},
        "evidently_key_order": jlist(keys),
        "f_obs": f_obs,
        "f_exp": [jf(v) for v in f_exp],
        "k_norm": jf(k_norm),
        "expected": {
            "statistic": jf(res.statistic),
            "df": df,
            "pvalue": jf(p),
            "drift_detected": bool(drift),
            "rule": "p_value < threshold",
        },
    }


def make_chisq_cases():
    cats = np.array(["a", "b", "c"])
    r = rng(40)
    cases = [
        chisq_case("three_cats_no_drift", r.choice(cats, 200), r.choice(cats, 150)),
        chisq_case("three_cats_drift", rng(41).choice(cats, 300, p=[0.5, 0.3, 0.2]),
                   rng(42).choice(cats, 250, p=[0.3, 0.3, 0.4])),
        chisq_case("category_only_in_current",
                   rng(43).choice(cats, 120),
                   np.concatenate([rng(44).choice(cats, 100), np.array(["d"] * 3)]),
                   "f_exp = 0 for 'd' -> term = inf -> statistic inf -> p = 0"),
        chisq_case("category_only_in_reference",
                   np.concatenate([rng(45).choice(cats, 100), np.array(["d"] * 5)]),
                   rng(46).choice(cats, 90), "f_obs = 0 for 'd' is fine"),
        chisq_case("numeric_five_values", rng(47).integers(0, 5, 180).astype(float),
                   rng(48).integers(0, 5, 140).astype(float),
                   "numerical column with 3..5 unique values also gets chi-square"),
        chisq_case("twelve_categories", rng(49).choice([f"c{i:02d}" for i in range(12)], 400),
                   rng(50).choice([f"c{i:02d}" for i in range(12)], 350)),
        chisq_case("sixty_categories_asymptotic_igamc",
                   rng(51).choice([f"k{i:02d}" for i in range(60)], 900),
                   rng(52).choice([f"k{i:02d}" for i in range(60)], 800),
                   "df = 59, a = 29.5: cephes igamc asymptotic series region"),
        chisq_case("tiny_three_and_four", ["x", "y", "z"], ["x", "x", "y", "z"]),
    ]
    return cases


def make_chi2_sf_grid():
    out = []
    for df in [1, 2, 3, 4, 5, 9, 11, 39, 59, 99, 199, 401, 999]:
        xs = sorted({0.0, 1e-3, 0.3, 0.9, 1.5, 0.8 * df, float(df), 1.2 * df,
                     df + 5 * math.sqrt(2 * df), 3.0 * df + 20, 500.0, 1500.0})
        for x in xs:
            out.append({
                "df": df,
                "x": jf(x),
                "igamc_a": jf(df / 2.0),
                "igamc_x": jf(x / 2.0),
                "igamc_branch": igamc_branch(df / 2.0, x / 2.0),
                "sf": jf(special.chdtrc(df, x)),
            })
    return out


def z_case(name, ref, cur, note=""):
    rs, cs = pd.Series(ref), pd.Series(cur)
    p, drift = _z_stat_test(rs, cs, CAT, 0.05)
    keys, p1, p2, z, p_spec = spec_z_test(list(ref), list(cur))
    check(float(p_spec) == float(p), f"{name}: z-test p-value bitwise")
    return {
        "name": name,
        "note": note,
        "reference": jlist(ref),
        "current": jlist(cur),
        "dtype": dtype_name(ref),
        "parameters": {"threshold": 0.05, "alternative": "two-sided"},
        "expected": {
            "sorted_keys": jlist(keys),
            "p1_share_not_first_key_reference": None if p1 is None else jf(p1),
            "p2_share_not_first_key_current": None if p2 is None else jf(p2),
            "z": None if z is None else jf(z),
            "pvalue": jf(p),
            "drift_detected": bool(drift),
            "rule": "p_value < threshold",
        },
    }


def make_z_cases():
    return [
        z_case("strings_no_drift", rng(60).choice(["no", "yes"], 200), rng(61).choice(["no", "yes"], 170)),
        z_case("strings_drift", rng(62).choice(["no", "yes"], 300, p=[0.7, 0.3]),
               rng(63).choice(["no", "yes"], 250, p=[0.5, 0.5])),
        z_case("numeric_binary", rng(64).integers(0, 2, 150).astype(float),
               rng(65).integers(0, 2, 90).astype(float), "numerical 0/1 column"),
        z_case("same_single_value", ["a"] * 5, ["a"] * 7, "both sides one identical value -> p = 1"),
        z_case("different_single_values", ["a"] * 5, ["b"] * 7, "p1 = 0, p2 = 1"),
        z_case("one_side_single_value", ["a"] * 40, ["a"] * 30 + ["b"] * 3),
        z_case("large_z_underflow", ["a"] * 900 + ["b"] * 100, ["a"] * 100 + ["b"] * 900,
               "1 - ndtr(|z|) rounds to 0 -> p = 0"),
    ]


def make_ndtr_grid():
    out = []
    for x in [-40.0, -38.0, -10.0, -5.0, -1.5, -1.4142135623730951, -1.0, -0.5, 0.0, 1e-9, 0.3,
              0.7071067811865476, 1.0, 1.4142135623730951, 1.4142135623730954, 1.96, 2.5, 3.0,
              5.0, 8.0, 11.3, 12.0, 38.0]:
        v = float(special.ndtr(x))
        check(spec_ndtr(x) == v, f"ndtr({x}) bitwise")
        out.append({"x": jf(x), "ndtr": jf(v), "z_test_pvalue": jf(2 * (1 - float(stats.norm.cdf(abs(x)))))})
    return out


def wd_case(name, ref, cur, note=""):
    rs, cs = pd.Series(ref), pd.Series(cur)
    value, drift = _wasserstein_distance_norm(rs, cs, NUM, 0.1)
    raw = float(stats.wasserstein_distance(rs, cs))
    std = float(np.std(rs))
    norm = max(std, 0.001)
    check(spec_pop_std(ref) == std, f"{name}: population std bitwise")
    check(close(spec_wasserstein(ref, cur), raw), f"{name}: wasserstein integral")
    check(float(value) == raw / norm, f"{name}: normalisation")
    return {
        "name": name,
        "note": note,
        "reference": jlist(ref),
        "current": jlist(cur),
        "parameters": {"threshold": 0.1},
        "expected": {
            "wasserstein_distance": jf(raw),
            "reference_std_ddof0": jf(std),
            "norm": jf(norm),
            "value": jf(value),
            "drift_detected": bool(drift),
            "rule": "value >= threshold",
        },
    }


def make_wd_cases():
    return [
        wd_case("tiny", [0.0, 1.0, 3.0], [5.0, 6.0, 8.0]),
        wd_case("normal_shift_small", normal(70, 1200), normal(71, 1500, 0.05)),
        wd_case("normal_shift_large", normal(72, 1100), normal(73, 900, 0.4)),
        wd_case("ties_grid", np.round(normal(74, 1500) * 4) / 4, np.round(normal(75, 1300, 0.1) * 4) / 4),
        wd_case("constant_reference_std_zero", [2.0] * 1500, list(normal(76, 20, 2.0)),
                "np.std = 0 -> norm = 0.001"),
        wd_case("ints", rng(77).integers(0, 1000, 1500), rng(78).integers(50, 1000, 1400)),
        wd_case("lognormal_scale", np.round(rng(79).lognormal(0, 1, 2000), 4),
                np.round(rng(80).lognormal(0, 1.3, 1700), 4)),
    ]


def binned_case(name, ref, cur, feature_type, note=""):
    """Jensen-Shannon (no zero filling) and PSI (zero filling) on the same binned inputs."""
    rs, cs = pd.Series(ref), pd.Series(cur)
    numeric = feature_type == NUM
    keys = evidently_keys(rs, cs)
    entry = {
        "name": name,
        "note": note,
        "reference": jlist(ref),
        "current": jlist(cur),
        "dtype": dtype_name(ref),
        "feature_type": feature_type.value,
        "parameters": {"threshold": 0.1, "n_bins_argument_ignored": 30},
    }
    for kind in ("jensenshannon", "psi"):
        fill = kind == "psi"
        rp_ev, cp_ev = get_binned_data(rs, cs, feature_type, 30, fill)
        rp, cp, info = spec_binned(list(ref), list(cur), numeric, fill, keys)
        check(list(map(float, rp_ev)) == rp and list(map(float, cp_ev)) == cp, f"{name}: binning bitwise")
        entry["binning"] = info["binning"]
        if "bin_edges" in info:
            combined = np.asarray(pd.concat([rs, cs]).values)
            edges_np = np.histogram_bin_edges(combined, bins="sturges")
            check(list(map(float, edges_np)) == info["bin_edges"], f"{name}: sturges edges bitwise")
            entry["bin_edges"] = [jf(v) for v in info["bin_edges"]]
            entry["sturges_bin_count"] = len(info["bin_edges"]) - 1
            entry["naive_ceil_log2_n_plus_1"] = int(math.ceil(math.log2(len(combined)) + 1))
        else:
            entry["evidently_key_order"] = jlist(info["keys"])
        if kind == "psi":
            value, drift = _psi(rs, cs, feature_type, 0.1)
            check(close(spec_psi(rp, cp), float(value)), f"{name}: psi")
        else:
            value, drift = _jensenshannon(rs, cs, feature_type, 0.1)
            check(close(spec_js(rp, cp), float(value)), f"{name}: jensen-shannon")
            check(float(value) == float(distance.jensenshannon(rp_ev, cp_ev)), f"{name}: js replay")
        result = {
            "reference_percents": [jf(v) for v in rp_ev],
            "current_percents": [jf(v) for v in cp_ev],
            "value": jf(value),
            "drift_detected": bool(drift),
            "rule": "value >= threshold",
        }
        if fill:
            result["reference_epsilon"] = jf(info["reference_epsilon"])
            result["current_epsilon"] = jf(info["current_epsilon"])
        entry[kind] = result
    return entry


def sturges_extra_bin_sample():
    """64 pooled values whose Sturges bin count is 8, not ceil(log2(64) + 1) = 7."""
    for i in range(1, 4000):
        hi = float(np.round(i / 64.0 * 3.7, 6))
        ref = np.round(np.linspace(0.0, hi, 32), 6)
        cur = np.round(0.25 * hi + 0.75 * hi * np.linspace(0.0, 1.0, 32) ** 2, 6)
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        if len(edges) - 1 != 7:
            return ref, cur
    raise RuntimeError("no Sturges extra-bin sample found")


def make_binned_cases():
    cats = np.array(["a", "b", "c", "d"])
    ref_x, cur_x = sturges_extra_bin_sample()
    return [
        binned_case("numeric_sturges_shift", normal(90, 1200), normal(91, 1500, 0.3), NUM),
        binned_case("numeric_sturges_small", normal(92, 40), normal(93, 35, 0.5), NUM,
                    "reference has > 20 unique values -> histogram"),
        binned_case("numeric_sturges_empty_bins", normal(94, 1100),
                    np.concatenate([normal(95, 500), np.array([9.0, 9.5])]), NUM,
                    "outliers in current create reference bins with zero count"),
        binned_case("sturges_ceil_gives_extra_bin", ref_x, cur_x, NUM,
                    "n = 64 pooled values: width = ptp/(log2(64)+1) and ceil(ptp/width) = 8, not 7; the bin "
                    "count must be computed exactly the way numpy does it"),
        binned_case("numeric_few_unique_value_counts", rng(96).integers(0, 8, 1100).astype(float),
                    rng(97).integers(2, 10, 1300).astype(float), NUM,
                    "reference has <= 20 unique values -> value counts even for numerical"),
        binned_case("categorical_missing_on_each_side", rng(98).choice(cats[:3], 1500),
                    rng(99).choice(cats[1:], 1200), CAT,
                    "'a' only in reference, 'd' only in current"),
        binned_case("categorical_binary", rng(100).choice(["no", "yes"], 1400, p=[0.6, 0.4]),
                    rng(101).choice(["no", "yes"], 1600, p=[0.5, 0.5]), CAT),
        binned_case("rare_value_tiny_epsilon",
                    np.concatenate([rng(102).integers(0, 5, 19999), np.array([7])]),
                    rng(103).integers(0, 6, 12000), NUM,
                    "int64 data; min non-zero reference share 1/20000 <= 1e-4 -> PSI epsilon = min / 1e6"),
    ]


def make_pairwise_sum_cases():
    out = []
    for seed, n in [(110, 7), (111, 8), (112, 9), (113, 100), (114, 129), (115, 300), (116, 1100)]:
        a = rng(seed).standard_normal(n) * 10.0 ** rng(seed + 1000).uniform(-3, 3, n)
        s = float(np.sum(a))
        check(spec_pairwise_sum(a) == s, f"pairwise sum n={n}")
        naive = 0.0
        for v in a:
            naive += float(v)
        out.append({"values": [jf(v) for v in a], "np_sum": jf(s), "naive_left_to_right": jf(naive)})
    return out


def make_default_selection_cases():
    """get_stattest(ref, cur, type, None) for synthetic columns.

    reference[i] = float(i % ref_unique), current[i] = float(i % cur_unique) + cur_offset
    (categorical columns use the strings f"v{value}").
    """
    out = []
    grid = []
    for ft in (NUM, CAT):
        for ref_rows in (10, 1000, 1001, 5000):
            for ref_unique, cur_unique, cur_offset in [(1, 1, 0), (1, 1, 1), (2, 2, 0), (2, 3, 0),
                                                      (3, 3, 0), (5, 5, 0), (5, 5, 1), (6, 6, 0),
                                                      (25, 25, 0)]:
                if ref_unique > ref_rows:
                    continue
                grid.append((ft, ref_rows, 200, ref_unique, cur_unique, cur_offset))
    for ft, ref_rows, cur_rows, ref_unique, cur_unique, cur_offset in grid:
        ref = [float(i % ref_unique) for i in range(ref_rows)]
        cur = [float(i % cur_unique) + cur_offset for i in range(cur_rows)]
        if ft == CAT:
            ref = [f"v{v:g}" for v in ref]
            cur = [f"v{v:g}" for v in cur]
        st = get_stattest(pd.Series(ref), pd.Series(cur), ft, None)
        out.append({
            "feature_type": ft.value,
            "reference_rows": ref_rows,
            "current_rows": cur_rows,
            "reference_unique": ref_unique,
            "current_unique": cur_unique,
            "current_offset": cur_offset,
            "combined_unique": len(set(ref) | set(cur)),
            "expected_stattest": st.name,
            "expected_display_name": st.display_name,
            "expected_default_threshold": st.default_threshold,
        })
    return {
        "construction": "reference[i] = float(i % reference_unique); current[i] = float(i % current_unique) "
                        "+ current_offset; categorical columns use the strings 'v' + format(value, 'g')",
        "cases": out,
    }


def make_cleaning_cases():
    """The per-column cleaning difference between ValueDrift and the dataset-level path."""
    from evidently.legacy.calculations.data_drift import get_one_column_drift
    from evidently.legacy.metric_results import DatasetColumns, DatasetUtilityColumns
    from evidently.legacy.options.data_drift import DataDriftOptions

    out = []
    for name, n_ref, n_cur in [("ks_regime", 200, 200), ("wasserstein_regime", 1500, 1500)]:
        ref = normal(120, n_ref)
        cur = normal(121, n_cur)
        cur_inf = cur.copy()
        cur_inf[:21] = np.inf
        ref_df = pd.DataFrame({"x": ref})
        cur_df = pd.DataFrame({"x": cur_inf})
        cols = DatasetColumns(
            utility_columns=DatasetUtilityColumns(date=None, id=None, target=None, prediction=None),
            target_type=None, task=None, num_feature_names=["x"], cat_feature_names=[],
            text_feature_names=[], datetime_feature_names=[], target_names=None)
        results = {}
        for label, flags in [("value_drift_always_cleans", None),
                             ("dataset_level_cleans_only_if_column_has_nan",
                              (cur_df.isna().any(), ref_df.isna().any()))]:
            res = get_one_column_drift(current_data=cur_df, reference_data=ref_df, column_name="x",
                                       options=DataDriftOptions(), dataset_columns=cols,
                                       column_type=NUM, agg_data=True, is_contains_nans=flags)
            results[label] = {"stattest": res.stattest_name, "drift_score": jf(res.drift_score),
                              "drift_detected": bool(res.drift_detected)}
        out.append({
            "name": name,
            "reference": jlist(ref),
            "current": jlist(cur_inf),
            "note": "current has 21 +inf values and no NaN. ValueDrift replaces +/-inf by NaN and drops "
                    "them; the dataset-level path (DriftedColumnsCount / DataDriftTable) only does so "
                    "for columns where isna().any() is true, so the infinities reach the test.",
            "expected": results,
        })
    return out


# --------------------------------------------------------------------------------------
# Datasets + Evidently's default data drift
# --------------------------------------------------------------------------------------


def make_dataset_small():
    n_ref, n_cur = 300, 240
    r, c = rng(200), rng(201)
    cats = ["red", "green", "blue"]
    ref = pd.DataFrame({
        "f_normal": np.round(r.normal(0, 1, n_ref), 4),
        "f_shift": np.round(r.normal(0, 1, n_ref), 4),
        "f_scale": np.round(r.normal(5, 1, n_ref), 4),
        "f_ties": np.round(r.normal(0, 1, n_ref) * 2) / 2,
        "f_nan": np.where(r.random(n_ref) < 0.1, np.nan, np.round(r.normal(10, 3, n_ref), 3)),
        "i_wide": r.integers(0, 100, n_ref),
        "i_eight": r.integers(0, 8, n_ref),
        "f_binary": r.integers(0, 2, n_ref).astype(float),
        "c_color": r.choice(cats, n_ref),
        "c_new_category": r.choice(["a", "b", "c"], n_ref),
        "c_yes_no": r.choice(["yes", "no"], n_ref, p=[0.5, 0.5]),
        "target": r.integers(0, 2, n_ref),
        "prediction": np.round(r.beta(2, 2, n_ref), 4),
    })
    cur = pd.DataFrame({
        "f_normal": np.round(c.normal(0, 1, n_cur), 4),
        "f_shift": np.round(c.normal(0.6, 1, n_cur), 4),
        "f_scale": np.round(c.normal(5, 2.5, n_cur), 4),
        "f_ties": np.round(c.normal(0.1, 1, n_cur) * 2) / 2,
        "f_nan": np.where(c.random(n_cur) < 0.15, np.nan, np.round(c.normal(10, 3, n_cur), 3)),
        "i_wide": np.minimum(c.integers(0, 100, n_cur), c.integers(0, 100, n_cur)),
        "i_eight": np.minimum(c.integers(0, 8, n_cur), c.integers(0, 8, n_cur)),
        "f_binary": (c.random(n_cur) < 0.3).astype(float),
        "c_color": c.choice(cats, n_cur),
        "c_new_category": c.choice(["a", "b", "c", "d"], n_cur, p=[0.3, 0.3, 0.3, 0.1]),
        "c_yes_no": c.choice(["yes", "no"], n_cur, p=[0.35, 0.65]),
        "target": c.integers(0, 2, n_cur),
        "prediction": np.round(c.beta(2, 3, n_cur), 4),
    })
    return "small", ref, cur, (
        "reference 300 rows / current 240 rows: KS, chi-square and Z-test regime. i_eight is int64 with 8 "
        "unique values: categorical in the current API (<= 10 unique ints), numerical in the legacy API. "
        "'target' (int 0/1) and 'prediction' (probabilities in [0, 1]) are ordinary columns for the current "
        "API with DataDefinition(), and the target/prediction utility columns of the legacy default "
        "ColumnMapping() (tested first there).")


def make_dataset_medium():
    n_ref, n_cur = 1010, 1300
    r, c = rng(210), rng(211)
    cats = ["red", "green", "blue", "black"]
    f_nan_ref = np.round(r.normal(10, 3, n_ref), 3)
    f_nan_ref[r.choice(n_ref, 20, replace=False)] = np.nan
    ref = pd.DataFrame({
        "f_normal": np.round(r.normal(0, 1, n_ref), 4),
        "f_shift_small": np.round(r.normal(0, 1, n_ref), 4),
        "f_shift": np.round(r.normal(0, 1, n_ref), 4),
        "f_lognormal": np.round(r.lognormal(0, 1, n_ref), 4),
        "f_nan_ks": f_nan_ref,
        "i_wide": r.integers(0, 1000, n_ref),
        "i_eight": r.integers(0, 8, n_ref),
        "f_three": r.choice([0.5, 1.5, 2.5], n_ref),
        "c_color": r.choice(cats, n_ref),
        "c_missing_in_current": r.choice(["a", "b", "c", "d"], n_ref, p=[0.3, 0.3, 0.3, 0.1]),
        "c_yes_no": r.choice(["yes", "no"], n_ref),
    })
    cur = pd.DataFrame({
        "f_normal": np.round(c.normal(0, 1, n_cur), 4),
        "f_shift_small": np.round(c.normal(0.05, 1, n_cur), 4),
        "f_shift": np.round(c.normal(0.3, 1, n_cur), 4),
        "f_lognormal": np.round(c.lognormal(0, 1.02, n_cur), 4),
        "f_nan_ks": np.round(c.normal(10.2, 3, n_cur), 3),
        "i_wide": c.integers(0, 1000, n_cur),
        "i_eight": c.integers(0, 8, n_cur),
        "f_three": c.choice([0.5, 1.5, 2.5], n_cur, p=[0.3, 0.3, 0.4]),
        "c_color": c.choice(cats, n_cur),
        "c_missing_in_current": c.choice(["a", "b", "c"], n_cur),
        "c_yes_no": c.choice(["yes", "no"], n_cur),
    })
    return "medium", ref, cur, (
        "reference 1010 rows / current 1300 rows: normed Wasserstein and Jensen-Shannon regime. f_nan_ks has "
        "20 NaN in the reference, so only 990 reference rows remain after cleaning and it gets KS instead.")


def make_dataset_asymp():
    n_ref, n_cur = 1000, 10001
    r, c = rng(220), rng(221)
    ref = pd.DataFrame({
        "f_normal": np.round(r.normal(0, 1, n_ref), 3),
        "f_shift": np.round(r.normal(0, 1, n_ref), 3),
        "f_ties": np.round(r.normal(0, 1, n_ref) * 4) / 4,
        "i_wide": r.integers(0, 500, n_ref),
        "c_color": r.choice(["red", "green", "blue"], n_ref),
        "c_yes_no": r.choice(["yes", "no"], n_ref),
    })
    cur = pd.DataFrame({
        "f_normal": np.round(c.normal(0, 1, n_cur), 3),
        "f_shift": np.round(c.normal(0.12, 1, n_cur), 3),
        "f_ties": np.round(c.normal(0, 1.05, n_cur) * 4) / 4,
        "i_wide": c.integers(0, 500, n_cur),
        "c_color": c.choice(["red", "green", "blue"], n_cur, p=[0.3, 0.3, 0.4]),
        "c_yes_no": c.choice(["yes", "no"], n_cur),
    })
    return "ks_asymp", ref, cur, (
        "reference exactly 1000 rows (<= 1000 -> KS) / current 10001 rows (> 10000 -> ks_2samp 'auto' "
        "switches to the asymptotic kstwo.sf branch).")


def registry_name(display_name: str) -> str:
    from evidently.legacy.calculations.stattests.registry import _registered_stat_tests

    for name, by_type in _registered_stat_tests.items():
        for st in by_type.values():
            if st.display_name == display_name:
                return name
    raise KeyError(display_name)


def run_current_api(ref: pd.DataFrame, cur: pd.DataFrame):
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    cur_ds = Dataset.from_pandas(cur, data_definition=DataDefinition())
    ref_ds = Dataset.from_pandas(ref, data_definition=DataDefinition())
    snap = Report([DataDriftPreset()], include_tests=True).run(cur_ds, ref_ds)
    d = snap.dict()
    status_by_metric = {t["metric_config"]["metric_id"]: t["status"] for t in d["tests"]}
    definition = cur_ds._data_definition
    columns, dataset = [], None
    for m in d["metrics"]:
        cfg = m["config"]
        if cfg["type"] == "evidently:metric_v2:ValueDrift":
            col = cfg["column"]
            col_type = definition.get_column_type(col).value
            status = status_by_metric[m["id"]]
            columns.append({
                "column": col,
                "column_type": col_type,
                "stattest": registry_name(cfg["method"]),
                "stattest_display_name": cfg["method"],
                "drift_score": jf(m["value"]),
                "threshold": jf(cfg["threshold"]),
                "drift_detected": status == "FAIL",
            })
        elif cfg["type"] == "evidently:metric_v2:DriftedColumnsCount":
            status = status_by_metric[m["id"]]
            dataset = {
                "number_of_drifted_columns": int(m["value"]["count"]),
                "share_of_drifted_columns": jf(m["value"]["share"]),
                "drift_share_threshold": jf(cfg["drift_share"]),
                "dataset_drift": status == "FAIL",
                "rule": "share_of_drifted_columns >= drift_share",
            }
    dataset["number_of_columns"] = len(columns)
    n_drift = sum(c["drift_detected"] for c in columns)
    check(n_drift == dataset["number_of_drifted_columns"], "current API: count consistent with ValueDrift")
    return {
        "api": "evidently.Report([evidently.presets.DataDriftPreset()], include_tests=True).run(current, "
               "reference) with Dataset.from_pandas(df, data_definition=DataDefinition())",
        "inferred_types": {
            "numerical": list(definition.get_numerical_columns()),
            "categorical": list(definition.get_categorical_columns()),
            "text": list(definition.get_text_columns()),
        },
        "columns": columns,
        "dataset": dataset,
    }


def run_legacy_api(ref: pd.DataFrame, cur: pd.DataFrame):
    from evidently.legacy.metrics import DataDriftTable, DatasetDriftMetric
    from evidently.legacy.pipeline.column_mapping import ColumnMapping
    from evidently.legacy.report import Report as LegacyReport

    report = LegacyReport(metrics=[DatasetDriftMetric(), DataDriftTable()])
    report.run(reference_data=ref, current_data=cur, column_mapping=ColumnMapping())
    d = report.as_dict()
    dataset_res = d["metrics"][0]["result"]
    table = d["metrics"][1]["result"]
    columns = []
    for col, v in table["drift_by_columns"].items():
        columns.append({
            "column": col,
            "column_type": v["column_type"],
            "stattest": registry_name(v["stattest_name"]),
            "stattest_display_name": v["stattest_name"],
            "drift_score": jf(v["drift_score"]),
            "threshold": jf(v["stattest_threshold"]),
            "drift_detected": bool(v["drift_detected"]),
        })
    return {
        "api": "evidently.legacy.report.Report(metrics=[DatasetDriftMetric(), DataDriftTable()]) with the "
               "default ColumnMapping()",
        "columns": columns,
        "dataset": {
            "number_of_columns": int(dataset_res["number_of_columns"]),
            "number_of_drifted_columns": int(dataset_res["number_of_drifted_columns"]),
            "share_of_drifted_columns": jf(dataset_res["share_of_drifted_columns"]),
            "drift_share_threshold": jf(dataset_res["drift_share"]),
            "dataset_drift": bool(dataset_res["dataset_drift"]),
            "rule": "share_of_drifted_columns >= drift_share",
        },
    }


def write_and_reload(name: str, ref: pd.DataFrame, cur: pd.DataFrame):
    ref_path = HERE / f"{name}_reference.csv"
    cur_path = HERE / f"{name}_current.csv"
    ref.to_csv(ref_path, index=False, lineterminator="\n")
    cur.to_csv(cur_path, index=False, lineterminator="\n")
    ref2 = pd.read_csv(ref_path, float_precision="round_trip")
    cur2 = pd.read_csv(cur_path, float_precision="round_trip")
    pd.testing.assert_frame_equal(ref, ref2, check_exact=True)
    pd.testing.assert_frame_equal(cur, cur2, check_exact=True)
    return ref_path.name, cur_path.name, ref2, cur2


def make_datasets():
    out = []
    for maker in (make_dataset_small, make_dataset_medium, make_dataset_asymp):
        name, ref, cur, description = maker()
        ref_csv, cur_csv, ref2, cur2 = write_and_reload(name, ref, cur)
        out.append({
            "name": name,
            "description": description,
            "reference_csv": ref_csv,
            "current_csv": cur_csv,
            "reference_rows": len(ref2),
            "current_rows": len(cur2),
            "csv_dtypes": {col: str(t) for col, t in ref2.dtypes.items()},
            "current_api": run_current_api(ref2, cur2),
            "legacy_api": run_legacy_api(ref2, cur2),
        })
    return out


# --------------------------------------------------------------------------------------


def meta():
    return {
        "generator": "Tests/KeelMonitoringTests/Fixtures/make_reference_values.py",
        "evidently": evidently.__version__,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": sys.version.split()[0],
        "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED"),
        "float_encoding": "JSON numbers are Python repr (shortest round-trip); non-finite values are the "
                          "strings 'nan', 'inf', '-inf'",
        "spec": "docs/drift-evidently-defaults.md",
    }


def main() -> None:
    reference_values = {
        "meta": meta(),
        "ks_2samp": make_ks_cases(),
        "ks_exact_kernels": make_ks_kernel_cases(),
        "kstwo_sf": make_kstwo_cases(),
        "chisquare_evidently": make_chisq_cases(),
        "chi2_sf": make_chi2_sf_grid(),
        "z_test_evidently": make_z_cases(),
        "ndtr": make_ndtr_grid(),
        "wasserstein_norm_evidently": make_wd_cases(),
        "jensenshannon_and_psi_evidently": make_binned_cases(),
        "numpy_pairwise_sum": make_pairwise_sum_cases(),
        "default_stattest_selection": make_default_selection_cases(),
        "nan_inf_cleaning": make_cleaning_cases(),
    }
    write_json(HERE / "reference_values.json", reference_values)
    drift = {"meta": meta(), "datasets": make_datasets()}
    write_json(HERE / "evidently_drift.json", drift)
    print(f"wrote {HERE / 'reference_values.json'} and {HERE / 'evidently_drift.json'}")


if __name__ == "__main__":
    main()
