#!/usr/bin/env bash
# The whole test suite: set up what is missing, type check, lint, audit, then every test
# against the real Temporal dev server and a real MinIO.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/install-chromium.sh
echo "== type check"; npx tsc --noEmit -p tsconfig.json && npx tsc --noEmit -p web/tsconfig.json
echo "== lint"; npm run --silent lint
echo "== audit"; bash scripts/audit.sh
echo "== tests"; npx vitest run "$@"
