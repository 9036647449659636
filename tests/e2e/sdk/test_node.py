"""The Node SDK's own suite (`sdk/node`, `npm test` with node --test) against the stack."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from devstack.accounts import sign_up
from devstack.profile import REPO
from tests.e2e.sdk.conftest import run_suite

NODE_SDK = REPO / "sdk" / "node"
# As deploy/local/build-web.sh does for web/: `npm ci` again only when the lockfile changed.
INSTALLED_LOCK = NODE_SDK / "node_modules" / ".expe-lock"


def _install(env: dict[str, str]) -> None:
    lock = hashlib.sha256((NODE_SDK / "package-lock.json").read_bytes()).hexdigest()
    if INSTALLED_LOCK.is_file() and INSTALLED_LOCK.read_text().strip() == lock:
        return
    run_suite(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], NODE_SDK, env)
    INSTALLED_LOCK.write_text(lock + "\n")


@pytest.mark.timeout(900)
def test_node_sdk(sdk_env: dict[str, str], gateway: httpx.Client, mailpit_url: str) -> None:
    # Transfers by email need a verified user other than the merchant.
    recipient = sign_up(gateway, mailpit_url)
    env = {**sdk_env, "EXPE_RECIPIENT_EMAIL": recipient.email, "NO_COLOR": "1"}
    _install(env)
    # `npm test` builds dist (CommonJS and ES modules) and the suite before running it.
    run_suite(["npm", "test"], NODE_SDK, env, timeout=800)
