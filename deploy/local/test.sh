#!/usr/bin/env bash
# `make test`: starts the test profile's own infrastructure (its own ports and data folder, so
# it runs beside `make run`), runs the whole suite, and stops what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
trap 'deploy/local/with-profile.sh test deploy/local/infra.sh stop || true' EXIT
# A fresh data folder each run: tests never see state left by an earlier run.
rm -rf .data/test
deploy/local/with-profile.sh test deploy/local/infra.sh start
EXPE_PROFILE=test .venv/bin/python -m pytest "$@"
