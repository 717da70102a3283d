#!/usr/bin/env bash
# The main job: set up what is missing, then run the embedded stack (dev server, workers, API).
# Flags are passed to `ceremony start` (e.g. --port 8080 --data-dir ./data --config FILE).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CEREMONY_TOOLS="temporal" bash "$ROOT/scripts/setup.sh"
exec "$ROOT/bin/ceremony" start "$@"
