"""Running schemathesis over the gateway's OpenAPI document, as tests/e2e/test_openapi.py (every
check, as a merchant's server and as a person) and tests/security/test_fuzz_api.py (no server
error, more examples, as every kind of caller) do."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from devstack.profile import REPO

# Query parameters the API does not know are ignored, as most HTTP APIs do (bodies, whose
# models forbid unknown fields, are still sent some): a GET is not expected to refuse them.
GET_CONFIG = """
[[operations]]
include-method = "GET"
generation.allow-extra-parameters = false
"""
# The dashboard's routes answer people (an access token); the rest answer a merchant's server.
DASHBOARD = r"^/api/v1/(auth|merchants|projects|api-keys|invitations|admin)/"
# Dashboard routes that would end the run's own session or lock its account.
DASHBOARD_EXCLUDED = r"^/api/v1/auth/(logout|password/change|2fa/.*)$"
# Deleting the account asks for the password again: the fuzzer's wrong guesses count against
# the address's failed logins (127.0.0.1, as for the rest of the suite) until logins wait.
ACCOUNT_DELETION = "deleteMe"
# Its hooks give every request an Idempotency-Key of its own.
_HOOKS = Path(__file__).with_name("openapi_hooks.py")


def run_schemathesis(gateway_url: str, config: Path, *options: str, timeout: float) -> None:
    """Runs schemathesis with `options` over every operation; fails with what it printed."""
    command = [
        str(REPO / ".venv" / "bin" / "st"),
        "--config-file",
        str(config),
        "run",
        f"{gateway_url}/openapi.json",
        # Under the test mode key's rate limit, so answers are the API's, not 429s.
        "--rate-limit",
        "20/s",
        "--request-timeout",
        "20",
        "--no-color",
        *options,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(_HOOKS)},
    )
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-4000:]
