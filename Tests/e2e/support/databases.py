"""Throwaway PostgreSQL databases, one per test server.

Why: a fresh database per server keeps runs of the suite independent (no
leftovers from an earlier run can satisfy or break a search), and dropping it
afterwards keeps the shared CI cluster small. KEEL_TEST_POSTGRES_URL points at
a maintenance database of a role allowed to create databases
(scripts/ci/postgres.sh makes one).
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg2


def admin_url() -> str | None:
    return os.environ.get("KEEL_TEST_POSTGRES_URL") or None


def postgres_required() -> bool:
    return os.environ.get("KEEL_REQUIRE_POSTGRES") == "1"


def _connect(url: str):
    conn = psycopg2.connect(url.replace("postgres://", "postgresql://", 1))
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    return conn


def create_database(prefix: str = "keel_e2e") -> str:
    """Create an empty database and return its URL (same credentials as the admin URL)."""
    url = admin_url()
    assert url, "KEEL_TEST_POSTGRES_URL is not set"
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = _connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def drop_database(url: str) -> None:
    """Drop a database made by create_database, even if a killed server left sessions."""
    name = urlsplit(url).path.lstrip("/")
    conn = _connect(admin_url())
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()
