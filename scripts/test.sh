#!/usr/bin/env bash
# Keel's one test command: everything CI runs, in the order CI runs it.
#
#   1. PostgreSQL   a throwaway cluster (scripts/ci/postgres.sh)
#   2. Chromium     Debian's browser for the web page tests
#      Python venv  the pinned mlflow client, pytest and Playwright (scripts/ci/venv.sh),
#                   and a separate one with Ray for the Ray executor's tests
#   3. swift build  the keel binary and the test bundles, built once
#   4. swift test   unit and store tests, with KEEL_TEST_POSTGRES_URL set
#   5. e2e          the official mlflow client against `keel server`,
#                   once on SQLite and once on PostgreSQL
#   6. worker       the Python model worker for serving, checked against
#                   `mlflow models serve`
#   7. benchmarks   each benchmark harness's own tests (its parsers, reports
#                   and clients; no servers, a few seconds)
#
# Every step runs even when an earlier one fails (unless it cannot: no binary,
# no venv); the summary lists what failed and the exit status is non-zero.
#
# Environment:
#   KEEL_SKIP_SWIFT=1   skip steps 3-4 and test the binary already built
#   KEEL_E2E_ARGS       extra pytest arguments, e.g. "-x -k search"
#   KEEL_BIN            the binary under test (default .build/debug/keel)
#   KEEL_RAY_VENV       the venv with Ray for the Ray executor tests (default .venv-ray)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export MLFLOW_DISABLE_TELEMETRY=true
export KEEL_REQUIRE_POSTGRES=1
export KEEL_BIN="${KEEL_BIN:-$ROOT/.build/debug/keel}"
VENV="${KEEL_VENV:-$ROOT/.venv}"
export KEEL_RAY_VENV="${KEEL_RAY_VENV:-$ROOT/.venv-ray}"

FAILED=()
START=$SECONDS

section() {
    printf '\n\033[1m==== %s ====\033[0m\n' "$*"
}

record() {
    local name="$1" status="$2"
    if [[ "$status" -ne 0 ]]; then
        FAILED+=("$name")
        printf '\033[31m---- %s FAILED (exit %s)\033[0m\n' "$name" "$status"
    else
        printf '\033[32m---- %s ok\033[0m\n' "$name"
    fi
}

finish() {
    section "Summary ($((SECONDS - START)) s)"
    if [[ ${#FAILED[@]} -eq 0 ]]; then
        echo "all steps passed"
        exit 0
    fi
    printf 'failed: %s\n' "${FAILED[@]}"
    exit 1
}

section "PostgreSQL"
if pg_env="$(scripts/ci/postgres.sh)"; then
    eval "$pg_env"
    echo "KEEL_TEST_POSTGRES_URL=$KEEL_TEST_POSTGRES_URL"
    record "postgres" 0
else
    record "postgres" 1
fi

section "Chromium (the web page tests)"
# Debian's browser, driven by Playwright from the venv; Playwright's own browser download
# would need a CDN, so the tests use this one.
if ! command -v chromium >/dev/null && [[ -z "${KEEL_CHROMIUM:-}" && $EUID -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
command -v chromium >/dev/null || [[ -n "${KEEL_CHROMIUM:-}" ]]
record "chromium" $?

section "Python venv"
scripts/ci/venv.sh
record "venv" $?
scripts/ci/venv.sh "$KEEL_RAY_VENV" "$ROOT/Tests/e2e/requirements-ray.txt"
record "ray venv" $?

if [[ "${KEEL_SKIP_SWIFT:-0}" == "1" ]]; then
    section "swift build / swift test skipped (KEEL_SKIP_SWIFT=1)"
else
    section "swift build"
    # compress-nio (gzip OTLP bodies) links the system zlib; Swift's own Linux dependencies
    # include its headers, but a trimmed machine may lack them.
    if [[ ! -f /usr/include/zlib.h && $EUID -eq 0 ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zlib1g-dev
    fi
    # One build for the binary and the test bundles; `swift test` reuses it.
    swift build --build-tests
    build_status=$?
    record "swift build" $build_status

    section "swift test"
    if [[ $build_status -eq 0 ]]; then
        swift test --skip-build
        record "swift test" $?
    else
        echo "skipped: the build failed"
        record "swift test" 1
    fi
fi

run_e2e() {
    local backend="$1"
    section "e2e on $backend ($KEEL_BIN)"
    if [[ ! -x "$KEEL_BIN" ]]; then
        echo "no keel binary at $KEEL_BIN"
        record "e2e $backend" 1
        return
    fi
    if [[ ! -x "$VENV/bin/python" ]]; then
        echo "no Python venv at $VENV"
        record "e2e $backend" 1
        return
    fi
    # shellcheck disable=SC2086 # KEEL_E2E_ARGS is a list of words on purpose
    KEEL_E2E_TARGET=keel "$VENV/bin/python" -m pytest Tests/e2e -p no:cacheprovider \
        --backend "$backend" ${KEEL_E2E_ARGS:-}
    record "e2e $backend" $?
}

run_worker_tests() {
    section "model worker (python/keel_worker against mlflow models serve)"
    if [[ ! -x "$VENV/bin/python" ]]; then
        echo "no Python venv at $VENV"
        record "worker" 1
        return
    fi
    "$VENV/bin/python" -m pytest Tests/worker -p no:cacheprovider -q
    record "worker" $?
}

run_benchmark_tests() {
    section "benchmark harnesses (Benchmarks/*/tests)"
    if [[ ! -x "$VENV/bin/python" ]]; then
        echo "no Python venv at $VENV"
        record "benchmarks" 1
        return
    fi
    local status=0 tests python
    python="$(cd "$VENV" && pwd)/bin/python"
    # One pytest per harness, from its own folder: each imports its package by a short name.
    for tests in Benchmarks/*/tests; do
        (cd "$(dirname "$tests")" && "$python" -m pytest tests -p no:cacheprovider -q) || status=1
    done
    record "benchmarks" $status
}

run_e2e sqlite
run_e2e postgres
run_worker_tests
run_benchmark_tests

finish
