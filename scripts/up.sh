#!/usr/bin/env bash
# Runs the whole backend on this machine in one process (`chat up`: migrations, HTTP API and
# command bus on :8080, WebSocket gateway on :8081, projections, NATS relay) after making sure
# PostgreSQL and NATS are running (scripts/ensure-services.sh) and building the web client it
# serves at http://127.0.0.1:8080/ (scripts/build-web.sh).
# Extra arguments go to `chat up`, e.g. scripts/up.sh --http-addr 0.0.0.0:8080.
# Configuration is read from the environment (DATABASE_URL, CHAT_HTTP_ADDR, CHAT_JWT_SECRET, …).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# A laptop without a configured signing secret runs in development mode (built-in secret,
# logged as a warning); set CHAT_JWT_SECRET (32+ random bytes) for anything else.
if [[ -z "${CHAT_JWT_SECRET:-}" && -z "${CHAT_JWT_KEYS:-}" ]]; then
    export CHAT_DEV_MODE="${CHAT_DEV_MODE:-1}"
fi

if ! command -v cargo >/dev/null && [[ -f "${CARGO_HOME:-$HOME/.cargo}/env" ]]; then
    # shellcheck disable=SC1091
    source "${CARGO_HOME:-$HOME/.cargo}/env"
fi
if ! command -v cargo >/dev/null; then
    echo "up.sh: ERROR: cargo is not installed. Install Rust with rustup:" >&2
    echo "    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y" >&2
    echo "    source \"\$HOME/.cargo/env\"" >&2
    exit 1
fi

scripts/ensure-services.sh
# Uploaded files, in a directory of this checkout unless CHAT_STORAGE_URL names another place
# (an S3 bucket: s3://bucket, with the AWS_* variables).
if [[ -z "${CHAT_STORAGE_URL:-}" ]]; then
    mkdir -p data/uploads
    export CHAT_STORAGE_URL="file://$PWD/data/uploads"
fi
# The web client the API serves at / (CHAT_WEB_DIR, default web/dist). CHAT_SKIP_WEB=1 serves
# whatever web/dist holds (or nothing).
if [[ "${CHAT_SKIP_WEB:-}" != 1 ]]; then
    echo "up.sh: building the web client (scripts/build-web.sh)…"
    scripts/build-web.sh
fi
echo "up.sh: building and starting chat (cargo run --release --bin chat -- up $*)…"
exec cargo run --release --bin chat -- up "$@"
