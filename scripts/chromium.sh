#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser test (driven by puppeteer-core): installed with apt-get if missing.
# Prints the path of the browser.
set -euo pipefail

log() { echo "[chromium] $*" >&2; }

if ! command -v chromium >/dev/null; then
  log "installing Debian's chromium (once; a few minutes)..."
  sudo=""
  [[ "$(id -u)" != 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  log "installed: $(chromium --version 2>/dev/null || echo '?')"
fi
command -v chromium
