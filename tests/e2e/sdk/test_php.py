"""The PHP SDK's own suite (`sdk/php`, PHPUnit) against the stack."""

from __future__ import annotations

import httpx
import pytest

from devstack.accounts import SEEN, sign_up
from devstack.profile import REPO
from tests.e2e.sdk.conftest import run_suite


@pytest.mark.timeout(600)
def test_the_php_sdk_suite_passes(
    sdk_env: dict[str, str], gateway: httpx.Client, mailpit_url: str
) -> None:
    # A verified person for the suite's wallet transfers to pay, by email.
    recipient = sign_up(gateway, mailpit_url)
    SEEN.add(recipient.access_token)
    run_suite(
        ["phpunit", "--colors=never"],
        cwd=REPO / "sdk" / "php",
        env={**sdk_env, "EXPE_RECIPIENT_EMAIL": recipient.email},
        timeout=540,
    )
