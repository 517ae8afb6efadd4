#!/usr/bin/env bash
# `npm test`: prepare everything (as `npm start` does), install grpcurl, then run every vitest suite:
# unit tests, integration tests against the real Cassandra and Redis, end-to-end tests of the processes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/prepare.sh
echo; echo "== installing Go tools (grpcurl, kustomize)"
PATH="$(bash scripts/go-tools.sh grpcurl kustomize):$PATH"
export PATH
echo; echo "== running tests"
exec npx vitest run "$@"
