#!/usr/bin/env bash
# `npm test`: prepare everything (as `npm start` does), install the Go tools, then run every vitest suite: unit
# tests, integration tests against the real Cassandra and Redis, end-to-end tests of the processes; then, one file
# at a time, the suites that load the whole machine or stop shared infrastructure (test/serial: fuzzing, crashes);
# then, without arguments, every benchmark in its quick form (`npm run bench -- --quick`: each must run to the end;
# its figures are printed, not kept). Arguments (file filters, vitest flags) go to both test phases.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/prepare.sh
echo; echo "== installing Go tools (grpcurl, kustomize)"
PATH="$(bash scripts/go-tools.sh grpcurl kustomize):$PATH"
export PATH
echo; echo "== installing Prometheus (for the observability tests)"
bash scripts/prometheus.sh install
echo; echo "== generating the Python and Go clients (scripts/generate-clients.sh)"
bash scripts/generate-clients.sh
echo; echo "== installing Chromium (for the dashboard test)"
CHROMIUM_PATH="$(bash scripts/chromium.sh)"
export CHROMIUM_PATH
status=0
echo; echo "== running tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=.local/vitest-report.json --passWithNoTests "$@" || status=$?
echo; echo "== running serial tests (fuzzing, crashes)"
npx vitest run -c vitest.serial.config.ts --reporter=default --reporter=json --outputFile.json=.local/vitest-serial-report.json \
  --passWithNoTests "$@" || status=$?
if (( $# == 0 )); then
  echo; echo "== quick benchmarks (npm run bench -- --quick)"
  node dist/bench/all.js --quick || status=$?
fi
node -e '
  const fs = require("fs");
  const reports = process.argv.slice(1).filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const sum = (key) => reports.reduce((total, r) => total + r[key], 0);
  console.log(`\ntests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests")} skipped`);
' .local/vitest-report.json .local/vitest-serial-report.json || true
exit "$status"
