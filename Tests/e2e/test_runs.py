"""Run lifecycle and run-level writes, errors checked on the wire."""

from support.rest import assert_error, assert_ok, now_ms

UNKNOWN_RUN = "0123456789abcdef0123456789abcdef"


def test_run_wire_shape(api):
    experiment_id = api.create_experiment("shape")
    run = api.create_run(experiment_id, run_name="wire")
    info = run["info"]
    assert info["run_id"] == info["run_uuid"]
    assert info["experiment_id"] == experiment_id
    assert info["status"] == "RUNNING"
    assert info["lifecycle_stage"] == "active"
    assert info["run_name"] == "wire"
    assert info["artifact_uri"] == f"mlflow-artifacts:/{experiment_id}/{info['run_id']}/artifacts"
    fetched = assert_ok(api.get("runs/get", {"run_id": info["run_id"], "run_uuid": info["run_id"]}))["run"]
    assert fetched["info"]["run_id"] == info["run_id"]


def test_update_run_status_name_and_end_time(client, api):
    run_id = api.create_run(api.create_experiment("update"))["info"]["run_id"]
    end = now_ms()
    body = assert_ok(api.post("runs/update", {"run_id": run_id, "run_uuid": run_id, "status": "KILLED",
                                              "end_time": end, "run_name": "renamed"}))
    assert body["run_info"]["status"] == "KILLED"
    fetched = client.get_run(run_id)
    assert fetched.info.status == "KILLED"
    assert fetched.info.end_time == end
    assert fetched.info.run_name == "renamed"
    assert fetched.data.tags["mlflow.runName"] == "renamed"


def test_delete_and_restore_run(client, api):
    run_id = api.create_run(api.create_experiment("delrun"))["info"]["run_id"]
    client.delete_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"
    client.restore_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "active"


def test_set_and_delete_tag(client, api):
    run_id = api.create_run(api.create_experiment("tags"))["info"]["run_id"]
    client.set_tag(run_id, "k", "v1")
    client.set_tag(run_id, "k", "v2")
    assert client.get_run(run_id).data.tags["k"] == "v2"
    client.delete_tag(run_id, "k")
    assert "k" not in client.get_run(run_id).data.tags
    assert_error(api.post("runs/delete-tag", {"run_id": run_id, "key": "never-set"}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_log_param_same_value_ok_different_value_rejected(client, api):
    run_id = api.create_run(api.create_experiment("params"))["info"]["run_id"]
    body = {"run_id": run_id, "run_uuid": run_id, "key": "alpha", "value": "1"}
    assert_ok(api.post("runs/log-parameter", body))
    assert_ok(api.post("runs/log-parameter", body))
    assert_error(api.post("runs/log-parameter", {**body, "value": "2"}), 400, "INVALID_PARAMETER_VALUE")
    assert client.get_run(run_id).data.params == {"alpha": "1"}


def test_unknown_run_is_404_everywhere(api):
    assert_error(api.get("runs/get", {"run_id": UNKNOWN_RUN}), 404, "RESOURCE_DOES_NOT_EXIST")
    writes = [
        ("runs/log-metric", {"key": "m", "value": 1.0, "timestamp": now_ms()}),
        ("runs/log-parameter", {"key": "p", "value": "1"}),
        ("runs/set-tag", {"key": "t", "value": "1"}),
        ("runs/update", {"status": "FINISHED"}),
        ("runs/delete", {}),
        ("runs/log-batch", {"params": [{"key": "p", "value": "1"}]}),
    ]
    for path, fields in writes:
        assert_error(api.post(path, {"run_id": UNKNOWN_RUN, **fields}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_metric_history_of_unknown_run_is_empty(api):
    body = assert_ok(api.get("metrics/get-history", {"run_id": UNKNOWN_RUN, "metric_key": "m"}))
    assert not body.get("metrics")


def test_writes_to_deleted_run_are_rejected(api):
    run_id = api.create_run(api.create_experiment("deleted-run"))["info"]["run_id"]
    assert_ok(api.post("runs/delete", {"run_id": run_id}))
    for path, fields in [
        ("runs/log-metric", {"key": "m", "value": 1.0, "timestamp": now_ms()}),
        ("runs/log-parameter", {"key": "p", "value": "1"}),
        ("runs/set-tag", {"key": "t", "value": "1"}),
    ]:
        assert_error(api.post(path, {"run_id": run_id, **fields}), 400, "INVALID_PARAMETER_VALUE")


def test_writes_to_finished_run_are_accepted(api):
    # Autologging logs evaluation inputs after the run ended.
    run_id = api.create_run(api.create_experiment("finished"))["info"]["run_id"]
    assert_ok(api.post("runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": now_ms()}))
    assert_ok(api.post("runs/log-metric", {"run_id": run_id, "key": "late", "value": 1.0, "timestamp": now_ms()}))


def test_create_run_in_deleted_experiment_is_rejected(api):
    experiment_id = api.create_experiment("deleted-exp")
    assert_ok(api.post("experiments/delete", {"experiment_id": experiment_id}))
    assert_error(api.post("runs/create", {"experiment_id": experiment_id, "start_time": now_ms()}),
                 400, "INVALID_PARAMETER_VALUE")


def test_create_run_in_unknown_experiment_is_404(api):
    assert_error(api.post("runs/create", {"experiment_id": "987654321", "start_time": now_ms()}),
                 404, "RESOURCE_DOES_NOT_EXIST")


def test_log_metric_validation(api):
    run_id = api.create_run(api.create_experiment("metric-validation"))["info"]["run_id"]
    for bad in [
        {"key": "m", "value": "abc", "timestamp": now_ms()},  # non-numeric value
        {"key": "m", "value": 1.0},                          # missing timestamp
        {"value": 1.0, "timestamp": now_ms()},               # missing key
        {"key": "m", "value": 1.0, "timestamp": "x"},        # non-numeric timestamp
    ]:
        assert_error(api.post("runs/log-metric", {"run_id": run_id, **bad}), 400, "INVALID_PARAMETER_VALUE")


def test_deleting_experiment_deletes_its_runs_and_restore_brings_them_back(api):
    experiment_id = api.create_experiment("cascade")
    run_id = api.create_run(experiment_id)["info"]["run_id"]
    assert_ok(api.post("experiments/delete", {"experiment_id": experiment_id}))
    assert api.get_run(run_id)["info"]["lifecycle_stage"] == "deleted"
    assert_ok(api.post("experiments/restore", {"experiment_id": experiment_id}))
    assert api.get_run(run_id)["info"]["lifecycle_stage"] == "active"


def test_summary_metric_is_latest_step_then_timestamp(client, api):
    run_id = api.create_run(api.create_experiment("latest"))["info"]["run_id"]
    assert_ok(api.post("runs/log-batch", {"run_id": run_id, "metrics": [
        {"key": "m", "value": 1.0, "timestamp": 100, "step": 5},
        {"key": "m", "value": 9.0, "timestamp": 200, "step": 2},
        {"key": "t", "value": 1.0, "timestamp": 100, "step": 0},
        {"key": "t", "value": 2.0, "timestamp": 300, "step": 0},
        {"key": "t", "value": 3.0, "timestamp": 200, "step": 0},
    ]}))
    metrics = client.get_run(run_id).data.metrics
    assert metrics == {"m": 1.0, "t": 2.0}


def test_metric_without_step_defaults_to_zero(client, api):
    run_id = api.create_run(api.create_experiment("nostep"))["info"]["run_id"]
    assert_ok(api.post("runs/log-metric", {"run_id": run_id, "key": "m", "value": 4.0, "timestamp": now_ms()}))
    [point] = client.get_metric_history(run_id, "m")
    assert point.step == 0 and point.value == 4.0


def test_metric_history_pages(api):
    run_id = api.create_run(api.create_experiment("histpages"))["info"]["run_id"]
    assert_ok(api.post("runs/log-batch", {"run_id": run_id, "metrics": [
        {"key": "m", "value": float(i), "timestamp": 1, "step": i} for i in range(30)]}))
    steps, token = [], None
    for _ in range(10):
        params = {"run_id": run_id, "metric_key": "m", "max_results": 10}
        if token:
            params["page_token"] = token
        body = assert_ok(api.get("metrics/get-history", params))
        assert len(body.get("metrics", [])) <= 10
        steps += [m["step"] for m in body.get("metrics", [])]
        token = body.get("next_page_token")
        if not token:
            break
    assert sorted(steps) == list(range(30)), "pages must cover every point exactly once"
