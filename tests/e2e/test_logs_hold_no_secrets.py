"""After the whole e2e run, no password, token or API key the tests used is in any log line,
neither in the services' logs nor in the infrastructure's; and a clean start logged no error."""

from __future__ import annotations

import pytest

from devstack.accounts import SEEN
from devstack.profile import Profile
from tests.e2e.conftest import StartLogs

pytestmark = pytest.mark.e2e


def test_no_secret_reached_any_log(profile: Profile, stack: object) -> None:
    assert len(SEEN.values) >= 5, "the e2e run should have handled passwords, tokens and keys"
    logs = sorted((profile.data_dir / "logs").glob("*.log"))
    assert {"gateway.log", "auth.log", "kafka.log", "store.log"} <= {p.name for p in logs}
    leaks = {
        (path.name, secret[:10])
        for path in logs
        for line in path.read_text(errors="replace").splitlines()
        for secret in SEEN.values
        if secret in line
    }
    assert not leaks


def test_a_clean_start_logs_no_error(start_logs: StartLogs) -> None:
    errors = [
        (name, line[:300])
        for name, lines in start_logs.lines.items()
        for line in lines
        if '"level":"error"' in line
    ]
    assert len(start_logs.lines) == 7 and all(start_logs.lines.values())
    assert errors == []
