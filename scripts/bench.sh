#!/usr/bin/env bash
# Reruns every benchmark of BENCHMARKS.md: builds release binaries, starts the roles as separate
# processes (commands, projections, relay, two gateways) against a fresh database, runs the
# baselines and each chat-bench scenario, and writes one JSON line per run to
# $BENCH_OUT/results.ndjson (default target/bench) while printing them.
#
#   scripts/bench.sh                       the full sizes of BENCHMARKS.md (about 15 minutes)
#   scripts/bench.sh --smoke               tiny sizes, seconds per scenario (checks the tools work)
#   scripts/bench.sh hot-room fan-out      only these (pgbench, baseline-forwarder, many-rooms,
#                                          hot-room, fan-out, connections, support, resume-storm,
#                                          files, search, rebuild)
#
# Environment: DATABASE_URL (the server; a database chat_bench_<time> is created on it),
# NATS_URL, BENCH_OUT, BENCH_PORT_BASE (default 18180: API on it, gateways on +1 … +4),
# BENCH_KEEP_DATABASE=1 to keep the database afterwards (e.g. to time `chat projections rebuild`
# again on the filled store), BENCH_BIN=<dir> to run the `chat` and `chat-bench` in that directory
# instead of building (e.g. copies of two versions' builds, run back to back).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

smoke=0
if [[ "${1:-}" == --smoke ]]; then
    smoke=1
    shift
fi
selected=("$@")
want() { ((${#selected[@]} == 0)) || [[ " ${selected[*]} " == *" $1 "* ]]; }

scripts/ensure-services.sh >/dev/null
# Idle connections need a descriptor each, in the gateway and in the load generator. Where the
# hard limit cannot be raised (an unprivileged container), the connections scenario stays below it.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [[ -n "${BENCH_BIN:-}" ]]; then
    bin="$BENCH_BIN"
else
    if ((smoke)); then profile=debug; cargo build --bins; else profile=release; cargo build --release --bins; fi
    bin="${CARGO_TARGET_DIR:-target}/$profile"
fi
out="${BENCH_OUT:-target/bench}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
results="$out/results.ndjson"
: >"$results"

server="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
stamp="$(date +%s)"
export DATABASE_URL="${server%/*}/chat_bench_$stamp"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
export CHAT_NATS_PREFIX="bench$stamp"
export CHAT_STORAGE_URL="$out/storage-$stamp"
export CHAT_JWT_SECRET="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The load generator is one client address and a few users posting far above any human rate.
export CHAT_POST_RATE=1000000 CHAT_POST_BURST=1000000 CHAT_WS_COMMAND_RATE=1000000
export CHAT_AUTH_RATE_PER_MINUTE=1000000 CHAT_AUTH_BURST=1000000
# Support chat: every visitor, and every website's owner checking a domain, is that one address
# too; the websites' domain is served by chat-bench on 127.0.0.1, which checks may then reach.
export CHAT_VISITOR_RATE_PER_MINUTE=1000000 CHAT_VISITOR_BURST=1000000
export CHAT_WEBSITE_VISITOR_RATE_PER_MINUTE=1000000 CHAT_WEBSITE_VISITOR_BURST=1000000
export CHAT_DOMAIN_CHECK_RATE_PER_MINUTE=1000000 CHAT_DOMAIN_CHECK_BURST=1000000
export CHAT_VERIFY_ALLOW_LOOPBACK=true
# Searches and uploads at machine speed; files up to 2 GiB (the 1 GiB memory run), kept in the
# benchmark's own directory (removed at the end).
export CHAT_SEARCH_RATE_PER_MINUTE=1000000 CHAT_SEARCH_BURST=1000000 CHAT_UPLOAD_RATE_PER_MINUTE=1000000
export CHAT_UPLOAD_MAX_BYTES=$((2 << 30)) CHAT_UPLOAD_QUOTA_BYTES=$((1 << 40))
export RUST_LOG="${RUST_LOG:-warn}"

port="${BENCH_PORT_BASE:-18180}"
api="http://127.0.0.1:$port"
gw1="ws://127.0.0.1:$((port + 1))/v1/ws"
gw2="ws://127.0.0.1:$((port + 2))/v1/ws"
gw3="ws://127.0.0.1:$((port + 3))/v1/ws"
gw4="ws://127.0.0.1:$((port + 4))/v1/ws"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$CHAT_STORAGE_URL"
    if [[ -n "${BENCH_KEEP_DATABASE:-}" ]]; then
        echo "bench.sh: kept the database ${DATABASE_URL##*/}" >&2
    else
        psql "$server" -qc "DROP DATABASE IF EXISTS \"${DATABASE_URL##*/}\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

# Starts a role in the background, remembers its pid in $started, and waits for its readiness line.
start() {
    local log="$out/$1.log"
    shift
    "$bin/chat" "$@" >"$log" 2>&1 &
    started=$!
    pids+=("$started")
    for _ in $(seq 300); do
        grep -q '^listening\|^running' "$log" && return
        kill -0 "$started" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    echo "bench.sh: $* did not become ready" >&2
    exit 1
}
gateway() { CHAT_GATEWAY_ADDR="127.0.0.1:$2" CHAT_GATEWAY_ID="$1" start "$1" gateway; }

"$bin/chat" migrate >/dev/null
CHAT_HTTP_ADDR="127.0.0.1:$port" start commands commands; commands_pid=$started
start projections projections
start relay relay
gateway gw1 $((port + 1)); gw1_pid=$started
gateway gw2 $((port + 2))

run() {
    echo "==> chat-bench $*" >&2
    "$bin/chat-bench" --api "$api" --json "$@" | tee -a "$results"
}

if ((smoke)); then
    run pgbench --clients 1,2 --duration 1
    run baseline-forwarder --connections 20 --rate 50 --duration 1
    run many-rooms --ws "$gw1,$gw2" --rooms 20 --members 4 --users 10 --rate 100 --duration 1
    run hot-room --senders 4 --duration 1
    run fan-out --ws "$gw1,$gw2" --members 20 --rate 20 --duration 1
    gateway gw3 $((port + 3))
    run connections --ws "$gw3" --gateway-pid "$started" --connections 50 --users 5 --hold 1
    run support --visitor-ws "$gw3" --gateway-pid "$started" --agent-ws "$gw2" --websites 3 --agents-per-website 1 \
        --visitors 12 --visitor-interval-ms 500 --answer-delay-ms 100 --inbox-sample-ms 200 --duration 2
    run resume-storm --from-ws "$gw1" --gateway-pid "$gw1_pid" --to-ws "$gw2" --clients 40 --users 10 --rooms 5 \
        --rate 20 --before 1 --after 1
    run files --sizes-mib 1 --rounds 1 --big-mib 2 --server-pid "$commands_pid" --baseline-dir "$out/baseline"
    run search --messages 500 --rooms 5 --senders 4 --queries 2
    "$bin/chat" projections rebuild all | tee "$out/rebuild.txt"
    exit 0
fi

want pgbench && run pgbench --clients 1,8 --duration 10
if want baseline-forwarder; then
    for rate in 50 100 200; do
        run baseline-forwarder --connections 1000 --rate "$rate" --duration 10
    done
fi
if want many-rooms; then
    for rate in 1000 5000 7000; do
        run many-rooms --ws "$gw1,$gw2" --rooms 1000 --members 4 --users 250 --rate "$rate" --duration 10
    done
fi
want hot-room && run hot-room --senders 64 --duration 10
if want fan-out; then
    for rate in 50 100 200; do
        run fan-out --ws "$gw1,$gw2" --members 1000 --senders 4 --rate "$rate" --duration 10
    done
fi
if want connections; then
    gateway gw3 $((port + 3))
    run connections --ws "$gw3" --gateway-pid "$started" --connections 19000 --users 200
    kill "$started"
fi
if want support; then
    # The visitors on a gateway of their own (to weigh them), the agents on another.
    gateway gw4 $((port + 4))
    run support --visitor-ws "$gw4" --gateway-pid "$started" --agent-ws "$gw2" \
        --websites 100 --agents-per-website 2 --visitors 5000 --visitor-interval-ms 20000 --duration 60
    kill "$started"
    # Its delivery baseline: a bare NATS→WebSocket hop holding as many connections.
    run baseline-forwarder --connections 5000 --rate 1 --duration 20
fi
if want resume-storm; then
    run resume-storm --from-ws "$gw1" --gateway-pid "$gw1_pid" --to-ws "$gw2" --clients 5000 --users 250 --rooms 50
fi
if want files; then
    run files --sizes-mib 1,100 --rounds 5 --big-mib 1024 --server-pid "$commands_pid" --baseline-dir "$out/baseline"
fi
# A million messages to search; the rebuild then replays them (or 100,000 without the search).
want search && run search --messages 1000000 --rooms 100 --senders 32 --queries 100
if want rebuild; then
    want search || run fill --messages 100000 --rooms 100 --senders 32
    "$bin/chat" projections rebuild all | tee "$out/rebuild.txt"
fi
