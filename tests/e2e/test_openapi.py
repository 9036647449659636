"""The gateway's `/openapi.json` describes the whole running API, and schemathesis, generating
requests from it through the gateway, meets no server error and only answers the document
describes (status, content type, headers, body schema)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.accounts import SEEN, sandbox_account
from devstack.profile import REPO

pytestmark = pytest.mark.e2e

# Left out, and why:
# - positive_data_acceptance: a request the schema allows may still be refused for a rule no
#   schema states (an unknown time zone, a refund beyond what is left, a wallet short of funds);
#   those refusals are documented answers, checked by the other checks.
# - unsupported_method, allow_header_conformance: the gateway routes by path prefix and
#   authenticates before a service says whether a method exists, so an unknown method on a
#   protected path answers 401 or 403 rather than 405, and a 405's `Allow` names what the gateway
#   forwards, not what the service serves.
EXCLUDED_CHECKS = "positive_data_acceptance,unsupported_method,allow_header_conformance"
# Query parameters the API does not know are ignored, as most HTTP APIs do (bodies, whose
# models forbid unknown fields, are still sent some): a GET is not expected to refuse them.
CONFIG = """
[[operations]]
include-method = "GET"
generation.allow-extra-parameters = false
"""
# Dashboard routes that would end the run's own session or lock its account.
DASHBOARD_EXCLUDED = r"^/api/v1/auth/(logout|password/change|2fa/.*)$"


@pytest.fixture(scope="module")
def account(gateway: httpx.Client, mailpit_url: str) -> dict[str, str]:
    account = sandbox_account(gateway, mailpit_url)
    SEEN.add(account["accessToken"])
    return account


def test_the_document_holds_every_service_and_the_readers_are_served(
    gateway: httpx.Client,
) -> None:
    document: dict[str, Any] = gateway.get("/openapi.json").json()
    assert "x-expe-missing" not in document
    assert document["openapi"].startswith("3.1")
    tags = {
        tag for item in document["paths"].values() for op in item.values() for tag in op["tags"]
    }
    assert {"payments", "checkout", "wallets", "webhooks", "analytics", "gateway", "auth"} <= tags
    for page, asset in (
        ("/docs", "/reference/swagger-ui-bundle.js"),
        ("/redoc", "/reference/redoc.standalone.js"),
    ):
        html = gateway.get(page)
        assert html.status_code == 200 and asset in html.text
        assert "'self'" in html.headers["content-security-policy"]
        assert gateway.get(asset).status_code == 200


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schemathesis") / "schemathesis.toml"
    path.write_text(CONFIG)
    return path


def schemathesis(config: Path, gateway_url: str, *options: str) -> None:
    command = [
        str(REPO / ".venv" / "bin" / "st"),
        "--config-file",
        str(config),
        "run",
        f"{gateway_url}/openapi.json",
        "--checks",
        "all",
        "--exclude-checks",
        EXCLUDED_CHECKS,
        "--max-examples",
        os.environ.get("EXPE_SCHEMATHESIS_EXAMPLES", "5"),
        "--seed",
        "20261201",
        # Under the test mode key's rate limit, so answers are the API's, not 429s.
        "--rate-limit",
        "20/s",
        "--request-timeout",
        "20",
        "--no-color",
        *options,
    ]
    hooks = {"SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("openapi_hooks.py"))}
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, **hooks},
    )
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-4000:]


# A whole run over every operation takes minutes (the subprocess is given 900 s).
@pytest.mark.timeout(960)
def test_schemathesis_with_a_secret_key(
    gateway: httpx.Client, account: dict[str, str], config: Path
) -> None:
    schemathesis(
        config,
        str(gateway.base_url).rstrip("/"),
        "--header",
        f"Authorization: Bearer {account['secretKey']}",
    )


@pytest.mark.timeout(960)
def test_schemathesis_with_a_dashboard_login(
    gateway: httpx.Client, account: dict[str, str], config: Path
) -> None:
    schemathesis(
        config,
        str(gateway.base_url).rstrip("/"),
        "--header",
        f"Authorization: Bearer {account['accessToken']}",
        "--header",
        f"Expe-Merchant: {account['merchantId']}",
        "--include-path-regex",
        r"^/api/v1/(auth|merchants|projects|api-keys|invitations|admin)/",
        "--exclude-path-regex",
        DASHBOARD_EXCLUDED,
    )
