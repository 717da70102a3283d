#!/usr/bin/env bash
# Debian's chromium, for the browser tests (driven by playwright-core; no browser download works
# here). Skipped when /usr/bin/chromium is there.
set -euo pipefail
log() { printf '[chromium] %s\n' "$*" >&2; }
if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "/usr/bin/chromium is missing and this is not a Debian-like system: install Chromium at /usr/bin/chromium"; exit 3
fi
run() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else log "need root (or sudo) to run: $*"; exit 3; fi; }
log "installing Debian's chromium (apt-get install -y chromium)"
mkdir -p .tmp
if ! run apt-get install -y -q chromium > .tmp/chromium-install.log 2>&1; then
  run apt-get update -q >> .tmp/chromium-install.log 2>&1
  run apt-get install -y -q chromium >> .tmp/chromium-install.log 2>&1 || { log "apt-get failed; see .tmp/chromium-install.log"; exit 3; }
fi
log "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
