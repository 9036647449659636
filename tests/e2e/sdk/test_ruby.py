"""The Ruby SDK's own suite (`sdk/ruby`, minitest through rake) against the stack, and its gem."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from devstack.accounts import SEEN, sign_up
from devstack.profile import REPO
from tests.e2e.sdk.conftest import run_suite

RUBY_SDK = REPO / "sdk" / "ruby"


@pytest.mark.timeout(600)
def test_the_ruby_sdk_suite_passes(
    sdk_env: dict[str, str], gateway: httpx.Client, mailpit_url: str
) -> None:
    # A verified person for the suite's wallet transfers to pay, by email.
    recipient = sign_up(gateway, mailpit_url)
    SEEN.add(recipient.access_token)
    run_suite(
        ["rake", "test"],
        cwd=RUBY_SDK,
        env={**sdk_env, "EXPE_RECIPIENT_EMAIL": recipient.email},
        timeout=540,
    )


def test_the_gem_builds(tmp_path: Path) -> None:
    gem = tmp_path / "expe.gem"
    run_suite(["gem", "build", "expe.gemspec", "--output", str(gem)], RUBY_SDK, dict(os.environ))
    assert gem.stat().st_size > 0
