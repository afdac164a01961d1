#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster for Keel's tests.
#
# Why: the Swift store tests and the end-to-end suite run every query on
# PostgreSQL as well as SQLite, so CI needs a real server. This script makes one
# from Debian's packages, bound to 127.0.0.1 only, with a superuser role
# `keel`/`keel` the tests use to create and drop their own databases.
#
# Usage:
#   eval "$(scripts/ci/postgres.sh [DATA_DIR])"   # exports KEEL_TEST_POSTGRES_URL
#   scripts/ci/postgres.sh stop [DATA_DIR]        # stops the cluster
#
# Environment:
#   KEEL_PG_PORT  port to listen on (default 5432)
#   KEEL_PG_DIR   cluster directory (default ${TMPDIR:-/tmp}/keel-pg-$KEEL_PG_PORT)
#
# Stdout carries only the `export KEEL_TEST_POSTGRES_URL=...` line; progress
# goes to stderr. A second run finds the running cluster and only re-prints.
set -euo pipefail

PORT="${KEEL_PG_PORT:-5432}"
ACTION="start"
if [[ "${1:-}" == "stop" || "${1:-}" == "start" ]]; then
    ACTION="$1"
    shift
fi
PGDIR="${1:-${KEEL_PG_DIR:-${TMPDIR:-/tmp}/keel-pg-$PORT}}"
ROLE="keel"
PASSWORD="keel"

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Debian keeps the server binaries out of PATH, under one directory per major version.
find_pg_bin() {
    local candidate
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$candidate/pg_ctl" && -x "$candidate/initdb" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# Install the server without letting Debian create and start its own `main`
# cluster, which would take port 5432 away from ours.
install_postgres() {
    [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed and we are not root; run: apt-get install -y postgresql"
    log "installing PostgreSQL from Debian packages"
    mkdir -p /etc/postgresql-common
    if [[ ! -f /etc/postgresql-common/createcluster.conf ]]; then
        echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
}

# PostgreSQL refuses to run as root, so root hands the work to the `postgres` user.
as_pg_user() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

psql_admin() {
    as_pg_user "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PORT" -U postgres -d postgres "$@"
}

is_running() {
    [[ -f "$PGDIR/PG_VERSION" ]] && as_pg_user "$PG_BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1
}

init_cluster() {
    log "creating cluster in $PGDIR"
    mkdir -p "$PGDIR"
    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$PGDIR"
        chmod 700 "$PGDIR"
        runuser -u postgres -- test -x "$PGDIR" \
            || die "user postgres cannot reach $PGDIR (a parent directory is not traversable); pick another KEEL_PG_DIR"
    fi
    as_pg_user "$PG_BIN/initdb" -D "$PGDIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C >/dev/null
    # A throwaway cluster: no fsync (the data only has to survive Keel crashing,
    # not the machine), sockets inside the cluster dir, TCP on loopback only.
    cat >> "$PGDIR/postgresql.conf" <<EOF

# --- keel test cluster (scripts/ci/postgres.sh) ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGDIR'
fsync = off
full_page_writes = off
max_connections = 200
EOF
}

start_cluster() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        die "port $PORT is already taken by another process; set KEEL_PG_PORT to a free port"
    fi
    log "starting PostgreSQL on 127.0.0.1:$PORT"
    as_pg_user "$PG_BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 60 start >/dev/null \
        || { tail -n 20 "$PGDIR/server.log" >&2 || true; die "PostgreSQL did not start"; }
}

ensure_role() {
    psql_admin <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SQL
}

PG_BIN="$(find_pg_bin || true)"

if [[ "$ACTION" == "stop" ]]; then
    [[ -n "$PG_BIN" ]] || die "PostgreSQL is not installed"
    if is_running; then
        as_pg_user "$PG_BIN/pg_ctl" -D "$PGDIR" -m fast -w stop >/dev/null
        log "stopped cluster in $PGDIR"
    else
        log "no cluster running in $PGDIR"
    fi
    exit 0
fi

if [[ -z "$PG_BIN" ]]; then
    install_postgres
    PG_BIN="$(find_pg_bin)" || die "PostgreSQL binaries not found after installation"
fi

if is_running; then
    log "reusing running cluster in $PGDIR"
else
    [[ -f "$PGDIR/PG_VERSION" ]] || init_cluster
    start_cluster
fi
ensure_role

echo "export KEEL_TEST_POSTGRES_URL=postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/postgres"
