"""The endpoint validator (a signed ping now) and the signature verify helper."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from devstack.profile import Profile
from devstack.serving import free_port
from services.webhooks.signing import new_secret
from tests.callers import member
from tests.receivers import Answer, Receiver, receiving
from tests.services.webhooks.conftest import ENDPOINTS, Service, error_of, running

pytestmark = pytest.mark.infra

VERIFY = "/api/v1/webhooks/verify"


def test_a_ping_reports_the_receivers_answer(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    pinged = api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/ping"))
    (request,) = receiver.requests
    payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    attempt = api.attempt(pinged["attemptId"])
    assert (pinged["endpointId"], pinged["ok"], pinged["status"], pinged["error"]) == (
        endpoint["id"],
        True,
        200,
        None,
    )
    assert isinstance(pinged["latencyMs"], float | int) and pinged["latencyMs"] >= 0
    assert payload["type"] == "webhook.ping" and payload["data"] == {"test": True}
    assert (attempt["trigger"], attempt["messageId"], attempt["status"]) == (
        "ping",
        None,
        "succeeded",
    )
    assert api.messages() == []


def test_a_ping_names_an_error_answer(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    receiver.answer_with(Answer(500, body="boom"))
    endpoint = api.create_endpoint(receiver.url)
    pinged = api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/ping"))
    assert (pinged["ok"], pinged["status"], pinged["error"]["code"]) == (False, 500, "http_status")


def test_a_ping_to_nothing_listening_is_a_connection_error(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(f"http://127.0.0.1:{free_port()}/hooks")
    pinged = api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/ping"))
    assert (pinged["ok"], pinged["status"], pinged["error"]["code"]) == (
        False,
        None,
        "connection_error",
    )
    assert api.attempt(pinged["attemptId"])["error"]["code"] == "connection_error"


def test_a_ping_waits_for_the_inline_timeout_only(profile: Profile) -> None:
    """Its answer must reach the caller before the gateway gives up on the request."""
    with (
        running(profile, inline_timeout_seconds=0.5) as webhooks,
        receiving(Receiver(default=Answer(delay=3))) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        pinged = api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/ping"))
    assert (pinged["ok"], pinged["error"]["code"]) == (False, "timeout")
    assert pinged["latencyMs"] < 2000


def test_viewers_cannot_ping(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    viewer = api.as_(member(webhooks.merchant_id, "viewer"))
    assert error_of(viewer.post(f"{ENDPOINTS}/{endpoint['id']}/ping")) == (
        403,
        "permission_denied",
    )
    assert receiver.requests == []


def _signed(secret: str, body: str, at: datetime | None = None) -> dict[str, str]:
    """Headers as a Standard Webhooks sender makes them, by the reference library."""
    when = at or datetime.now(UTC)
    msg_id = "msg_reference"
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body),
    }


BODY = json.dumps({"id": "evt_1", "type": "payment.completed", "data": {"amount": 100}})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("nothing", None),
        ("tampered_body", "signature_mismatch"),
        ("other_secret", "signature_mismatch"),
        ("old_timestamp", "timestamp_outside_tolerance"),
        ("future_timestamp", "timestamp_outside_tolerance"),
        ("missing_header", "missing_header"),
        ("garbage_signature", "malformed_header"),
        ("garbage_timestamp", "malformed_header"),
        ("malformed_secret", "malformed_secret"),
    ],
)
def test_the_verify_helper_says_why_a_signature_fails(
    webhooks: Service, change: str, reason: str | None
) -> None:
    secret = new_secret()
    body, headers, given_secret = BODY, _signed(secret, BODY), secret
    if change == "tampered_body":
        body = BODY.replace("100", "1000")
    elif change == "other_secret":
        given_secret = new_secret()
    elif change in ("old_timestamp", "future_timestamp"):
        shift = timedelta(minutes=10 if change == "future_timestamp" else -10)
        headers = _signed(secret, BODY, datetime.now(UTC) + shift)
    elif change == "missing_header":
        del headers["webhook-timestamp"]
    elif change == "garbage_signature":
        headers["webhook-signature"] = "not-a-signature"
    elif change == "garbage_timestamp":
        headers["webhook-timestamp"] = "yesterday"
    elif change == "malformed_secret":
        given_secret = "whsec_%%%"
    api = webhooks.api()
    result = api.ok(api.post(VERIFY, {"body": body, "headers": headers, "secret": given_secret}))
    assert (result["valid"], result["reason"]) == (reason is None, reason)
    assert result["message"]


def test_the_verify_helper_takes_header_names_in_any_case_and_two_signatures(
    webhooks: Service,
) -> None:
    secret, old = new_secret(), new_secret()
    headers = _signed(secret, BODY)
    at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    both = f"{Webhook(old).sign('msg_reference', at, BODY)} {headers['webhook-signature']}"
    shouted = {
        "Webhook-Id": headers["webhook-id"],
        "WEBHOOK-TIMESTAMP": headers["webhook-timestamp"],
        "Webhook-Signature": both,
    }
    api = webhooks.api()
    result = api.ok(api.post(VERIFY, {"body": BODY, "headers": shouted, "secret": secret}))
    assert result == {"valid": True, "reason": None, "message": result["message"]}


def test_the_verify_helper_takes_a_wider_tolerance_when_asked(webhooks: Service) -> None:
    secret = new_secret()
    headers = _signed(secret, BODY, datetime.now(UTC) - timedelta(hours=1))
    body = {"body": BODY, "headers": headers, "secret": secret, "toleranceSeconds": 7200}
    api = webhooks.api()
    assert api.ok(api.post(VERIFY, body))["valid"] is True


def test_the_verify_helper_accepts_what_a_delivery_carried(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    api.send_test(endpoint["id"])
    (request,) = receiver.wait_for(1)
    headers = {k: v for k, v in request.headers.items() if k.startswith("webhook-")}
    body = {"body": request.body.decode(), "headers": headers, "secret": endpoint["secret"]}
    assert api.ok(api.post(VERIFY, body))["valid"] is True
