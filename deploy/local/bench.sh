#!/usr/bin/env bash
# `make bench`: fixed-rate load through the gateway at two sizes of history (devstack/bench.py).
# It starts its own stack (bench profile, fresh data) and stops it afterwards. Arguments go to
# `python -m devstack.bench`: `--only transfer` runs the scenarios named so, `--find-max` also
# searches the highest create rate holding p95 <= 100 ms, `--sizes 1000` skips the 100k round.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/common.sh
export PATH="$EXPE_BIN:$PATH"
trap 'deploy/local/with-profile.sh bench deploy/local/infra.sh stop || true' EXIT
# A fresh data folder: figures do not depend on what an earlier run left behind.
rm -rf .data/bench
deploy/local/with-profile.sh bench deploy/local/infra.sh start
.venv/bin/python -m devstack.bench --profile bench "$@"
