"""The Python SDK's own suite (sdk/python/tests), and its CLI, against this stack."""

from __future__ import annotations

import sys

import httpx
import pytest

from devstack.accounts import SEEN, sign_up
from devstack.profile import REPO
from tests.e2e.sdk.conftest import run_suite


@pytest.mark.timeout(900)
def test_the_python_sdk_suite_passes(
    sdk_env: dict[str, str], gateway: httpx.Client, mailpit_url: str
) -> None:
    # A verified person for the suite's wallet transfer to pay, by email.
    recipient = sign_up(gateway, mailpit_url)
    SEEN.add(recipient.access_token)
    run_suite(
        [sys.executable, "-m", "pytest", "-q", "--tb=short", "-p", "no:cacheprovider"],
        cwd=REPO / "sdk" / "python",
        env={**sdk_env, "EXPE_RECIPIENT_EMAIL": recipient.email},
        timeout=840,
    )
