"""The web pages under `keel server --auth`: a sign-in form instead of a password dialog, a
session cookie that works on the pages only, lists that show only what the user may read,
and signing out that ends the session on the server too."""

from __future__ import annotations

import requests
from mlflow import MlflowClient

ADMIN = ("admin", "admin password for the page tests")
ALICE = ("alice", "alice's long password")


def start(server_factory, backend):
    spec = server_factory.spec(backend)
    spec.env["KEEL_ADMIN_PASSWORD"] = ADMIN[1]
    spec.args.extend(["--auth", "--default-permission", "NO_PERMISSIONS"])
    server = server_factory.start(spec)
    created = requests.post(f"{server.url}/api/2.0/keel/users", auth=ADMIN, timeout=30,
                            json={"username": ALICE[0], "password": ALICE[1]})
    assert created.status_code == 200, created.text
    return server


def sign_in(tab, user, password):
    tab.page.fill("#username", user)
    tab.page.fill("#password", password)
    tab.page.click("button:text('Sign in')")


def test_pages_need_a_sign_in_and_show_only_what_the_user_may_read(server_factory, backend, new_tab, monkeypatch):
    server = start(server_factory, backend)
    for name in ("MLFLOW_TRACKING_TOKEN",):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN[0])
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN[1])
    admin = MlflowClient(server.url)
    shared = admin.create_experiment("shared with alice")
    secret = admin.create_experiment("admin only")
    secret_run = admin.create_run(secret).info.run_id
    admin.create_registered_model("admins-model")
    granted = requests.post(f"{server.url}/api/3.0/mlflow/users/permissions/grant", auth=ADMIN, timeout=30, json={
        "username": ALICE[0], "resource_type": "experiment", "resource_id": shared, "permission": "READ"})
    assert granted.status_code == 200, granted.text

    tab = new_tab(server.url)
    # Not signed in: every page leads to the form, and back to the page afterwards.
    tab.open(f"/ui/experiments/{shared}")
    assert "/ui/login?next=" in tab.page.url
    assert tab.page.locator("h1").inner_text() == "Sign in to Keel"
    tab.shot("login")
    sign_in(tab, ALICE[0], "wrong password")
    assert "not right" in tab.page.locator("[role=alert]").inner_text()
    sign_in(tab, *ALICE)
    assert tab.page.url.endswith(f"/ui/experiments/{shared}")
    assert "Signed in as alice" in tab.page.locator("header").inner_text()

    # Lists hide what alice may not read; pages about it are refused.
    tab.open("/ui/experiments")
    names = tab.page.locator("tbody td:first-child a").all_inner_texts()
    assert names == ["shared with alice"]
    tab.open("/ui/models")
    assert tab.page.locator("tbody tr").count() == 0
    assert tab.page.locator("nav a:text('Audit log')").count() == 0, "the audit log is for admins"
    tab.open("/ui/audit", expect_status=403)
    tab.open(f"/ui/experiments/{secret}", expect_status=403)
    tab.open(f"/ui/runs/{secret_run}", expect_status=403)
    tab.open("/ui/models/admins-model", expect_status=403)
    assert tab.page.locator("h1").inner_text() == "You may not see this"

    # The cookie is for the pages only: the API does not take it.
    cookie = next(c for c in tab.page.context.cookies() if c["name"] == "keel_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    api = requests.get(f"{server.url}/api/2.0/mlflow/experiments/get", params={"experiment_id": shared},
                       cookies={"keel_session": cookie["value"]}, timeout=30)
    assert api.status_code == 401

    # Signing out ends the session on the server, not just in this browser.
    tab.open("/ui/experiments")
    tab.page.click("button:text('Sign out')")
    assert "/ui/login" in tab.page.url
    replayed = requests.get(f"{server.url}/ui/experiments", cookies={"keel_session": cookie["value"]},
                            allow_redirects=False, timeout=30)
    assert replayed.status_code == 303 and replayed.headers["Location"].startswith("/ui/login")

    # The admin sees everything.
    sign_in(tab, *ADMIN)
    tab.open("/ui/experiments")
    names = set(tab.page.locator("tbody td:first-child a").all_inner_texts())
    assert {"shared with alice", "admin only"} <= names
    tab.open("/ui/models")
    assert "admins-model" in tab.page.locator("tbody").inner_text()

    # The admin reads the audit log: alice's refused page views are not API changes, but the
    # grant is there, and the hash chain checks out.
    tab.page.click("nav a:text('Audit log')")
    entries = tab.page.locator("tbody").inner_text()
    assert "permissions" in entries and "admin" in entries
    tab.page.click("a:text('Verify the hash chain')")
    assert "check out" in tab.page.locator("[role=status]").inner_text()
    tab.shot("audit")


def test_sign_in_never_redirects_off_the_site(server_factory, backend, new_tab):
    server = start(server_factory, backend)
    tab = new_tab(server.url)
    tab.open("/ui/login?next=https://evil.example/")
    sign_in(tab, *ALICE)
    assert tab.page.url == f"{server.url}/ui/experiments"


def test_without_auth_there_is_no_sign_in(tab):
    tab.open("/ui/login")
    assert tab.page.url.endswith("/ui/experiments")
    assert tab.page.locator("button:text('Sign out')").count() == 0
