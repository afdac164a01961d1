#!/usr/bin/env bash
# Create (or reuse) the Python virtualenv the end-to-end tests run in.
#
# Why: Keel is judged by the official `mlflow` client, so the e2e suite needs
# that exact client (pinned in Tests/e2e/requirements.txt) plus pytest. A stamp
# holding the requirements' checksum makes a second run return in milliseconds.
#
# Usage: scripts/ci/venv.sh                      (venv at $KEEL_VENV, default <repo>/.venv)
#        scripts/ci/venv.sh VENV REQUIREMENTS    (another venv, e.g. the Ray executor's)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${1:-${KEEL_VENV:-$ROOT/.venv}}"
REQUIREMENTS="${2:-$ROOT/Tests/e2e/requirements.txt}"
STAMP="$VENV/.keel-requirements.sha256"

log() { echo "venv.sh: $*" >&2; }

[[ -f "$REQUIREMENTS" ]] || { log "error: $REQUIREMENTS not found"; exit 1; }
wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$wanted" ]]; then
    log "reusing $VENV (requirements unchanged)"
    exit 0
fi

# Debian ships Python's venv support in a separate package (and minimal
# images no Python at all).
install_python() {
    [[ $EUID -eq 0 ]] || { log "error: need python3 with venv support; run: apt-get install -y python3-venv"; exit 1; }
    log "installing python3-venv from Debian packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >&2
}

if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV"
    command -v python3 >/dev/null || install_python
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        install_python
        python3 -m venv "$VENV"
    fi
fi

log "installing $REQUIREMENTS"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
echo "$wanted" > "$STAMP"
log "ready: $VENV"
