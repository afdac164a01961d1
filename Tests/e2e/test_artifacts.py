"""Artifacts through the proxy (`/api/2.0/mlflow-artifacts`), as the client uses it."""

import hashlib
import os
import time
from pathlib import Path

import mlflow
import pytest

from support.rest import ARTIFACTS, assert_error, assert_ok, unique_name


@pytest.fixture
def run(client):
    mlflow.set_experiment(unique_name("artifacts"))
    with mlflow.start_run() as active:
        yield active


def _prefix(run) -> str:
    """The proxy path of the run's artifact root (from mlflow-artifacts:/<exp>/<run>/artifacts)."""
    return run.info.artifact_uri.removeprefix("mlflow-artifacts:/").lstrip("/")


def test_log_and_list_artifacts(client, run, tmp_path):
    hello = tmp_path / "hello.txt"
    hello.write_text("hello keel")
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "top.txt").write_text("top")
    (tree / "a" / "mid.txt").write_text("mid")
    (tree / "a" / "b" / "deep.bin").write_bytes(b"\x00\x01\x02")
    mlflow.log_artifact(str(hello))
    mlflow.log_artifact(str(hello), artifact_path="sub")
    mlflow.log_artifacts(str(tree), artifact_path="tree")
    mlflow.log_dict({"lr": 0.1, "layers": [1, 2]}, "conf/d.json")
    mlflow.log_text("some text", "notes/readme.md")

    run_id = run.info.run_id
    root = {(f.path, f.is_dir) for f in client.list_artifacts(run_id)}
    assert root == {("hello.txt", False), ("sub", True), ("tree", True), ("conf", True), ("notes", True)}
    assert {(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id, "tree/a")} == {
        ("tree/a/mid.txt", False, 3), ("tree/a/b", True, None)}
    assert [f.path for f in client.list_artifacts(run_id, "tree/a/b")] == ["tree/a/b/deep.bin"]
    assert client.list_artifacts(run_id, "no-such-dir") == []


def test_download_round_trip(client, run, tmp_path):
    src = tmp_path / "src"
    (src / "nested" / "deeper").mkdir(parents=True)
    (src / "one.txt").write_text("1")
    (src / "nested" / "two.txt").write_text("2")
    (src / "nested" / "deeper" / "three.txt").write_text("3")
    mlflow.log_artifacts(str(src), artifact_path="data")
    mlflow.log_dict({"k": "v"}, "d.json")

    out = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="data",
                                                   dst_path=str(tmp_path / "out")))
    assert (out / "one.txt").read_text() == "1"
    assert (out / "nested" / "two.txt").read_text() == "2"
    assert (out / "nested" / "deeper" / "three.txt").read_text() == "3"
    assert mlflow.artifacts.load_dict(f"{run.info.artifact_uri}/d.json") == {"k": "v"}
    assert mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/data/one.txt") == "1"


@pytest.mark.slow
def test_large_binary_round_trip_is_byte_identical(client, run, tmp_path):
    payload = os.urandom(8 * 1024 * 1024 + 7)
    big = tmp_path / "big.bin"
    big.write_bytes(payload)
    started = time.monotonic()
    mlflow.log_artifact(str(big), artifact_path="blobs")
    out = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="blobs/big.bin",
                                              dst_path=str(tmp_path / "out"))
    got = Path(out).read_bytes()
    assert len(got) == len(payload)
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(payload).hexdigest()
    assert time.monotonic() - started < 60
    [info] = client.list_artifacts(run.info.run_id, "blobs")
    assert info.file_size == len(payload)


def test_proxy_wire_behaviour(api, run):
    prefix = _prefix(run)
    assert_ok(api.raw("PUT", f"{ARTIFACTS}/{prefix}/d/x.txt", data=b"x"))
    resp = api.raw("GET", f"{ARTIFACTS}/{prefix}/d/x.txt")
    assert resp.status_code == 200 and resp.content == b"x"
    listing = assert_ok(api.raw("GET", ARTIFACTS, params={"path": prefix}))
    assert listing["files"] == [{"path": "d", "is_dir": True}]
    listing = assert_ok(api.raw("GET", ARTIFACTS, params={"path": f"{prefix}/d"}))
    assert listing["files"] == [{"path": "x.txt", "is_dir": False, "file_size": 1}]
    # A file path or a missing directory lists as nothing: that is how the client tells files apart.
    assert not assert_ok(api.raw("GET", ARTIFACTS, params={"path": f"{prefix}/d/x.txt"})).get("files")
    assert not assert_ok(api.raw("GET", ARTIFACTS, params={"path": f"{prefix}/nope"})).get("files")
    assert_error(api.raw("GET", f"{ARTIFACTS}/{prefix}/nope.txt"), 404, "RESOURCE_DOES_NOT_EXIST")


def test_overwrite_replaces_content(api, run):
    prefix = _prefix(run)
    assert_ok(api.raw("PUT", f"{ARTIFACTS}/{prefix}/f.txt", data=b"first version, longer"))
    assert_ok(api.raw("PUT", f"{ARTIFACTS}/{prefix}/f.txt", data=b"second"))
    assert api.raw("GET", f"{ARTIFACTS}/{prefix}/f.txt").content == b"second"


def test_delete_via_rest(client, api, run):
    prefix = _prefix(run)
    mlflow.log_text("bye", "gone/file.txt")
    mlflow.log_text("stay", "kept.txt")
    assert_ok(api.raw("DELETE", f"{ARTIFACTS}/{prefix}/gone/file.txt"))
    assert_error(api.raw("GET", f"{ARTIFACTS}/{prefix}/gone/file.txt"), 404, "RESOURCE_DOES_NOT_EXIST")
    assert "gone/file.txt" not in {f.path for f in client.list_artifacts(run.info.run_id, "gone")}
    assert api.raw("GET", f"{ARTIFACTS}/{prefix}/kept.txt").content == b"stay"
    # Deleting a directory removes what is below it.
    mlflow.log_text("a", "dir/a.txt")
    mlflow.log_text("b", "dir/sub/b.txt")
    assert_ok(api.raw("DELETE", f"{ARTIFACTS}/{prefix}/dir"))
    assert client.list_artifacts(run.info.run_id, "dir") == []
    assert_error(api.raw("GET", f"{ARTIFACTS}/{prefix}/dir/sub/b.txt"), 404, "RESOURCE_DOES_NOT_EXIST")


def test_empty_file_round_trip(api, run):
    prefix = _prefix(run)
    assert_ok(api.raw("PUT", f"{ARTIFACTS}/{prefix}/empty.txt", data=b""))
    resp = api.raw("GET", f"{ARTIFACTS}/{prefix}/empty.txt")
    assert resp.status_code == 200 and resp.content == b""


def test_names_needing_percent_encoding(client, run, tmp_path):
    odd = tmp_path / "with space & plus+.txt"
    odd.write_text("odd")
    mlflow.log_artifact(str(odd), artifact_path="odd dir")
    assert [f.path for f in client.list_artifacts(run.info.run_id, "odd dir")] == ["odd dir/with space & plus+.txt"]
    out = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="odd dir/with space & plus+.txt",
                                              dst_path=str(tmp_path / "out"))
    assert Path(out).read_text() == "odd"


def test_many_files_uploaded_in_parallel(client, run, tmp_path):
    # log_artifacts uploads files from a thread pool: the server sees concurrent PUTs.
    src = tmp_path / "many"
    for i in range(60):
        (src / f"d{i % 6}").mkdir(parents=True, exist_ok=True)
        (src / f"d{i % 6}" / f"f{i}.txt").write_text(str(i) * (i + 1))
    mlflow.log_artifacts(str(src), artifact_path="many")
    out = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="many",
                                                   dst_path=str(tmp_path / "out")))
    for i in range(60):
        assert (out / f"d{i % 6}" / f"f{i}.txt").read_text() == str(i) * (i + 1)
