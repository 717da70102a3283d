#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine: npm packages (from the lock file) and
# the Go-built tools (Temporal CLI; for the tests MinIO, helm and promtool), and the web front. Each
# step is skipped when already done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[setup] %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1; then
  log "Node.js >= 20.19 is required (Debian: apt-get install nodejs npm)"; exit 3
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  log "Node.js >= 20.19 is required, found $(node --version)"; exit 3
fi

lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.ceremony-lock-sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
  log "npm packages up to date"
else
  log "installing npm packages (npm ci)"
  mkdir -p .tmp
  if ! npm ci --no-audit --no-fund --loglevel=error > .tmp/npm-ci.log 2>&1; then
    # npm 11 refuses some lock files whose optional platform packages (e.g. @swc/core-darwin-*) the
    # registry lists without entries; `npm install` installs the same pinned tree from the lock.
    log "npm ci refused the lock file (see .tmp/npm-ci.log); installing with npm install from the same lock"
    npm install --no-audit --no-fund --loglevel=error
  fi
  lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
  printf '%s' "$lock_hash" >"$stamp"
fi

bash scripts/install-tools.sh ${CEREMONY_TOOLS:-temporal minio helm promtool}

# The web front (the pages the API serves at /, /contribute and /receipt): built from web/ every
# time, in well under a second.
node_modules/.bin/tsx scripts/build-web.ts

# The workflow bundle the workflow workers load (rebuilt at a worker's start when sources changed since).
node_modules/.bin/tsx scripts/build-workflow-bundle.ts
log "ready"
