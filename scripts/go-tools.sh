#!/usr/bin/env bash
# Installs the Go command-line tools the tests and benchmarks use (grpcurl, kustomize, ghz, vegeta, and the Go code
# generators of the Go client) into .local/bin with
# `go install` from the Go module proxy, if they are not there yet. Prints the folder to put on PATH.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/.local/bin"
mkdir -p "$bin"

declare -A modules=(
  [grpcurl]="github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3"
  [ghz]="github.com/bojand/ghz/cmd/ghz@v0.120.0"
  [kustomize]="sigs.k8s.io/kustomize/kustomize/v5@v5.5.0"
  [vegeta]="github.com/tsenart/vegeta/v12@v12.13.0"
  [protoc-gen-go]="google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12"
  [protoc-gen-go-grpc]="google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1"
)

for tool in "${@:-grpcurl}"; do
  if [[ -x "$bin/$tool" ]]; then continue; fi
  command -v go >/dev/null || { echo "[go-tools] go is required to install $tool" >&2; exit 1; }
  echo "[go-tools] go install ${modules[$tool]}" >&2
  GOBIN="$bin" GOFLAGS=-mod=mod go install "${modules[$tool]}" >&2
done
echo "$bin"
