#!/usr/bin/env bash
# `make run`: starts the infrastructure and every process of the mesh; Ctrl-C stops it all.
# `make run-dev` (run.sh --web-dev) also starts Vite's dev server for web/ on :5173, which
# reloads the dashboard on every edit and sends the API on to the gateway.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
vite_pid=
stop_all() {
  # A second Ctrl-C, or the terminal closing, must not cut the clean-up short.
  trap '' INT TERM HUP PIPE
  if [[ -n "$vite_pid" ]]; then kill "$vite_pid" 2>/dev/null || true; fi
  deploy/local/with-profile.sh run deploy/local/infra.sh stop || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM
deploy/local/with-profile.sh run deploy/local/infra.sh start
if [[ "${1:-}" == "--web-dev" ]]; then
  (cd web && exec npm run dev -- --host 127.0.0.1 --strictPort) &
  vite_pid=$!
  echo "web: Vite dev server on http://localhost:5173 (pid $vite_pid)"
fi
.venv/bin/python -m devstack up run
