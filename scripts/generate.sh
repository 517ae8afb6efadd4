#!/usr/bin/env bash
# Code generation (part of `npm run build`): TypeScript from proto/ with buf's local plugins, and the descriptor
# sets that server reflection serves (ours, plus grpc.health.v1 and grpc.reflection.v1 from their npm packages).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

buf=node_modules/.bin/buf
rm -rf gen
"$buf" generate
mkdir -p gen/descriptors
"$buf" build proto --as-file-descriptor-set -o gen/descriptors/gamepulse.binpb
"$buf" build node_modules/grpc-health-check/proto --as-file-descriptor-set -o gen/descriptors/health.binpb
reflection=node_modules/@grpc/reflection/build/proto
"$buf" build "$reflection" --path "$reflection/grpc/reflection/v1" --as-file-descriptor-set \
  -o gen/descriptors/reflection.binpb
