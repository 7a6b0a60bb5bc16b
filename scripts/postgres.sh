#!/usr/bin/env bash
# A throw-away PostgreSQL for the tests (Debian's `postgresql` package), without systemd: a
# temporary data directory, a free loopback port, a non-root server user.
#
#   scripts/postgres.sh start    install the package when missing, initdb + start, wait until ready,
#                                write the connection URL to .tapid-run/postgres.env
#   scripts/postgres.sh stop     stop the server this script started and delete its data directory
#   scripts/postgres.sh status   exit 0 when the server we started accepts connections
#   scripts/postgres.sh url      print the connection URL (TAPID_TEST_POSTGRES)
#
# The server refuses to run as root, so as root it runs as the `postgres` user the package
# creates (a non-root user otherwise runs it as itself). Authentication is `trust` on
# 127.0.0.1 only: a test database on loopback, deleted on stop. Environment:
#   TAPID_POSTGRES_TIMEOUT   seconds to wait for the server (default 30)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.tapid-run"
STATE="$RUN_DIR/postgres.state"
ENV_FILE="$RUN_DIR/postgres.env"
TIMEOUT="${TAPID_POSTGRES_TIMEOUT:-30}"

log() { echo "postgres.sh: $*" >&2; }

bindir() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$d" ] && [ -x "$d/pg_ctl" ] || return 1
    echo "$d"
}

install_package() {
    if bindir >/dev/null; then return 0; fi
    log "installing postgresql"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# Runs a command as the server's user.
as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

read_state() {
    [ -f "$STATE" ] || return 1
    # shellcheck disable=SC1090
    . "$STATE"
    [ -n "${PGDATA_DIR:-}" ] && [ -n "${PGPORT_NUM:-}" ]
}

running() {
    read_state || return 1
    local bin
    bin="$(bindir)" || return 1
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PGPORT_NUM" 2>/dev/null
}

start() {
    install_package
    mkdir -p "$RUN_DIR"
    if running; then
        log "already running on port $PGPORT_NUM"
        return 0
    fi
    local bin dir port
    bin="$(bindir)"
    dir="$(mktemp -d /tmp/tapid-pg.XXXXXX)"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    port="$(free_port)"
    as_server_user "$bin/initdb" -D "$dir/data" --username=tapid --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        log "initdb failed; see $dir/initdb.log"
        cat "$dir/initdb.log" >&2
        return 1
    }
    printf 'PGDATA_DIR=%q\nPGPORT_NUM=%q\n' "$dir" "$port" >"$STATE"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$TIMEOUT" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" \
        start >/dev/null || {
        log "the server did not start; see $dir/server.log"
        cat "$dir/server.log" >&2 || true
        return 1
    }
    echo "TAPID_TEST_POSTGRES=postgres://tapid@127.0.0.1:$port/postgres" >"$ENV_FILE"
    log "started on 127.0.0.1:$port (data $dir)"
}

stop() {
    if ! read_state; then
        log "not running (nothing started by this script)"
        return 0
    fi
    local bin
    if bin="$(bindir)" && [ -d "$PGDATA_DIR/data" ]; then
        as_server_user "$bin/pg_ctl" -D "$PGDATA_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGDATA_DIR"
    rm -f "$STATE" "$ENV_FILE"
    log "stopped"
}

status() {
    if running; then
        echo "running on 127.0.0.1:$PGPORT_NUM"
        return 0
    fi
    echo "not running"
    return 3
}

url() {
    running || { log "not running"; return 1; }
    echo "postgres://tapid@127.0.0.1:$PGPORT_NUM/postgres"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) url ;;
    *)
        echo "usage: $0 start|stop|status|url" >&2
        exit 2
        ;;
esac
