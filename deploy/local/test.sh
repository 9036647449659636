#!/usr/bin/env bash
# `make test`: starts the test profile's own infrastructure (its own ports and data folder, so
# it runs beside `make run`), runs the whole suite, and stops what it started.
#
# A run that fails ends with a short digest (the failed tests, the test a dead run was inside,
# the infrastructure's complaints), because a CI log is often read from its tail only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
data=.data/test
digest() {
  echo "=== make test failed (pytest exit $1); full output in $data/pytest.log ==="
  grep -E '^(FAILED|ERROR) ' "$data/pytest.log" | head -20 || true
  # The summary line, framed by = signs or bare (-q): "3 failed, 857 passed in 350.12s".
  if ! grep -qE '^(=+ )?[0-9]+ (passed|failed|errors?|skipped|deselected).* in [0-9.]+s' "$data/pytest.log"; then
    echo "pytest ended without a summary, inside: $(cat "$data/running-test" 2>/dev/null)"
  fi
  # The infrastructure's own complaints (the e2e services' logs are in the same folder).
  for name in store kafka redis mailpit; do
    grep -hE 'Exception|ERROR|FATAL|fatal|panic' "$data/logs/$name.log" 2>/dev/null | tail -3 |
      cut -c1-200 | sed "s|^|$name.log: |" || true
  done
}
finish() {
  local status=$?
  deploy/local/with-profile.sh test deploy/local/infra.sh stop || true
  if ((status != 0)) && [[ -f "$data/pytest.log" ]]; then
    digest "$status"
  fi
}
trap finish EXIT
# A fresh data folder each run: tests never see state left by an earlier run.
rm -rf "$data"
mkdir -p "$data"
# The web app's component tests (Vitest), on a whole run; its browser tests run in pytest
# (tests/e2e/test_browser.py), against the stack the e2e tests start.
if (($# == 0)); then
  echo "web: component tests (npm test) ..."
  if ! (cd web && NO_COLOR=1 npm test) >"$data/web-test.log" 2>&1; then
    tail -n 80 "$data/web-test.log"
    echo "=== make test failed: the web app's component tests; full output in $data/web-test.log ==="
    exit 1
  fi
  # The coverage summary and the count of tests (grep reads to the end: no pipe to break).
  grep -A 5 'Coverage summary' "$data/web-test.log" || true
  grep -E '^ +Tests +' "$data/web-test.log" || true
fi
deploy/local/with-profile.sh test deploy/local/infra.sh start
EXPE_PROFILE=test EXPE_RUNNING_TEST_FILE="$data/running-test" \
  .venv/bin/python -m pytest "$@" 2>&1 | tee "$data/pytest.log"
