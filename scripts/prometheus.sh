#!/usr/bin/env bash
# The local Prometheus (Debian's `prometheus`) scraping every process of `npm start`: install | start | stop | status.
# Installed with apt-get if missing; runs from observe/prometheus.yml (and the alert rules beside it) on
# 127.0.0.1:${PROMETHEUS_PORT:-9090}, its data under .local/prometheus (kept two days).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="$repo/.local/prometheus"
port="${PROMETHEUS_PORT:-9090}"

log() { echo "[prometheus] $*"; }
answering() { curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; }

install() {
  if command -v prometheus >/dev/null && command -v promtool >/dev/null; then return; fi
  log "installing Debian's prometheus..."
  local sudo=""
  [[ "$(id -u)" != 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  # The package's own service is not wanted (this script runs Prometheus): keep apt from starting it, unless the
  # machine already has a policy of its own.
  local policy=/usr/sbin/policy-rc.d ours=0
  if [[ ! -e $policy ]]; then echo 'exit 101' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && ours=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if (( ours )); then $sudo rm -f "$policy"; fi
  log "installed $(prometheus --version 2>&1 | head -1)"
}

start() {
  install
  if answering; then log "already answering on http://127.0.0.1:$port"; return; fi
  mkdir -p "$home/data"
  promtool check config "$repo/observe/prometheus.yml" >/dev/null
  nohup prometheus --config.file="$repo/observe/prometheus.yml" --storage.tsdb.path="$home/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$port" >"$home/prometheus.log" 2>&1 &
  echo $! >"$home/prometheus.pid"
  for _ in $(seq 1 100); do
    answering && { log "ready on http://127.0.0.1:$port (targets: /targets, alerts: /alerts)"; return; }
    sleep 0.2
  done
  log "did not answer on 127.0.0.1:$port; see .local/prometheus/prometheus.log"
  exit 1
}

stop() {
  if [[ -f "$home/prometheus.pid" ]] && kill "$(cat "$home/prometheus.pid")" 2>/dev/null; then log "stopped"; else log "not running"; fi
  rm -f "$home/prometheus.pid"
}

status() { if answering; then log "answering on http://127.0.0.1:$port"; else log "not answering on 127.0.0.1:$port"; return 1; fi; }

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
