#!/usr/bin/env bash
# Builds the dashboard and the hosted checkout (web/) into web/dist, which the gateway serves at /.
# `npm ci` runs when package-lock.json changed since the last install, the build when a source
# did; otherwise this takes a second. Needs Node.js 20.19+ with npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../web"

command -v npm >/dev/null || { echo "build-web: Node.js with npm is required (apt install nodejs npm)" >&2; exit 1; }
mkdir -p ../.data
log=../.data/web-build.log

lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "$(cat node_modules/.expe-lock 2>/dev/null)" != "$lock" ]]; then
  echo "web: installing packages (npm ci) ..."
  npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
  echo "$lock" > node_modules/.expe-lock
fi

# Every file the build reads, by content: a checkout of other sources rebuilds, a touch does not.
sources=$(find src public scripts index.html package-lock.json ./*.json ./*.ts ./*.js -type f \
  -not -name '*.test.*' -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ "$(cat dist/.expe-sources 2>/dev/null)" != "$sources" ]]; then
  echo "web: building the dashboard and checkout (npm run build) ..."
  npm run build >"$log" 2>&1 || { tail -n 60 "$log" >&2; echo "build-web: FAILED (full output: $log)" >&2; exit 1; }
  sed -n '/Initial JavaScript/,$p' "$log"
  echo "$sources" > dist/.expe-sources
else
  echo "web: dist is up to date"
fi
