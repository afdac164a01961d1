"""Random /invocations bodies for batching parity tests.

Why random: the fast path decides per body whether merging is safe (value
kinds, column order, body shape). A seeded generator mixing the common case
with near-misses (ints among floats, strings, nulls, ragged rows, extra keys,
other formats) finds a wrong decision far better than a handful of
hand-written bodies, and every failure is reproducible from its seed.
"""

from __future__ import annotations

import json
import random

APP = "application/json"
NUMBERS = [1, 2.5, 0, -4, 7.25, -0.0, 1e300, 3, 2**53, 2**53 + 1]
IRIS_NUMBERS = [5.1, 3.5, 1.4, 0.2, 6.7, 3, 5, 2, 0, 4.4]
STRINGS = ["a", "é", "", "1.5", "x y"]
BOOLS = [True, False]
ODD = [None, [1, 2], {"k": 1}, float("nan")]

# column name -> the pool most of its values come from, per test model
ECHO_COLUMNS = {"a": NUMBERS, "b": STRINGS, "c": BOOLS}
ECHO_SCHEMA_COLUMNS = {"x": NUMBERS, "y": NUMBERS, "n": [1, 2, -4, 0, 2**53], "s": STRINGS,
                       "flag": BOOLS}


def random_value(rng: random.Random, pool: list):
    """Mostly from the column's pool; sometimes another kind or an odd value."""
    draw = rng.random()
    if draw < 0.93:
        return rng.choice(pool)
    if draw < 0.98:
        return rng.choice(NUMBERS + STRINGS + BOOLS)
    return rng.choice(ODD)


def random_table(rng: random.Random, columns: dict) -> tuple[list, list]:
    """(column names, rows): usually all columns in order, 1-3 rows."""
    names = list(columns)
    if rng.random() < 0.2:
        rng.shuffle(names)
    if rng.random() < 0.05:
        names.pop(rng.randrange(len(names)))
    count = rng.choice([1, 1, 1, 2, 3])
    rows = [[random_value(rng, columns[n]) for n in names] for _ in range(count)]
    return names, rows


def _dumps(obj) -> bytes:
    return json.dumps(obj).encode()


def _records(rng, names, rows, shuffle_keys=False):
    records = []
    for row in rows:
        pairs = list(zip(names, row))
        if shuffle_keys:
            rng.shuffle(pairs)
        records.append(dict(pairs))
    return records


def _csv(names, rows) -> bytes:
    lines = [",".join(names)] + [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


# form -> (weight, builder(rng, names, rows) -> (content_type, body))
FORMS = {
    "split": (50, lambda r, n, rows: (APP, _dumps({"dataframe_split": {"columns": n, "data": rows}}))),
    "records": (15, lambda r, n, rows: (APP, _dumps({"dataframe_records": _records(r, n, rows)}))),
    "records_key_order": (5, lambda r, n, rows: (
        APP, _dumps({"dataframe_records": _records(r, n, rows, shuffle_keys=True)}))),
    "charset": (3, lambda r, n, rows: (
        "application/json; charset=utf-8", _dumps({"dataframe_split": {"columns": n, "data": rows}}))),
    "split_index": (3, lambda r, n, rows: (APP, _dumps(
        {"dataframe_split": {"columns": n, "data": rows, "index": list(range(len(rows)))}}))),
    "params": (3, lambda r, n, rows: (APP, _dumps(
        {"dataframe_split": {"columns": n, "data": rows}, "params": {"scale": 2.0}}))),
    "extra_key": (2, lambda r, n, rows: (APP, _dumps(
        {"dataframe_split": {"columns": n, "data": rows}, "note": "x"}))),
    "ragged": (3, lambda r, n, rows: (APP, _dumps(
        {"dataframe_split": {"columns": n, "data": [rows[0][:-1]] + rows[1:]}}))),
    "missing_key": (2, lambda r, n, rows: (APP, _dumps(
        {"dataframe_records": [dict(list(zip(n, rows[0]))[1:])] + _records(r, n, rows[1:])}))),
    "empty": (2, lambda r, n, rows: (APP, _dumps({"dataframe_split": {"columns": n, "data": []}}))),
    "inputs": (3, lambda r, n, rows: (APP, _dumps(
        {"inputs": {c: [row[i] for row in rows] for i, c in enumerate(n)}}))),
    "csv": (4, lambda r, n, rows: ("text/csv", _csv(n, rows))),
    "bad_json": (2, lambda r, n, rows: (APP, _dumps({"dataframe_split": {"columns": n}})[:-3])),
    "text_plain": (1, lambda r, n, rows: ("text/plain", b"hello")),
}


def random_item(rng: random.Random, columns: dict) -> tuple[str, bytes]:
    """One (content_type, body), most often a plain dataframe_split."""
    names, rows = random_table(rng, columns)
    form = rng.choices(list(FORMS), weights=[w for w, _ in FORMS.values()])[0]
    return FORMS[form][1](rng, names, rows)


def random_batch(seed: int, columns: dict, size: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    return [random_item(rng, columns) for _ in range(size)]
