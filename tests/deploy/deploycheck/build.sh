#!/usr/bin/env bash
# Builds expe-deploycheck (the validator tests/deploy uses) into ${EXPE_HOME:-$HOME/.cache/expe}/bin.
# Idempotent: rebuilds only when main.go, go.mod or go.sum change. Needs Go; modules come from the
# Go module proxy. Prints the binary's path on its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXPE_HOME="${EXPE_HOME:-$HOME/.cache/expe}"
BIN_DIR="$EXPE_HOME/bin"
BIN="$BIN_DIR/expe-deploycheck"
STAMP="$BIN_DIR/.expe-deploycheck.sum"

sum="$(cat "$here/main.go" "$here/go.mod" "$here/go.sum" | sha256sum | cut -d' ' -f1)"
if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$sum" ]]; then
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { echo "deploycheck: go is required" >&2; exit 1; }
mkdir -p "$BIN_DIR"
start=$(date +%s)
(cd "$here" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -trimpath -buildvcs=false" go build -ldflags "-s -w" -o "$BIN" .)
echo "$sum" > "$STAMP"
echo "built expe-deploycheck in $(( $(date +%s) - start ))s" >&2
echo "$BIN"
