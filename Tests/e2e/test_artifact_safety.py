"""Hostile artifact paths: nothing outside the artifact root is read or written.

Paths are sent byte for byte (support.rest.send_verbatim): requests would
resolve `..` itself and hide the attack from the server. Keel must refuse each
with 400 INVALID_PARAMETER_VALUE; where the reference server does something
else the case is keel_only.
"""

import uuid
from pathlib import Path

import pytest

from support.rest import ARTIFACTS, assert_ok, send_verbatim

UP = 4  # from <exp>/<run>/artifacts/ up to the server's data dir (the artifact root's parent)

TRAVERSALS = [
    pytest.param("../" * UP + "{name}", id="dotdot"),
    pytest.param("%2e%2e/" * UP + "{name}", id="encoded-dots"),
    pytest.param("%2E%2E%2F" * UP + "{name}", id="encoded-dots-and-slashes"),
    pytest.param("%252e%252e/" * UP + "{name}", id="double-encoded"),
    pytest.param("..\\" * UP + "{name}", id="backslash", marks=pytest.mark.keel_only),
    pytest.param("..%5c" * UP + "{name}", id="encoded-backslash", marks=pytest.mark.keel_only),
    pytest.param("x.txt#/" + "../" * UP + "{name}", id="fragment"),
    pytest.param("x%23/" + "../" * UP + "{name}", id="encoded-fragment"),
    pytest.param("{name}%00.txt", id="nul", marks=pytest.mark.keel_only),
]


@pytest.fixture
def target_run(api, server):
    """A run with one artifact, plus a secret file just outside the artifact root."""
    experiment_id = api.create_experiment("safety")
    run = api.create_run(experiment_id)
    prefix = run["info"]["artifact_uri"].removeprefix("mlflow-artifacts:/").lstrip("/")
    assert_ok(api.raw("PUT", f"{ARTIFACTS}/{prefix}/x.txt", data=b"inside"))
    secret = server.spec.data_dir / f"secret-{uuid.uuid4().hex}.txt"
    secret.write_text("TOP-SECRET")
    yield prefix, secret
    secret.unlink(missing_ok=True)


def _assert_refused(resp, what):
    body = resp.json() or {}
    assert resp.status == 400 and body.get("error_code") == "INVALID_PARAMETER_VALUE", (
        f"{what} -> {resp.status} {resp.body[:300]!r}; expected 400 INVALID_PARAMETER_VALUE")
    assert b"TOP-SECRET" not in resp.body, f"{what} leaked the file outside the artifact root"


def _written_outside(server, name: str) -> list[Path]:
    base = server.spec.data_dir.parent
    root = server.artifact_root.resolve()
    return [p for p in base.rglob(f"*{name}*") if root not in p.resolve().parents]


@pytest.mark.parametrize("template", TRAVERSALS)
def test_traversal_read_is_refused(server, target_run, template):
    prefix, secret = target_run
    path = f"{ARTIFACTS}/{prefix}/" + template.format(name=secret.name)
    _assert_refused(send_verbatim(server.url, "GET", path), f"GET {path}")


@pytest.mark.parametrize("template", TRAVERSALS)
def test_traversal_write_is_refused(server, target_run, template):
    prefix, _ = target_run
    name = f"pwn-{uuid.uuid4().hex}"
    path = f"{ARTIFACTS}/{prefix}/" + template.format(name=name)
    resp = send_verbatim(server.url, "PUT", path, body=b"PWNED")
    assert not _written_outside(server, name), f"PUT {path} wrote outside the artifact root"
    _assert_refused(resp, f"PUT {path}")


@pytest.mark.parametrize("template", TRAVERSALS)
def test_traversal_delete_is_refused(server, target_run, template):
    prefix, secret = target_run
    path = f"{ARTIFACTS}/{prefix}/" + template.format(name=secret.name)
    resp = send_verbatim(server.url, "DELETE", path)
    assert secret.exists(), f"DELETE {path} removed a file outside the artifact root"
    _assert_refused(resp, f"DELETE {path}")


@pytest.mark.parametrize("query", [
    "../../..", "%2e%2e/%2e%2e", "{prefix}/../../../..", "/etc", "%2Fetc",
])
def test_traversal_listing_is_refused(server, target_run, query):
    prefix, _ = target_run
    path = f"{ARTIFACTS}?path=" + query.format(prefix=prefix)
    _assert_refused(send_verbatim(server.url, "GET", path), f"GET {path}")


@pytest.mark.parametrize("absolute", ["/{secret}", "%2F{secret}"], ids=["slash", "encoded-slash"])
def test_absolute_paths_are_refused(server, target_run, absolute):
    _, secret = target_run
    path = f"{ARTIFACTS}/" + absolute.format(secret=str(secret).lstrip("/"))
    _assert_refused(send_verbatim(server.url, "GET", path), f"GET {path}")
    name = f"pwn-{uuid.uuid4().hex}"
    path = f"{ARTIFACTS}/" + absolute.format(secret=str(secret.with_name(name)).lstrip("/"))
    resp = send_verbatim(server.url, "PUT", path, body=b"PWNED")
    assert not _written_outside(server, name), f"PUT {path} wrote outside the artifact root"
    _assert_refused(resp, f"PUT {path}")


@pytest.mark.keel_only
def test_symlink_inside_root_pointing_outside_is_refused(server, target_run):
    """A link planted on disk must not become a door out of the artifact root."""
    prefix, secret = target_run
    [run_dir] = [p.parent for p in server.artifact_root.rglob("x.txt") if p.read_bytes() == b"inside"
                 and p.parent.as_posix().endswith(prefix)] or [None]
    assert run_dir is not None, (
        f"expected the run's artifacts under <artifact root>/{prefix} ({server.artifact_root})")
    outside = secret.parent / f"outside-{uuid.uuid4().hex}"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP-SECRET")
    (run_dir / "escape").symlink_to(outside, target_is_directory=True)
    (run_dir / "link.txt").symlink_to(outside / "secret.txt")

    for path in (f"{prefix}/escape/secret.txt", f"{prefix}/link.txt"):
        _assert_refused(send_verbatim(server.url, "GET", f"{ARTIFACTS}/{path}"), f"GET {path} (symlink)")
    _assert_refused(send_verbatim(server.url, "GET", f"{ARTIFACTS}?path={prefix}/escape"),
                    f"list {prefix}/escape (symlink)")
    resp = send_verbatim(server.url, "PUT", f"{ARTIFACTS}/{prefix}/escape/new.txt", body=b"PWNED")
    assert not (outside / "new.txt").exists(), "PUT through a symlink wrote outside the artifact root"
    _assert_refused(resp, "PUT through a symlink")
    resp = send_verbatim(server.url, "DELETE", f"{ARTIFACTS}/{prefix}/escape/secret.txt")
    assert (outside / "secret.txt").exists(), "DELETE through a symlink removed a file outside the root"
    _assert_refused(resp, "DELETE through a symlink")
