#!/usr/bin/env bash
# Schemathesis against the live server: starts the real `chat up` on free ports against a
# fresh database and its own NATS subject prefix, registers a user (made an administrator, so
# the administrators' routes are exercised too), and lets schemathesis call every operation of
# the server's own /openapi.json with generated requests, checking that no answer is a 5xx and
# that every answer's status, content type and body conform to the document.
#
#   scripts/schemathesis.sh
#
# Environment:
#   CHAT_BIN                    the `chat` binary (default ${CARGO_TARGET_DIR:-target}/debug/chat;
#                               build it with `cargo build --bin chat`)
#   DATABASE_URL                a Postgres server where the script may create and drop a database
#                               (default postgres://postgres@127.0.0.1:5432/postgres)
#   NATS_URL                    NATS with JetStream (default nats://127.0.0.1:4222)
#   CHAT_SCHEMATHESIS_EXAMPLES  test cases per operation and phase (default 100; about a minute in all)
#   CHAT_SCHEMATHESIS_SEED      a seed, to replay a run (schemathesis prints the one it used)
#
# Schemathesis (a pinned version, from PyPI) is installed on first use into a virtualenv under
# ${XDG_CACHE_HOME:-$HOME/.cache}/chat-schemathesis; it needs python3 with venv (python3-venv
# is installed with apt-get if missing and this runs as root). Three runs: every operation with
# generated ids; the room and message operations on a real room, message and member; erasure
# last (it may erase the caller). Reports (JUnit; CHAT_SCHEMATHESIS_REPORTS=junit,har for the
# exchanges too) go to ${CARGO_TARGET_DIR:-target}/schemathesis/.
#
# Cleans up also when it fails: stops the server, drops the database, deletes the relay's
# JetStream stream (`T<12 hex>_EVENTS`, a name the Rust test harness also sweeps when a run was
# killed outright).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCHEMATHESIS_VERSION=4.32.5
target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
chat=${CHAT_BIN:-$target/debug/chat}
admin_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
nats_url=${NATS_URL:-nats://127.0.0.1:4222}
examples=${CHAT_SCHEMATHESIS_EXAMPLES:-100}
venv=${XDG_CACHE_HOME:-$HOME/.cache}/chat-schemathesis

die() {
    echo "schemathesis.sh: ERROR: $*" >&2
    exit 1
}

[[ -x "$chat" ]] || die "no chat binary at $chat (cargo build --bin chat, or set CHAT_BIN)"
command -v psql >/dev/null || die "psql is needed to create and drop the test database"
command -v python3 >/dev/null || die "python3 is needed for schemathesis"
command -v curl >/dev/null || die "curl is needed to set up the test user"

if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
    echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
    if ! python3 -m venv "$venv"; then
        [[ $EUID -eq 0 ]] || die "cannot create a virtualenv: install python3-venv"
        echo "installing python3-venv (apt-get)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

suffix=$(python3 -c 'import secrets; print(secrets.token_hex(6))')
database=chat_schemathesis_$suffix
database_url="${admin_url%/*}/$database"
prefix=t$suffix
stream=$(echo "${prefix}_EVENTS" | tr '[:lower:].-' '[:upper:]__')
work=$(mktemp -d)
server=

cleanup() {
    local status=$?
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
        kill "$server" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server" 2>/dev/null || true
    fi
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 \
        || echo "schemathesis.sh: could not drop database $database" >&2
    delete_stream || echo "schemathesis.sh: could not delete JetStream stream $stream" >&2
    if [[ $status -ne 0 && -s "$work/server.log" ]]; then
        echo "--- server log (last 40 lines) ---" >&2
        tail -40 "$work/server.log" >&2
    fi
    rm -rf "$work"
    exit "$status"
}

# Just enough of the NATS protocol to delete one stream (as web/sdk/test/system/nats.ts does).
delete_stream() {
    NATS_URL=$nats_url STREAM=$stream python3 - <<'PY'
import json, os, socket, urllib.parse
url = urllib.parse.urlparse(os.environ["NATS_URL"])
stream = os.environ["STREAM"]
with socket.create_connection((url.hostname or "127.0.0.1", url.port or 4222), timeout=10) as s:
    f = s.makefile("rb")
    f.readline()  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\nSUB _INBOX.schemathesis 1\r\n'
              + f"PUB $JS.API.STREAM.DELETE.{stream} _INBOX.schemathesis 0\r\n\r\n".encode())
    while True:
        line = f.readline().decode().strip()
        if line == "PING":
            s.sendall(b"PONG\r\n")
        elif line.startswith("-ERR"):
            raise SystemExit(line)
        elif line.startswith("MSG "):
            answer = json.loads(f.read(int(line.split()[-1]) + 2))
            if answer.get("success") or answer.get("error", {}).get("code") == 404:
                break
            raise SystemExit(json.dumps(answer))
PY
}

trap cleanup EXIT
trap 'exit 130' INT TERM

psql "$admin_url" -qc "CREATE DATABASE $database" >/dev/null
export DATABASE_URL=$database_url NATS_URL=$nats_url CHAT_NATS_PREFIX=$prefix \
    CHAT_HTTP_ADDR=127.0.0.1:0 CHAT_GATEWAY_ADDR=127.0.0.1:0 CHAT_DEV_MODE=1 CHAT_DB_MAX_CONNECTIONS=10 \
    CHAT_AUTH_RATE_PER_MINUTE=1000000 CHAT_AUTH_BURST=100000 CHAT_POST_RATE=100000 CHAT_POST_BURST=100000 \
    CHAT_LOOKUP_RATE_PER_MINUTE=1000000 CHAT_LOOKUP_BURST=100000 \
    CHAT_UPLOAD_RATE_PER_MINUTE=1000000 CHAT_UPLOAD_BURST=100000 CHAT_STORAGE_URL="file://$work/uploads" \
    CHAT_SEARCH_RATE_PER_MINUTE=1000000 CHAT_SEARCH_BURST=100000 \
    RUST_LOG=${RUST_LOG:-warn}
"$chat" up >"$work/server.log" 2>&1 &
server=$!

api=
for _ in $(seq 600); do
    api=$(sed -n 's/^listening api \(http:[^ ]*\).*/\1/p' "$work/server.log" | head -1)
    [[ -n "$api" ]] && break
    kill -0 "$server" 2>/dev/null || die "chat up exited before listening"
    sleep 0.2
done
[[ -n "$api" ]] || die "chat up did not listen within 2 minutes"
echo "chat up at $api (database $database, NATS prefix $prefix)"

# `call METHOD PATH [JSON] [TOKEN]`: the answer's body (fails on an error status).
call() {
    local args=(-fsS -X "$1" "$api$2")
    [[ -n "${3:-}" ]] && args+=(-H 'content-type: application/json' -d "$3")
    [[ -n "${4:-}" ]] && args+=(-H "Authorization: Bearer $4")
    curl "${args[@]}"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

# Two users: the one schemathesis acts as, made an administrator (logged in again for a token
# that says so), and a second one to add, remove and look up.
password=schemathesis-$suffix
call POST /v1/auth/register "{\"username\":\"st$suffix\",\"password\":\"$password\"}" >/dev/null
"$chat" users grant-admin "st$suffix" >/dev/null
token=$(call POST /v1/auth/login "{\"username\":\"st$suffix\",\"password\":\"$password\"}" | field token)
other=$(call POST /v1/auth/register "{\"username\":\"su$suffix\",\"password\":\"$password\"}" | field user_id)
# A room with both of them and a message, for the run that uses real ids.
room=$(call POST /v1/rooms '{"type":"group","name":"schemathesis"}' "$token" | field room_id)
call PUT "/v1/rooms/$room/members/$other" "" "$token" >/dev/null
message=$(call POST "/v1/rooms/$room/messages" '{"body":"hello","client_msg_id":"st-1"}' "$token" | field message_id)
# A file posted in the room, so that its downloads answer with the file (api.md §13).
attachment=$(curl -sf -X POST "$api/v1/uploads?name=notes.txt" -H "Authorization: Bearer $token" \
    -H 'Content-Type: text/plain' --data-binary 'notes for schemathesis' | field upload_id)
call POST "/v1/rooms/$room/messages" "{\"client_msg_id\":\"st-2\",\"attachments\":[\"$attachment\"]}" "$token" >/dev/null
cat >"$work/real-ids.toml" <<TOML
[parameters]
"path.room_id" = "$room"
"path.message_id" = "$message"
"path.user_id" = "$other"
"path.attachment_id" = "$attachment"
TOML

seed=()
[[ -n "${CHAT_SCHEMATHESIS_SEED:-}" ]] && seed=(--seed "$CHAT_SCHEMATHESIS_SEED")
mkdir -p "$target/schemathesis"
# `schemathesis_run NAME [OPTIONS…]`: one run over the live server's own document.
schemathesis_run() {
    local name=$1
    shift
    echo
    echo "==> schemathesis: $name"
    # From the scratch directory: schemathesis keeps a `.schemathesis/` cache where it runs.
    (cd "$work" && "$venv/bin/schemathesis" "${config[@]}" run "$api/openapi.json" --url "$api" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$examples" "${seed[@]}" \
        --header "Authorization: Bearer $token" \
        --request-timeout 35 \
        --report "${CHAT_SCHEMATHESIS_REPORTS:-junit}" --report-dir "$target/schemathesis/$name" \
        --no-color "$@")
}

# 1. Every operation with generated ids (mostly 4xx answers: bad or unknown ids), but erasure,
#    which would erase the caller as soon as schemathesis finds their id in an answer.
config=()
schemathesis_run generated-ids --exclude-operation-id erase_user
# 2. The room and message operations on a real room, message and member.
config=(--config-file "$work/real-ids.toml")
schemathesis_run real-ids --include-path-regex '^/v1/rooms/\{room_id\}'
# 3. Erasure last (it may erase the caller).
config=()
schemathesis_run erasure --include-operation-id erase_user
