#!/usr/bin/env bash
# `npm test`: prepare everything (as `npm start` does), install the Go tools, then run every vitest suite:
# unit tests, integration tests against the real Cassandra and Redis, end-to-end tests of the processes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/prepare.sh
echo; echo "== installing Go tools (grpcurl, kustomize)"
PATH="$(bash scripts/go-tools.sh grpcurl kustomize):$PATH"
export PATH
echo; echo "== running tests"
report=.local/vitest-report.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$report" || true
exit "$status"
