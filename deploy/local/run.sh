#!/usr/bin/env bash
# `make run`: starts the infrastructure and every process of the mesh; Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
stop_all() {
  # A second Ctrl-C, or the terminal closing, must not cut the clean-up short.
  trap '' INT TERM HUP PIPE
  deploy/local/with-profile.sh run deploy/local/infra.sh stop || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM
deploy/local/with-profile.sh run deploy/local/infra.sh start
.venv/bin/python -m devstack up run
