"""After the whole e2e run, no password, token or API key the tests used is in any log line,
neither in the services' logs nor in the infrastructure's."""

from __future__ import annotations

import pytest

from devstack.accounts import SEEN
from devstack.profile import Profile

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
