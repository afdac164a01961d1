"""The whole command against stand-ins for ``keel`` and the Evidently Python, on a pre-made cached workload.

The stand-ins answer instantly with fixed JSON, so these tests check the
orchestration (runs per side, comparison, exit status, JSON output), not any
figure.
"""

import argparse
import json
import stat
import sys

import pytest

from driftbench import cli, workload

COLUMNS = [("age", "num", "wasserstein", 0.01, False), ("income", "num", "wasserstein", 0.5, True),
           ("device", "cat", "jensenshannon", 0.15, True)]


def _keel_answer(columns):
    drifted = sum(detected for *_, detected in columns)
    return {"columns": [{"column": name, "column_type": kind, "stattest": test, "stattest_name": test,
                         "drift_score": score, "threshold": 0.1, "drift_detected": detected}
                        for name, kind, test, score, detected in columns],
            "dataset": {"number_of_columns": len(columns), "number_of_drifted_columns": drifted,
                        "share_of_drifted_columns": drifted / len(columns), "drift_share_threshold": 0.5,
                        "dataset_drift": drifted / len(columns) >= 0.5}}


def _evidently_answer(columns):
    names = {"wasserstein": "Wasserstein distance (normed)", "jensenshannon": "Jensen-Shannon distance"}
    answer = _keel_answer(columns)
    answer["columns"] = [{"column": c["column"], "column_type": c["column_type"],
                          "stattest_name": names[c["stattest"]], "drift_score": c["drift_score"],
                          "threshold": 0.1, "drift_detected": c["drift_detected"]} for c in answer["columns"]]
    answer.update(timings={"import": 1.0, "read": 0.5, "compute": 3.0, "extract": 0.1},
                  memory={"import": {"rss_mb": 1, "hwm_mb": 1}}, versions={"evidently": "0.7.23"}, dtypes={})
    return answer


def _script(path, body):
    path.write_text(f"#!{sys.executable}\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """Fake binaries and a cached 'workload' of two tiny files; returns a function running main()."""
    cache = tmp_path / "cache"
    directory = cache / workload.cache_key(1, 10, 20)
    directory.mkdir(parents=True)
    for name in ("reference.csv", "current.csv"):
        (directory / name).write_text("age\n1\n")
    (directory / "manifest.json").write_text(json.dumps({"workload_version": workload.WORKLOAD_VERSION}))
    keel = _script(tmp_path / "keel", "import os, sys\n"
                   "print('0.0-test') if '--version' in sys.argv else print(open(os.environ['FAKE_KEEL']).read())\n")
    python = _script(tmp_path / "python", "import os, shutil, sys\n"
                     "shutil.copy(os.environ['FAKE_EVIDENTLY'], sys.argv[4])\n")
    answers = {"keel": tmp_path / "keel.json", "evidently": tmp_path / "evidently.json"}
    monkeypatch.setenv("FAKE_KEEL", str(answers["keel"]))
    monkeypatch.setenv("FAKE_EVIDENTLY", str(answers["evidently"]))

    def run(keel_columns=COLUMNS, evidently_columns=COLUMNS, *extra):
        answers["keel"].write_text(json.dumps(_keel_answer(keel_columns)))
        answers["evidently"].write_text(json.dumps(_evidently_answer(evidently_columns)))
        return cli.main(["--keel-bin", keel, "--evidently-python", python, "--cache-dir", str(cache),
                         "--seed", "1", "--reference-rows", "10", "--current-rows", "20", "--repeats", "2", *extra])
    return run


def test_same_answers_exit_0_and_write_json(setup, tmp_path, capsys):
    out = tmp_path / "result.json"
    assert setup(COLUMNS, COLUMNS, "--json", str(out)) == 0
    printed = capsys.readouterr().out
    assert "goals:" in printed and "data set" in printed
    result = json.loads(out.read_text())
    assert len(result["runs"]["keel"]) == 2 and len(result["runs"]["evidently"]) == 2
    assert result["comparison"]["identical_verdicts"] is True and result["problems"] == []
    assert result["summaries"]["evidently"]["end_to_end_s"]["median"] == pytest.approx(3.6)
    verdicts = next(row for row in result["rows"] if row["metric"].startswith("verdicts"))
    assert verdicts["result"] == "PASS"


def test_a_different_verdict_fails_loudly_with_column_tests_and_scores(setup, capsys):
    keel = [COLUMNS[0], COLUMNS[1], ("device", "cat", "jensenshannon", 0.09, False)]
    assert setup(keel, COLUMNS) == 1
    captured = capsys.readouterr()
    assert "VERDICTS DIFFER" in captured.err
    assert "'device': Evidently says DRIFT (jensenshannon 0.15" in captured.err and "Keel says no drift" in captured.err
    assert "<-- DIFFERENT" in captured.out


def test_check_turns_a_missed_goal_into_exit_1(setup):
    # Both stand-ins are small Python processes: the memory ratio is about 1x, a MISS.
    assert setup(COLUMNS, COLUMNS) == 0
    assert setup(COLUMNS, COLUMNS, "--check") == 1


def test_one_side_only_runs_without_ratios(setup, capsys):
    assert setup(COLUMNS, COLUMNS, "--sides", "keel") == 0
    assert "not judged" in capsys.readouterr().out


def test_missing_keel_binary_is_exit_2(tmp_path, capsys):
    assert cli.main(["--keel-bin", str(tmp_path / "none"), "--quick"]) == 2
    assert "keel binary not found" in capsys.readouterr().err


def test_side_list_and_presets():
    assert cli.side_list("evidently,keel") == ["keel", "evidently"]
    with pytest.raises(argparse.ArgumentTypeError):
        cli.side_list("mlflow")
    quick = cli._config(cli.parse_args(["--quick"]))
    assert (quick.reference_rows, quick.current_rows, quick.repeats) == (10_000, 100_000, 1)
    full = cli._config(cli.parse_args(["--repeats", "5"]))
    assert (full.reference_rows, full.current_rows, full.repeats) == (100_000, 1_000_000, 5)
