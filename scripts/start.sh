#!/usr/bin/env bash
# `npm start`: prepare everything, then run all services and the gateway until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/prepare.sh
exec node dist/scripts/start.js
