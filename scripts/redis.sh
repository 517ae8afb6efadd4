#!/usr/bin/env bash
# The local Redis (Debian's redis-server) on 127.0.0.1:6379: start | stop | status.
# Installed with apt-get if missing; runs without persistence (it is only a response cache), state under .local/redis.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="$repo/.local/redis"
port="${REDIS_PORT:-6379}"

log() { echo "[redis] $*"; }
answering() { redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; }

install() {
  command -v redis-server >/dev/null && return
  log "installing Debian's redis-server..."
  local sudo=""
  [[ "$(id -u)" != 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
}

start() {
  install
  if answering; then log "already answering on 127.0.0.1:$port"; return; fi
  mkdir -p "$home"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' --appendonly no \
    --dir "$home" --pidfile "$home/redis.pid" --logfile "$home/redis.log"
  for _ in $(seq 1 50); do answering && { log "ready on 127.0.0.1:$port"; return; }; sleep 0.1; done
  log "did not answer on 127.0.0.1:$port; see .local/redis/redis.log"
  exit 1
}

stop() {
  if answering; then redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true; log "stopped"; else log "not running"; fi
}

status() { if answering; then log "answering on 127.0.0.1:$port"; else log "not answering on 127.0.0.1:$port"; return 1; fi; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
