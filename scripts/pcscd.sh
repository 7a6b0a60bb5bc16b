#!/usr/bin/env bash
# pcscd with the vpcd virtual reader, without systemd (CI, containers, this dev box).
#
#   scripts/pcscd.sh start    install what is missing, start pcscd, wait for "Virtual PCD 00 00"
#   scripts/pcscd.sh stop     stop the pcscd this script started (by its recorded PID)
#   scripts/pcscd.sh status   exit 0 when the pcscd we started is running and lists the vpcd reader
#
# Installing needs root (apt-get); it runs only when a package is missing. The PID and the daemon's
# log go to .tapid-run/ at the repository root (gitignored). Environment:
#   TAPID_PCSCD_TIMEOUT   seconds to wait for the reader (default 20)
#   TAPID_PCSCD_DEBUG=1   start pcscd with --debug (log in .tapid-run/pcscd.log)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.tapid-run"
PID_FILE="$RUN_DIR/pcscd.pid"
LOG_FILE="$RUN_DIR/pcscd.log"
READER="Virtual PCD 00 00"
PACKAGES=(libpcsclite-dev pcscd vsmartcard-vpcd pcsc-tools)
TIMEOUT="${TAPID_PCSCD_TIMEOUT:-20}"

log() { echo "pcscd.sh: $*" >&2; }

missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            echo "$p"
        fi
    done
}

install_packages() {
    local missing
    missing="$(missing_packages)"
    if [ -z "$missing" ]; then
        return 0
    fi
    # shellcheck disable=SC2086
    log "installing:" $missing
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

our_pid() {
    [ -f "$PID_FILE" ] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [ -n "$pid" ] || return 1
    # Only a pcscd counts: a recycled PID of another program is not ours.
    if kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "pcscd" ]; then
        echo "$pid"
        return 0
    fi
    return 1
}

reader_listed() {
    # pcsc_scan -r lists the readers and exits; it fails when pcscd is unreachable.
    timeout 5 pcsc_scan -r 2>/dev/null | grep -q "$READER"
}

wait_for_reader() {
    local deadline=$((SECONDS + TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if reader_listed; then
            return 0
        fi
        if ! our_pid >/dev/null; then
            log "pcscd exited; see $LOG_FILE"
            return 1
        fi
        sleep 0.3
    done
    log "\"$READER\" not listed after ${TIMEOUT}s; see $LOG_FILE"
    return 1
}

start() {
    install_packages
    if [ ! -f /etc/reader.conf.d/vpcd ]; then
        log "/etc/reader.conf.d/vpcd is missing: vsmartcard-vpcd is not registered with pcscd"
        return 1
    fi
    mkdir -p "$RUN_DIR"
    local pid
    if pid="$(our_pid)"; then
        log "already running (pid $pid)"
        wait_for_reader
        return $?
    fi
    if pgrep -x pcscd >/dev/null 2>&1; then
        # Someone else's pcscd (systemd, another checkout): use it if it shows the reader.
        if reader_listed; then
            log "a pcscd not started by this script is running and lists \"$READER\"; using it"
            return 0
        fi
        log "a pcscd not started by this script is running without \"$READER\"; stop it first"
        return 1
    fi
    local args=(--foreground)
    if [ "${TAPID_PCSCD_DEBUG:-0}" = "1" ]; then args+=(--debug); fi
    # setsid: the daemon must not die with the shell that started it.
    setsid pcscd "${args[@]}" >"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    log "started pcscd (pid $!)"
    wait_for_reader
}

stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$PID_FILE"
        log "not running (nothing started by this script)"
        return 0
    fi
    kill -TERM "$pid"
    local i
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pcscd (pid $pid) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid"
    fi
    rm -f "$PID_FILE"
    log "stopped pcscd (pid $pid)"
}

status() {
    local pid
    if pid="$(our_pid)"; then
        if reader_listed; then
            echo "running (pid $pid), \"$READER\" listed"
            return 0
        fi
        echo "running (pid $pid), \"$READER\" not listed"
        return 1
    fi
    echo "not running"
    return 3
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
