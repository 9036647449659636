"""A merchant's owner exports the audit log with `expe audit export` and checks it offline with
`expe audit verify`, run as the installed command is: a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from devstack.accounts import bearer, create_key, sign_up, unique_email
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import new_account

pytestmark = pytest.mark.e2e


VISA_OK = {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}


def _refunded_payment(gateway: httpx.Client, secret_key: str) -> str:
    created = gateway.post(
        "/api/v1/payments",
        json={"amount": 30_000, "currency": "INR", "orderId": "order-audited"},
        headers={**bearer(secret_key), "Idempotency-Key": unique_email("audited-order")},
    ).json()
    paid = gateway.post(
        f"/api/v1/checkout/payments/{created['id']}/confirm",
        json={"method": "card", "card": VISA_OK},
        headers={"Expe-Client-Secret": created["clientSecret"]},
    )
    assert paid.json()["status"] == "succeeded", paid.text
    refund = gateway.post(
        f"/api/v1/payments/{created['id']}/refund",
        json={"amount": 5_000, "reason": "damaged"},
        headers={**bearer(secret_key), "Idempotency-Key": unique_email("audited-refund")},
    )
    assert refund.status_code == 201, refund.text
    return str(refund.json()["id"])


def expe(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "expe", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_export_verifies_offline_until_an_entry_is_changed_removed_or_moved(
    gateway: httpx.Client, mailpit_url: str, stack: Stack, tmp_path: Path
) -> None:
    owner = sign_up(gateway, mailpit_url, unique_email("auditor"))
    account = new_account(gateway, owner)
    create_key(gateway, account.merchant, type="publishable")
    refund_id = _refunded_payment(gateway, account.secret_key)
    log_url = f"/api/v1/merchants/{account.merchant_id}/audit-logs"

    def refund_audited() -> dict | None:
        found = gateway.get(log_url, params={"action": "refund.created"}, headers=owner.headers())
        return next(iter(found.json()["data"]), None)

    # Payments reports the refund through its outbox and Kafka; auth appends it.
    refunded = wait_until(refund_audited, timeout=30, what="the refund in the audit log")
    assert refunded["target"]["refundId"] == refund_id
    assert (refunded["target"]["amount"], refunded["actor"]["type"]) == (5_000, "api_key")
    assert refunded["actor"]["keyId"].startswith("key_")  # the secret key that refunded
    env = {
        **{name: value for name, value in os.environ.items() if name != "EXPE_API_KEY"},
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "EXPE_API_URL": stack["gateway"].url,
    }
    export = tmp_path / "audit.jsonl"

    unauthorized = expe("audit", "export", "--merchant", account.merchant_id, env=env)
    exported = expe(
        "audit", "export", "--merchant", account.merchant_id, "-o", str(export),
        env={**env, "EXPE_ACCESS_TOKEN": owner.access_token},
    )  # fmt: skip
    assert unauthorized.returncode == 2 and "EXPE_ACCESS_TOKEN" in unauthorized.stderr
    assert exported.returncode == 0, exported.stderr
    lines = export.read_text().splitlines()
    actions = [json.loads(line)["action"] for line in lines]
    assert actions == [
        "merchant.created",
        "project.created",
        "api_key.created",
        "api_key.created",
        "refund.created",
        "audit_log.exported",
    ]
    assert f"{len(lines)} entries written" in exported.stderr

    whole = expe("audit", "verify", str(export), env=env)
    assert (whole.returncode, whole.stdout.strip()) == (
        0,
        "valid: 6 entries, each unchanged and in order.",
    )
    edited = json.loads(lines[2])
    edited["target"]["type"] = "restricted"
    tampered = {
        "edited": [*lines[:2], json.dumps(edited), *lines[3:]],
        "removed": [*lines[:1], *lines[2:]],
        "swapped": [lines[0], lines[2], lines[1], *lines[3:]],
    }
    reports = {}
    for name, content in tampered.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(content) + "\n")
        checked = expe("audit", "verify", str(path), "--json", env=env)
        reports[name] = (checked.returncode, json.loads(checked.stdout))
    assert reports == {
        "edited": (1, {"valid": False, "entries": 2, "brokenAt": 3}),
        "removed": (1, {"valid": False, "entries": 1, "brokenAt": 2}),
        "swapped": (1, {"valid": False, "entries": 1, "brokenAt": 2}),
    }

    # The service agrees with the file: the stored chain is whole.
    verified = gateway.get(
        f"/api/v1/merchants/{account.merchant_id}/audit-logs/verify", headers=owner.headers()
    )
    assert verified.json() == {"valid": True, "entries": 6, "brokenAt": None}
