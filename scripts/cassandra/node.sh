#!/usr/bin/env bash
# The local Apache Cassandra 5.0 node: provision | start | stop | kill | status.
# cassandra-all and its dependencies come from Maven Central (cached in .local/cassandra/lib and ~/.m2);
# the node runs on the machine's JDK 17 on 127.0.0.1:9042 with its data under .local/cassandra.
# scripts/cassandra/cluster.sh runs three of them (CASSANDRA_NODE_DIR, CASSANDRA_HOST, CASSANDRA_SEEDS,
# CASSANDRA_TOKEN_RF, CASSANDRA_HEAP set per node).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="$repo/${CASSANDRA_NODE_DIR:-.local/cassandra}"
lib="$repo/.local/cassandra/lib"
pidfile="$home/cassandra.pid"
heap="${CASSANDRA_HEAP:-2G}"
host="${CASSANDRA_HOST:-127.0.0.1}"
port="${CASSANDRA_PORT:-9042}"
seeds="${CASSANDRA_SEEDS:-$host:7000}"
token_rf="${CASSANDRA_TOKEN_RF:-1}"
# A lone node need not wait for gossip; a joining one waits this long to hear from the seeds.
ring_delay_ms="${CASSANDRA_RING_DELAY_MS:-0}"
start_timeout="${CASSANDRA_START_TIMEOUT:-240}"

log() { echo "[cassandra] $*"; }

cql_port_open() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

provision() {
  if [[ -f "$lib/.complete" ]]; then
    log "cassandra-all already provisioned ($(ls "$lib" | grep -c '\.jar$') jars in .local/cassandra/lib)"
    return
  fi
  command -v java >/dev/null || { log "java (JDK 17) is required"; exit 1; }
  command -v mvn >/dev/null || { log "mvn is required to resolve cassandra-all from Maven Central"; exit 1; }
  log "resolving cassandra-all and its dependencies from Maven Central..."
  rm -rf "$lib"
  mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
  touch "$lib/.complete"
  log "provisioned $(ls "$lib" | grep -c '\.jar$') jars"
}

render_conf() {
  mkdir -p "$home/conf" "$home/logs" "$home/data" "$home/commitlog" "$home/saved_caches" "$home/hints" "$home/cdc_raw"
  sed -e "s#@HOME@#$home#g" -e "s#@ADDRESS@#$host#g" -e "s#@SEEDS@#$seeds#g" -e "s#@TOKEN_RF@#$token_rf#g" \
    "$here/cassandra.yaml" > "$home/conf/cassandra.yaml"
  cp "$here/logback.xml" "$home/conf/logback.xml"
}

running_pid() {
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"
}

start() {
  if cql_port_open; then
    log "already answering on $host:$port"
    return
  fi
  provision
  render_conf
  if ! running_pid >/dev/null; then
    local jamm
    jamm="$(ls "$lib"/jamm-*.jar | head -1)"
    mapfile -t jvm_flags < <(grep -v '^\s*#' "$here/jvm17-server.options" | grep -v '^\s*$')
    log "starting $host (heap $heap, log ${home#"$repo/"}/logs/system.log)"
    nohup java "-Xms$heap" "-Xmx$heap" "${jvm_flags[@]}" \
      "-javaagent:$jamm" \
      "-Dcassandra.config=file://$home/conf/cassandra.yaml" \
      "-Dcassandra.logdir=$home/logs" \
      "-Dcassandra.storagedir=$home" \
      -Dcassandra-foreground=yes \
      -Dcassandra.skip_wait_for_gossip_to_settle=0 \
      "-Dcassandra.ring_delay_ms=$ring_delay_ms" \
      -cp "$home/conf:$lib/*" \
      org.apache.cassandra.service.CassandraDaemon > "$home/logs/stdout.log" 2>&1 &
    echo $! > "$pidfile"
  fi
  wait_until_ready
}

wait_until_ready() {
  local waited=0
  while ! cql_port_open; do
    if ! running_pid >/dev/null; then
      log "the node exited while starting; last lines of its log:"
      tail -n 30 "$home/logs/stdout.log" >&2 || true
      exit 1
    fi
    if (( waited >= start_timeout )); then
      log "CQL did not answer on $host:$port within ${start_timeout}s"
      tail -n 30 "$home/logs/system.log" >&2 || true
      exit 1
    fi
    (( waited % 10 == 0 )) && log "waiting for CQL on $host:$port (${waited}s)"
    sleep 1
    waited=$((waited + 1))
  done
  log "ready on $host:$port"
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    log "stopping (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$pidfile"
    log "stopped"
  else
    log "not running (from this checkout)"
  fi
}

# Without warning, as a crashed machine would: for the node-loss test.
kill_now() {
  local pid
  if pid="$(running_pid)"; then
    kill -9 "$pid"
    rm -f "$pidfile"
    log "killed $host (pid $pid)"
  else
    log "$host not running (from this checkout)"
  fi
}

status() {
  if cql_port_open; then log "answering on $host:$port"; else log "not answering on $host:$port"; return 1; fi
}

case "${1:-}" in
  provision) provision ;;
  start) start ;;
  stop) stop ;;
  kill) kill_now ;;
  status) status ;;
  *) echo "usage: $0 provision|start|stop|kill|status" >&2; exit 2 ;;
esac
