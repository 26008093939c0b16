#!/usr/bin/env bash
# The one test command, for developers and CI alike: formatting, lints, then every test of the
# workspace against a real PostgreSQL and NATS (started by scripts/ensure-services.sh if needed).
#
#   scripts/test.sh                           everything
#   scripts/test.sh -E 'test(room_)'          extra arguments go to `cargo nextest run`
#
# Then schemathesis (scripts/schemathesis.sh): the real `chat up` on a fresh database, every
# operation of its /openapi.json called with generated requests; no 5xx, and every answer's
# status, content type and body as the document says (schemathesis is pip-installed, pinned,
# into a virtualenv under ~/.cache on first use; python3-venv with apt-get if missing).
#
# Then the web code (web/: the TypeScript SDK): `npm ci`, type checks, unit tests and system
# tests that run the `chat` binary's roles against the same services. Needs Node.js 20 or newer
# (installed with apt-get if missing and this runs as root). CHAT_SKIP_WEB=1 skips it.
#
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres, the server
# where #[sqlx::test] creates its throwaway databases), NATS_URL (default nats://127.0.0.1:4222),
# CHAT_SKIP_SERVICES=1 to use services you started yourself.
#
# Every black-box test removes what it created on these shared servers (its database and its
# JetStream stream), also when it fails; test streams that runs killed outright left behind
# (`T<12 hex>_EVENTS`, over an hour old) are removed by the test harness when it starts
# (tests/system/harness/streams.rs), however the tests are run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }
die() {
    echo "test.sh: ERROR: $*" >&2
    exit 1
}

# A login shell may not have sourced rustup's environment yet.
if ! command -v cargo >/dev/null && [[ -f "${CARGO_HOME:-$HOME/.cargo}/env" ]]; then
    # shellcheck disable=SC1091
    source "${CARGO_HOME:-$HOME/.cargo}/env"
fi
command -v cargo >/dev/null || die "cargo is not installed. Install Rust with rustup:
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
    source \"\$HOME/.cargo/env\"
then run this script again."

step "checking the Rust toolchain"
cargo --version
for component in rustfmt clippy; do
    subcommand="${component/rustfmt/fmt}"
    if ! cargo "$subcommand" --version >/dev/null 2>&1; then
        command -v rustup >/dev/null || die "cargo $subcommand is missing and rustup is not installed to add it"
        echo "installing the $component component with rustup…"
        rustup component add "$component"
    fi
done

use_nextest=1
if ! cargo nextest --version >/dev/null 2>&1; then
    step "installing cargo-nextest (cargo install cargo-nextest --locked)"
    if ! cargo install cargo-nextest --locked; then
        echo "test.sh: could not install cargo-nextest; falling back to cargo test" >&2
        use_nextest=0
    fi
fi

if [[ "${CHAT_SKIP_WEB:-}" != 1 ]]; then
    step "ensuring Node.js 20+ and npm (scripts/ensure-node.sh)"
    scripts/ensure-node.sh
fi

step "ensuring PostgreSQL and NATS are running (scripts/ensure-services.sh)"
scripts/ensure-services.sh

# Tests that restart NATS start a private nats-server of their own.
if [[ -z "${NATS_SERVER_BIN:-}" ]] && ! command -v nats-server >/dev/null && [[ ! -x /usr/sbin/nats-server ]]; then
    step "installing nats-server (tests start private servers)"
    [[ $EUID -eq 0 ]] || die "nats-server is not installed; install it (apt-get install nats-server) or set NATS_SERVER_BIN"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y nats-server
fi

# The S3 storage test starts a private S3-compatible server: s3s-fs, from crates.io (0.14.1 is
# the newest that builds with Rust 1.92+; later ones need 1.96).
if [[ -z "${S3S_FS_BIN:-}" ]] && ! command -v s3s-fs >/dev/null && [[ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/s3s-fs" ]]; then
    step "installing s3s-fs (cargo install s3s-fs --version 0.14.1 --locked --features binary)"
    cargo install s3s-fs --version 0.14.1 --locked --features binary
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
echo "DATABASE_URL=$(sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$DATABASE_URL")"
echo "NATS_URL=$NATS_URL"

step "bash -n on every script (a broken start script fails here, not on a user's machine)"
for script in scripts/*.sh .ci/run; do
    bash -n "$script" || die "$script does not parse"
done

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

if [[ "$use_nextest" == 1 ]]; then
    step "cargo nextest run --workspace --no-fail-fast $*"
    cargo nextest run --workspace --no-fail-fast "$@"
else
    step "cargo test --workspace --no-fail-fast $*"
    cargo test --workspace --no-fail-fast "$@"
fi

step "schemathesis against the live server (scripts/schemathesis.sh)"; scripts/schemathesis.sh

if [[ "${CHAT_SKIP_WEB:-}" != 1 ]]; then
    step "web: npm ci, type checks, unit and system tests (web/)"
    cargo build --bin chat
    npm ci --prefix web --no-audit --no-fund
    CHAT_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/chat" npm --prefix web test

    # The web client: built into web/dist (which the API serves), then driven in Debian's
    # Chromium by playwright-core (never a downloaded browser); screenshots in target/screenshots.
    step "web: the client's build and browser tests in Chromium (web/client/)"
    chromium_bin="${CHROMIUM_BIN:-/usr/bin/chromium}"
    if [[ ! -x "$chromium_bin" ]]; then
        [[ -z "${CHROMIUM_BIN:-}" ]] || die "CHROMIUM_BIN=$CHROMIUM_BIN is not an executable"
        [[ $EUID -eq 0 ]] || die "Chromium is not installed at /usr/bin/chromium; install it (apt-get install chromium), set CHROMIUM_BIN, or set CHAT_SKIP_WEB=1"
        step "installing Chromium (apt-get install chromium)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    fi
    npm --prefix web run build
    CHROMIUM_BIN="$chromium_bin" CHAT_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/chat" npm --prefix web run test:browser
fi
