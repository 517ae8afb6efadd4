#!/usr/bin/env bash
# Three local Cassandra nodes, 127.0.0.1-3 (one JVM each, small heaps), for replication factor 3 at QUORUM:
# start | stop | reset | status | kill N | start-node N. They take the single node's address (127.0.0.1:9042), so `start`
# stops that one first; `stop` leaves it stopped (`npm run infra:up` brings it back). Data: .local/cassandra-cluster.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
nodes=(1 2 3)
heap="${CASSANDRA_CLUSTER_HEAP:-768M}"

log() { echo "[cluster] $*"; }

node() {
  local n="$1"; shift
  CASSANDRA_NODE_DIR=".local/cassandra-cluster/node$n" CASSANDRA_HOST="127.0.0.$n" CASSANDRA_SEEDS="127.0.0.1:7000" \
    CASSANDRA_TOKEN_RF=3 CASSANDRA_RING_DELAY_MS=5000 CASSANDRA_HEAP="$heap" bash "$here/node.sh" "$@"
}

start() {
  local started=$SECONDS
  bash "$here/node.sh" stop
  # One at a time: a node joins a ring whose other members are already up.
  for n in "${nodes[@]}"; do
    log "node $n of ${#nodes[@]}"
    node "$n" start
  done
  log "three nodes up in $((SECONDS - started)) s: CASSANDRA_CONTACT_POINTS=127.0.0.1:9042,127.0.0.2:9042,127.0.0.3:9042" \
    "CASSANDRA_REPLICATION_FACTOR=3 CASSANDRA_CONSISTENCY=quorum"
}

case "${1:-}" in
  start) start ;;
  stop) for n in "${nodes[@]}"; do node "$n" stop; done ;;
  # Stopped, and its data gone: the next start is a new cluster.
  reset) for n in "${nodes[@]}"; do node "$n" stop; done; rm -rf "$here/../../.local/cassandra-cluster"; log "data removed" ;;
  status) for n in "${nodes[@]}"; do node "$n" status || true; done ;;
  kill) node "${2:?node number}" kill ;;
  start-node) node "${2:?node number}" start ;;
  *) echo "usage: $0 start|stop|reset|status|kill N|start-node N" >&2; exit 2 ;;
esac
