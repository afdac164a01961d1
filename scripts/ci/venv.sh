#!/usr/bin/env bash
# Create (or reuse) the Python virtualenv the end-to-end tests run in.
#
# Why: Keel is judged by the official `mlflow` client, so the e2e suite needs
# that exact client (pinned in Tests/e2e/requirements.txt) plus pytest. A stamp
# holding the requirements' checksum makes a second run return in milliseconds.
#
# Usage: scripts/ci/venv.sh          (venv at $KEEL_VENV, default <repo>/.venv)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${KEEL_VENV:-$ROOT/.venv}"
REQUIREMENTS="$ROOT/Tests/e2e/requirements.txt"
STAMP="$VENV/.keel-requirements.sha256"

log() { echo "venv.sh: $*" >&2; }

[[ -f "$REQUIREMENTS" ]] || { log "error: $REQUIREMENTS not found"; exit 1; }
wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$wanted" ]]; then
    log "reusing $VENV (requirements unchanged)"
    exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        # Debian ships venv support in a separate package.
        [[ $EUID -eq 0 ]] || { log "error: python3 -m venv failed; install python3-venv"; exit 1; }
        rm -rf "$VENV"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
        python3 -m venv "$VENV"
    fi
fi

log "installing $REQUIREMENTS"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
echo "$wanted" > "$STAMP"
log "ready: $VENV"
