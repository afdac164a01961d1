"""`keel dag`: the real binary reads the churn example's keel.yaml and refuses broken ones."""

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
KEEL = os.environ.get("KEEL_BIN", str(REPO / ".build" / "debug" / "keel"))


def keel(*args, cwd=None):
    return subprocess.run([KEEL, *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_churn_example_in_run_order_with_params_filled_in():
    result = keel("dag", str(REPO / "examples" / "churn"), "--json")
    assert result.returncode == 0, result.stderr
    stages = json.loads(result.stdout)["stages"]
    assert [s["name"] for s in stages] == ["generate", "validate", "split", "train", "evaluate", "gate", "register", "deploy"]
    by_name = {s["name"]: s for s in stages}
    assert by_name["generate"]["cmd"] == "python generate_data.py --rows 5000 --seed 7 --out data/raw.csv"
    assert by_name["evaluate"]["waits_for"] == ["split", "train"]
    assert by_name["gate"]["deps"] == ["metrics/eval.json", "eval/predictions.csv"]
    assert by_name["register"]["waits_for"] == ["gate", "train"]


def test_table_for_people(tmp_path):
    (tmp_path / "keel.yaml").write_text("stages:\n  a: {cmd: 'echo a > a.txt', outs: [a.txt]}\n  b: {cmd: 'cat a.txt', deps: [a.txt]}\n")
    result = keel("dag", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "STAGE", "KIND", "WAITS", "FOR", "WRITES"]
    assert lines[2].split() == ["1", "a", "cmd", "-", "a.txt"]
    assert lines[3].split() == ["2", "b", "cmd", "a"]


def test_mistakes_exit_non_zero_and_name_the_problem(tmp_path):
    cases = {
        "stages:\n  a: {cmd: 'echo ${nope}'}\n": "${nope}",
        "stages:\n  a: {cmd: x, outs: [../up]}\n": "inside the pipeline's directory",
        "stages:\n  a: {cmd: x, deps: [b.txt], outs: [a.txt]}\n  b: {cmd: y, deps: [a.txt], outs: [b.txt]}\n": "cycle",
    }
    for text, expected in cases.items():
        (tmp_path / "keel.yaml").write_text(text)
        result = keel("dag", str(tmp_path))
        assert result.returncode != 0, text
        assert expected in result.stderr, result.stderr
    missing = keel("dag", str(tmp_path / "absent"))
    assert missing.returncode != 0 and "No readable keel.yaml" in missing.stderr
