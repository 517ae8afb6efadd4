#!/usr/bin/env bash
# The local infrastructure the services need: Cassandra and Redis. up | down | status.
# Set GAMEPULSE_EXTERNAL_INFRA=1 to use an existing Cassandra/Redis (CASSANDRA_CONTACT_POINTS, REDIS_URL) instead.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ "${GAMEPULSE_EXTERNAL_INFRA:-0}" == 1 ]]; then
  echo "[infra] GAMEPULSE_EXTERNAL_INFRA=1: using the Cassandra and Redis configured in the environment"
  exit 0
fi

case "${1:-}" in
  up) bash "$here/redis.sh" start; bash "$here/cassandra/node.sh" start ;;
  down) bash "$here/cassandra/node.sh" stop; bash "$here/redis.sh" stop ;;
  status) bash "$here/redis.sh" status; bash "$here/cassandra/node.sh" status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
