#!/usr/bin/env bash
# Installs the tools this project needs that are not on npm, pinned, into .tools/bin.
# Each tool is skipped when the pinned version is already present.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${CEREMONY_TOOLS_DIR:-$ROOT/.tools}"
BIN_DIR="$TOOLS_DIR/bin"
mkdir -p "$BIN_DIR"

TEMPORAL_MODULE="github.com/temporalio/cli/cmd/temporal"
TEMPORAL_VERSION="v1.5.1"
MINIO_MODULE="github.com/minio/minio"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
HELM_MODULE="helm.sh/helm/v3/cmd/helm"
HELM_VERSION="v3.17.3"
PROMTOOL_MODULE="github.com/prometheus/prometheus/cmd/promtool"
PROMTOOL_VERSION="v0.316.0"

log() { printf '[install-tools] %s\n' "$*" >&2; }

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "Go is required to build $1 but 'go' is not on PATH."
    log "Install Go 1.24 or newer (Debian: apt-get install golang-go, or https://go.dev/dl) and run this again."
    exit 3
  fi
}

# go_tool NAME MODULE VERSION: builds MODULE@VERSION into $BIN_DIR/NAME unless the stamp matches.
go_tool() {
  local name="$1" module="$2" version="$3"
  local stamp="$BIN_DIR/.$name.version"
  if [[ -x "$BIN_DIR/$name" && -f "$stamp" && "$(cat "$stamp")" == "$module@$version" ]]; then
    log "$name $version present"
    return 0
  fi
  need_go "$name"
  log "building $name $version with go install (first time only, takes a few minutes)"
  GOBIN="$BIN_DIR" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath" go install "$module@$version"
  printf '%s' "$module@$version" >"$stamp"
  log "$name $version installed in $BIN_DIR"
}

want="${*:-temporal minio}"
for tool in $want; do
  case "$tool" in
    temporal) go_tool temporal "$TEMPORAL_MODULE" "$TEMPORAL_VERSION" ;;
    minio) go_tool minio "$MINIO_MODULE" "$MINIO_VERSION" ;;
    helm) go_tool helm "$HELM_MODULE" "$HELM_VERSION" ;;
    promtool) go_tool promtool "$PROMTOOL_MODULE" "$PROMTOOL_VERSION" ;;
    *) log "unknown tool '$tool' (known: temporal minio helm promtool)"; exit 2 ;;
  esac
done
