"""The signature scheme against the Standard Webhooks reference library, both ways."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.webhooks.signing import (
    MalformedSecret,
    new_secret,
    secret_bytes,
    signature,
    signed_headers,
    verify,
)

BODY = b'{"id":"evt_1","type":"payment.completed","data":{"amount":100}}'
TOLERANCE = 300


def test_new_secrets_are_whsec_base64_and_distinct() -> None:
    made = {new_secret() for _ in range(50)}
    assert len(made) == 50
    for secret in made:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) >= 24


def test_what_we_sign_the_reference_library_verifies() -> None:
    secret = new_secret()
    headers = signed_headers([secret], "msg_1", BODY)
    assert Webhook(secret).verify(BODY, headers)["type"] == "payment.completed"
    assert headers["webhook-id"] == "msg_1"
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 5


def test_what_the_reference_library_signs_we_verify() -> None:
    secret = new_secret()
    now = datetime.now(UTC)
    headers = {
        "webhook-id": "msg_2",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_2", now, BODY.decode()),
    }
    assert verify(secret, BODY, headers, tolerance_seconds=TOLERANCE).valid


def test_our_signature_is_the_reference_signature() -> None:
    secret = new_secret()
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    ours = signature(secret, "msg_3", int(at.timestamp()), BODY)
    assert ours == Webhook(secret).sign("msg_3", at, BODY.decode())


def test_two_secrets_make_two_signatures_each_verifies_alone() -> None:
    new, old = new_secret(), new_secret()
    headers = signed_headers([new, old], "msg_4", BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_verify_says_what_is_wrong() -> None:
    secret = new_secret()
    at = 1_900_000_000
    headers = signed_headers([secret], "msg_5", BODY, timestamp=at)

    def reason(**changes: object) -> str | None:
        given = {
            "secret": secret,
            "body": BODY,
            "headers": headers,
            "tolerance_seconds": TOLERANCE,
            "now": at + 10,
            **changes,
        }
        return verify(**given).reason  # type: ignore[arg-type]

    assert reason() is None
    assert reason(now=at + TOLERANCE + 1) == "timestamp_outside_tolerance"
    assert reason(now=at - TOLERANCE - 1) == "timestamp_outside_tolerance"
    assert reason(body=BODY + b" ") == "signature_mismatch"
    assert reason(secret=new_secret()) == "signature_mismatch"
    assert reason(secret="whsec_!!") == "malformed_secret"
    assert reason(headers={**headers, "webhook-id": "msg_other"}) == "signature_mismatch"
    assert reason(headers={**headers, "webhook-signature": "v1,"}) == "malformed_header"
    assert reason(headers={**headers, "webhook-signature": "v2,abc"}) == "malformed_header"
    assert reason(headers={**headers, "webhook-timestamp": "soon"}) == "malformed_header"
    missing = {k: v for k, v in headers.items() if k != "webhook-signature"}
    assert reason(headers=missing) == "missing_header"
    shouted = {k.upper(): v for k, v in headers.items()}
    assert reason(headers=shouted) is None


@pytest.mark.parametrize("secret", ["whsec_", "whsec_not base64", ""])
def test_malformed_secrets_are_named(secret: str) -> None:
    with pytest.raises(MalformedSecret):
        secret_bytes(secret)
