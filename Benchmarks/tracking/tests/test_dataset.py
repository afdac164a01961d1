"""The corpus must be identical across processes, or 'same hits' means nothing."""

import subprocess
import sys
from pathlib import Path

from keelbench import dataset


def test_runs_are_deterministic_across_processes():
    here = Path(__file__).resolve().parents[1]
    code = "from keelbench import dataset; print(dataset.make_run('corpus', 7, 3))"
    other = subprocess.run([sys.executable, "-c", code], cwd=here, capture_output=True, text=True, check=True)
    assert other.stdout.strip() == str(dataset.make_run("corpus", 7, 3))


def test_expected_hits_apply_filter_and_order():
    specs = [dataset.make_run("t", i, 2) for i in range(300)]
    hits = dataset.expected_hits(specs)
    by_name = {s.name: s for s in specs}
    assert 0 < len(hits) <= dataset.SEARCH_MAX_RESULTS
    assert all(by_name[h].latest("m0") > 0.5 and by_name[h].params["p3"] == "v1" for h in hits)
    m1 = [by_name[h].latest("m1") for h in hits]
    assert m1 == sorted(m1, reverse=True)


def test_log_batch_stays_within_reference_limits():
    payload = dataset.log_batch_payload("r", dataset.make_run("t", 0, 50))
    assert len(payload["metrics"]) == 100 and len(payload["params"]) == 20 and len(payload["tags"]) == 5
    assert len(payload["metrics"]) + len(payload["params"]) + len(payload["tags"]) <= 1000
