#!/usr/bin/env bash
# Everything `npm start` and `npm test` need before they run: dependencies, Cassandra and Redis, the build
# (protobuf codegen + TypeScript) and the schema. Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { echo; echo "== $*"; }

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing npm dependencies"
  npm ci --no-audit --no-fund
fi
step "starting Cassandra and Redis"
bash scripts/infra.sh up
step "building (buf generate + tsc)"
npm run --silent build
step "migrating the schema"
node dist/scripts/migrate.js
