"""The Ray executor: command stages submitted to a real Ray head through the Ray Jobs REST API.

Stages on Ray and local stages mix in one pipeline; outputs written by the Ray job are hashed
and cached like any other; logs stream into the stage's log; a failing job fails its stage with
the job's exit code; an interrupted run stops the job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import requests

from conftest import Pipeline, finished, statuses, stage_environment
from support.servers import keel_binary
from support.serving import poll

PIPELINE = """\
executor: ray
ray: {{address: "{address}"}}
stages:
  make:
    cmd: echo "on ray, stage $KEEL_STAGE"; python -c "print(6 * 7)" > answer.txt
    outs: [answer.txt]
  check:
    executor: local
    cmd: test "$(cat answer.txt)" = 42 && echo checked > checked.txt
    deps: [answer.txt]
    outs: [checked.txt]
"""


def ray_jobs(address: str) -> list[dict]:
    return requests.get(f"{address}/api/jobs/", timeout=10).json()


def test_stages_run_as_ray_jobs_and_are_cached(tmp_path, ray_head):
    pipeline = Pipeline(tmp_path / "on-ray")
    pipeline.directory.mkdir()
    pipeline.path("keel.yaml").write_text(PIPELINE.format(address=ray_head))

    result, events = pipeline.run_json("--no-tracking")
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(events) == {"make": "ran", "check": "ran"}
    assert pipeline.path("answer.txt").read_text() == "42\n"
    log = pipeline.path(".keel/logs/make.log").read_text()
    assert "submitted Ray job keel-on-ray-make-" in log and "on ray, stage make" in log
    jobs = [job for job in ray_jobs(ray_head) if job["metadata"].get("keel.pipeline") == "on-ray"]
    assert [(job["metadata"]["keel.stage"], job["status"]) for job in jobs] == [("make", "SUCCEEDED")]

    again, events = pipeline.run_json("--no-tracking")
    assert again.returncode == 0
    assert statuses(events) == {"make": "unchanged", "check": "unchanged"}
    assert len([job for job in ray_jobs(ray_head) if job["metadata"].get("keel.pipeline") == "on-ray"]) == 1, "nothing resubmitted"


def test_a_failing_job_fails_its_stage_with_its_exit_code(tmp_path, ray_head):
    pipeline = Pipeline(tmp_path / "fails")
    pipeline.directory.mkdir()
    pipeline.path("keel.yaml").write_text(
        f'ray: {{address: "{ray_head}"}}\nstages:\n  bad:\n    executor: ray\n    cmd: echo "about to fail"; exit 3\n'
    )
    result, events = pipeline.run_json("--no-tracking")
    assert result.returncode == 1
    (reason,) = finished(events)["bad"]["reasons"]
    assert reason.startswith("the command exited with status 3") and "about to fail" in reason


def test_interrupting_the_run_stops_the_ray_job(tmp_path, ray_head):
    pipeline = Pipeline(tmp_path / "slow")
    pipeline.directory.mkdir()
    pipeline.path("keel.yaml").write_text(f'executor: ray\nray: {{address: "{ray_head}"}}\nstages:\n  slow: {{cmd: "sleep 120"}}\n')
    process = subprocess.Popen(
        [str(keel_binary()), "run", "--no-tracking", "--json", "-C", str(pipeline.directory)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=stage_environment(),
    )

    def slow_job():
        return [job for job in ray_jobs(ray_head) if job["metadata"].get("keel.pipeline") == "slow"]

    poll(slow_job, lambda jobs: jobs and jobs[0]["status"] == "RUNNING", 60, "the Ray job to run", interval=0.5)
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert '"status":"cancelled"' in stdout
    poll(slow_job, lambda jobs: jobs[0]["status"] == "STOPPED", 30, "Ray to stop the job", interval=0.5)


def test_a_ray_stage_without_an_address_is_explained(tmp_path):
    pipeline = Pipeline(tmp_path / "nowhere")
    pipeline.directory.mkdir()
    pipeline.path("keel.yaml").write_text("executor: ray\nstages:\n  a: {cmd: 'true'}\n")
    env = {key: value for key, value in stage_environment().items() if key != "RAY_ADDRESS"}
    result = subprocess.run([str(keel_binary()), "run", "--no-tracking", "-C", str(pipeline.directory)],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 1
    assert "no Ray address is set" in result.stdout
    bad = pipeline.path("keel.yaml")
    bad.write_text("ray: {address: 'ray://127.0.0.1:10001'}\nstages:\n  a: {cmd: 'true', executor: ray}\n")
    refused = pipeline.cli("dag", str(pipeline.directory))
    assert refused.returncode != 0 and "must be the Ray Jobs API's http(s) URL" in refused.stderr
