#!/usr/bin/env bash
# `npm run test:cluster`: the node-loss test on three local Cassandra nodes (127.0.0.1-3, replication factor 3,
# QUORUM). Stops the single development node for the time of the run; the cluster is stopped again at the end
# (KEEP_CLUSTER=1 keeps it), and `npm start` / `npm test` bring the single node back.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
echo "== starting Redis and three Cassandra nodes"
bash scripts/redis.sh start
# A new cluster each run: a node's schema is never left behind by an earlier run's outage.
bash scripts/cassandra/cluster.sh reset
bash scripts/cassandra/cluster.sh start
[[ "${KEEP_CLUSTER:-0}" == 1 ]] || trap 'echo "== stopping the cluster"; bash scripts/cassandra/cluster.sh stop' EXIT
echo "== building"
npm run --silent build
echo "== running the node-loss test"
export CASSANDRA_CONTACT_POINTS=127.0.0.1:9042,127.0.0.2:9042,127.0.0.3:9042 CASSANDRA_REPLICATION_FACTOR=3 CASSANDRA_CONSISTENCY=quorum
npx vitest run -c vitest.cluster.config.ts "$@"
