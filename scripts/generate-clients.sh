#!/usr/bin/env bash
# Generates the Python and Go clients from proto/ (run by `npm test` before the tests, and by hand after a proto
# change): Python with grpcio-tools (messages, stubs and type stubs) into clients/python/gen, in a virtualenv under
# .local/python that this script makes; Go with buf and the Go plugins (protoc-gen-go, protoc-gen-go-grpc, installed
# from the Go module proxy) into clients/go/gen. Both outputs are git-ignored, never edited.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
log() { echo "[clients] $*" >&2; }

venv="$repo/.local/python"
if [[ ! -x "$venv/bin/python" ]] || ! cmp -s clients/python/requirements.txt "$venv/requirements.txt"; then
  log "making the Python virtualenv (.local/python) with clients/python/requirements.txt"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r clients/python/requirements.txt
  cp clients/python/requirements.txt "$venv/requirements.txt"
fi
rm -rf clients/python/gen && mkdir -p clients/python/gen
mapfile -t protos < <(cd proto && find gamepulse -name '*.proto' | sort)
"$venv/bin/python" -m grpc_tools.protoc -I proto --python_out=clients/python/gen --pyi_out=clients/python/gen \
  --grpc_python_out=clients/python/gen "${protos[@]}"
log "python: clients/python/gen (${#protos[@]} protos)"

PATH="$(bash scripts/go-tools.sh protoc-gen-go protoc-gen-go-grpc):$PATH"
rm -rf clients/go/gen
(cd clients/go && "$repo/node_modules/.bin/buf" generate --template buf.gen.yaml)
log "go: clients/go/gen"
