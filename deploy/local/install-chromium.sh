#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (playwright-core drives it; no browser is ever
# downloaded by a test tool). Skipped when a chromium is on PATH already.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium: system ($(chromium --version 2>/dev/null | head -n 1))"
  exit 0
fi
echo "chromium: installing the Debian package (apt) ..."
sudo=()
((EUID == 0)) || sudo=(sudo)
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
echo "chromium: installed ($(chromium --version 2>/dev/null | head -n 1))"
