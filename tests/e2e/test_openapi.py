"""The gateway's `/openapi.json` describes the whole running API, and schemathesis, generating
requests from it through the gateway, meets no server error and only answers the document
describes (status, content type, headers, body schema)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.accounts import SEEN, sandbox_account
from tests.e2e.schemathesis_runs import (
    ACCOUNT_DELETION,
    DASHBOARD,
    DASHBOARD_EXCLUDED,
    GET_CONFIG,
    run_schemathesis,
)

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
    path.write_text(GET_CONFIG)
    return path


def schemathesis(config: Path, gateway_url: str, *options: str) -> None:
    examples = os.environ.get("EXPE_SCHEMATHESIS_EXAMPLES", "5")
    run_schemathesis(
        gateway_url,
        config,
        *("--checks", "all", "--exclude-checks", EXCLUDED_CHECKS),
        *("--max-examples", examples, "--seed", "20261201"),
        *options,
        timeout=900,
    )


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
        DASHBOARD,
        "--exclude-path-regex",
        DASHBOARD_EXCLUDED,
        "--exclude-operation-id",
        ACCOUNT_DELETION,
    )
