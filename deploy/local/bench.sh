#!/usr/bin/env bash
# `make bench`: fixed-rate load through the gateway, reported by vegeta.
# By default it starts its own stack (bench profile) and stops it afterwards; with
# BENCH_TARGET=http://127.0.0.1:8000 BENCH_KEY=sk_test_... it loads an already running gateway.
# Arguments go to `python -m devstack.bench`: `--only webhook` runs the scenarios named so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/common.sh
export PATH="$EXPE_BIN:$PATH"
if [[ -n "${BENCH_TARGET:-}" ]]; then
  exec .venv/bin/python -m devstack.bench --target "$BENCH_TARGET" --key "${BENCH_KEY:-}" "$@"
fi
trap 'deploy/local/with-profile.sh bench deploy/local/infra.sh stop || true' EXIT
# A fresh data folder: figures do not depend on what an earlier run left behind.
rm -rf .data/bench
deploy/local/with-profile.sh bench deploy/local/infra.sh start
.venv/bin/python -m devstack.bench --profile bench "$@"
