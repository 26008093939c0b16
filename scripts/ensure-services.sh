#!/usr/bin/env bash
# Makes sure the services chat needs run on this machine: PostgreSQL on 127.0.0.1:5432 (with
# password-less "trust" login for the postgres role over TCP, as the tests expect) and NATS with
# JetStream on 127.0.0.1:4222.
#
# Idempotent: services that already answer are left alone. On a fresh Debian 12 machine, run as
# root, it installs what is missing with apt-get and starts it without systemd.
#
# Environment:
#   CHAT_SKIP_SERVICES=1   do nothing (you run Postgres and NATS yourself, e.g. docker-compose.yml)
#   CHAT_SERVICE_TIMEOUT   seconds to wait for each service to answer (default 30)
set -euo pipefail

if [[ "${CHAT_SKIP_SERVICES:-}" == 1 ]]; then
    echo "ensure-services: CHAT_SKIP_SERVICES=1, not checking PostgreSQL or NATS"
    exit 0
fi

readonly PG_HOST=127.0.0.1 PG_PORT=5432
readonly NATS_HOST=127.0.0.1 NATS_PORT=4222
readonly TIMEOUT="${CHAT_SERVICE_TIMEOUT:-30}"

say() { echo "ensure-services: $*"; }
die() {
    echo "ensure-services: ERROR: $*" >&2
    exit 1
}
is_root() { [[ "$(id -u)" == 0 ]]; }
# True if something accepts TCP connections on host:port (bash's /dev/tcp: no nc or curl needed).
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

apt_updated=0
apt_install() {
    is_root || die "$1 is not installed and this script is not running as root.
    Install it yourself (sudo apt-get install -y $*), or run this script as root, or set
    CHAT_SKIP_SERVICES=1 if you provide PostgreSQL and NATS another way."
    command -v apt-get >/dev/null || die "$1 is not installed and apt-get is not available; install $* yourself."
    say "installing $* with apt-get…"
    if [[ "$apt_updated" == 0 ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq 2>&1 | sed 's/^/    /' ||
            say "warning: apt-get update failed; trying the package lists already on this machine"
        apt_updated=1
    fi
    local log
    log="$(mktemp)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "apt-get install $* failed (full output in $log)"
    fi
    rm -f "$log"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------

pg_ready() {
    if command -v pg_isready >/dev/null; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
    else
        port_open "$PG_HOST" "$PG_PORT"
    fi
}

# Can the postgres role log in over TCP without a password? (`-w`: never prompt.)
pg_trusts_postgres() {
    psql -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1
}

pg_server_installed() {
    command -v pg_ctlcluster >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# Puts "host all postgres 127.0.0.1/32 trust" before every other rule (the first match wins).
pg_configure_trust() {
    local version="$1" hba="/etc/postgresql/$1/main/pg_hba.conf"
    say "configuring trust login for the postgres role on $PG_HOST in $hba…"
    local rule="host    all             postgres        127.0.0.1/32            trust"
    local tmp
    tmp="$(mktemp)"
    awk -v rule="$rule" '
        !done && !/^[[:space:]]*(#|$)/ { print "# Added by chat scripts/ensure-services.sh (development and tests)."; print rule; done = 1 }
        { print }
        END { if (!done) print rule }
    ' "$hba" >"$tmp"
    cat "$tmp" >"$hba" # keeps the file's owner and mode
    rm -f "$tmp"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
}

ensure_postgres() {
    if pg_ready; then
        say "PostgreSQL answers on $PG_HOST:$PG_PORT"
    else
        say "PostgreSQL does not answer on $PG_HOST:$PG_PORT"
        local installed_now=0
        if ! pg_server_installed; then
            apt_install postgresql # on Debian this also creates the cluster "<version> main"
            installed_now=1
        fi
        local version
        # shellcheck disable=SC2012 # the entries are version numbers
        version="$(ls /etc/postgresql 2>/dev/null | sort -V | head -1)"
        if [[ -z "$version" ]]; then
            is_root || die "no PostgreSQL cluster exists; run this script as root to create one"
            version="$(basename "$(dirname "$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | sort -V | head -1)")")")"
            say "creating PostgreSQL cluster $version/main…"
            pg_createcluster "$version" main >/dev/null
            installed_now=1
        fi

        if pg_ctlcluster "$version" main status >/dev/null 2>&1; then
            die "PostgreSQL $version/main is running but does not answer on $PG_HOST:$PG_PORT.
    Check 'port' and 'listen_addresses' in /etc/postgresql/$version/main/postgresql.conf."
        fi
        say "starting PostgreSQL $version/main…"
        if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 | sed 's/^/    /'; then
            pg_ready || die "could not start PostgreSQL $version/main (see the output above and
    /var/log/postgresql/postgresql-$version-main.log). Starting a cluster needs root or the postgres user."
        fi

        local deadline=$((SECONDS + TIMEOUT))
        until pg_ready; do
            ((SECONDS < deadline)) || die "PostgreSQL did not answer on $PG_HOST:$PG_PORT within ${TIMEOUT}s
    (is the cluster configured for port $PG_PORT? see /var/log/postgresql/postgresql-$version-main.log)"
            sleep 0.5
        done
        say "PostgreSQL is ready on $PG_HOST:$PG_PORT"

        if [[ "$installed_now" == 1 ]] && ! pg_trusts_postgres; then
            pg_configure_trust "$version"
            deadline=$((SECONDS + TIMEOUT))
            until pg_trusts_postgres; do
                ((SECONDS < deadline)) || break
                sleep 0.5
            done
        fi
    fi

    if ! command -v psql >/dev/null; then
        say "warning: psql is not installed, so password-less login for the postgres role is unchecked
    (install postgresql-client to check it)"
        return
    fi
    if ! pg_trusts_postgres; then
        local message="the postgres role cannot log in to PostgreSQL on $PG_HOST:$PG_PORT without a password.
    The tests (and the default DATABASE_URL) connect as postgres://postgres@$PG_HOST:$PG_PORT/ and need
    trust authentication for it. Add this line before the other 'host' lines of pg_hba.conf
    (sudo -u postgres psql -c 'show hba_file' shows where it is), then reload PostgreSQL:
        host    all    postgres    127.0.0.1/32    trust
    (Development machines only. Elsewhere, put a password in DATABASE_URL instead.)"
        if [[ -n "${DATABASE_URL:-}" ]]; then
            say "warning: $message"
            say "continuing because DATABASE_URL is set: it is used as given"
        else
            die "$message"
        fi
    fi
}

# ---------------------------------------------------------------------------------------------
# NATS (with JetStream)
# ---------------------------------------------------------------------------------------------

# Prints the server's INFO line (NATS sends it to every new connection).
nats_info() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$NATS_HOST/$NATS_PORT && head -n 1 <&3" 2>/dev/null
}

nats_check_jetstream() {
    local info
    info="$(nats_info || true)"
    if [[ "$info" == *'"jetstream":true'* ]]; then
        say "NATS answers on $NATS_HOST:$NATS_PORT with JetStream enabled"
    elif [[ "$info" == INFO* ]]; then
        die "the NATS server on $NATS_HOST:$NATS_PORT runs without JetStream, which chat requires.
    Restart it with JetStream enabled (nats-server -js -sd <store dir>, or 'jetstream {}' in its config)."
    else
        say "warning: something listens on $NATS_HOST:$NATS_PORT but did not greet like NATS; cannot check JetStream"
    fi
}

ensure_nats() {
    if port_open "$NATS_HOST" "$NATS_PORT"; then
        nats_check_jetstream
        return
    fi

    local bin
    bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
    if [[ ! -x "$bin" ]]; then
        apt_install nats-server
        bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
        [[ -x "$bin" ]] || die "nats-server was installed but $bin is missing"
    fi

    # Root uses the system locations; anyone else keeps the store and log in their home.
    local store log pidfile
    if is_root; then
        store=/var/lib/nats-server log=/var/log/nats-server.log pidfile=/run/chat-nats-server.pid
    else
        local state="${XDG_STATE_HOME:-$HOME/.local/state}/chat-nats"
        store="$state/store" log="$state/nats-server.log" pidfile="$state/nats-server.pid"
    fi
    mkdir -p "$store" "$(dirname "$log")" "$(dirname "$pidfile")" ||
        die "cannot create the NATS store directory $store"

    say "starting nats-server with JetStream on $NATS_HOST:$NATS_PORT (store $store, log $log)…"
    local ssd
    ssd="$(command -v start-stop-daemon || echo /usr/sbin/start-stop-daemon)" # /usr/sbin: not on everyone's PATH
    [[ -x "$ssd" ]] || die "start-stop-daemon (Debian package dpkg) is missing; start nats-server yourself:
    $bin -a $NATS_HOST -p $NATS_PORT -js -sd $store -l $log"
    "$ssd" --start --oknodo --background --make-pidfile --pidfile "$pidfile" --exec "$bin" -- \
        -a "$NATS_HOST" -p "$NATS_PORT" -js -sd "$store" -l "$log" ||
        die "could not start nats-server (see $log)"

    local deadline=$((SECONDS + TIMEOUT))
    until port_open "$NATS_HOST" "$NATS_PORT"; do
        ((SECONDS < deadline)) || die "nats-server did not answer on $NATS_HOST:$NATS_PORT within ${TIMEOUT}s (see $log)"
        sleep 0.2
    done
    nats_check_jetstream
}

ensure_postgres
ensure_nats
