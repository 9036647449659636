"""Fixtures for the SDKs' own suites, which run as subprocesses against the stack's gateway."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from devstack.accounts import SEEN, sandbox_account
from devstack.profile import REPO


@pytest.fixture(scope="session")
def sdk_env(gateway: httpx.Client, mailpit_url: str) -> dict[str, str]:
    """The environment every SDK suite reads: the gateway's URL and a fresh sandbox merchant's
    test keys (`EXPE_API_URL`, `EXPE_SECRET_KEY`, `EXPE_PUBLISHABLE_KEY`, `EXPE_MERCHANT_ID`)."""
    account = sandbox_account(gateway, mailpit_url)
    SEEN.add(account["accessToken"])
    return {
        **os.environ,
        "EXPE_API_URL": account["apiUrl"],
        "EXPE_SECRET_KEY": account["secretKey"],
        "EXPE_PUBLISHABLE_KEY": account["publishableKey"],
        "EXPE_MERCHANT_ID": account["merchantId"],
    }


def run_suite(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> None:
    """Runs an SDK's own test command; its output becomes the failure message."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)} in {cwd.relative_to(REPO)}:\n" + (
        done.stdout[-8000:] + done.stderr[-8000:]
    )
