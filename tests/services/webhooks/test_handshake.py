"""The endpoint handshake: an endpoint that asks for verification gets a signed challenge when it
is saved and receives nothing until it echoes it; what went wrong is on the endpoint."""

from __future__ import annotations

import base64
import secrets
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from devstack.profile import Profile
from devstack.serving import free_port
from tests.callers import member
from tests.receivers import Answer, Receiver, receiving
from tests.services.webhooks.conftest import ENDPOINTS, Api, Service, error_of, running

pytestmark = pytest.mark.infra

ECHO = Answer(echo="json")


def challenged(api: Api, url: str, **fields: Any) -> dict[str, Any]:
    return api.create_endpoint(url, verification="challenge", **fields)


def verify_again(api: Api, endpoint_id: str) -> dict[str, Any]:
    return api.ok(api.post(f"{ENDPOINTS}/{endpoint_id}/verify"))


@pytest.mark.parametrize("echo", [ECHO, Answer(echo="text")], ids=["json", "text"])
def test_an_endpoint_that_echoes_the_challenge_is_enabled_at_once(
    webhooks: Service, receiver: Receiver, echo: Answer
) -> None:
    receiver.answer_with(echo)
    api = webhooks.api()
    created = challenged(api, receiver.url)
    (request,) = receiver.requests
    event = Webhook(created["secret"]).verify(request.body, request.headers)
    handshake = created["handshake"]
    assert (created["status"], created["enabled"], created["verification"]) == (
        "enabled",
        True,
        "challenge",
    )
    assert created.get("disabledReason") is None
    assert (handshake["status"], handshake["failure"]) == ("verified", None)
    assert handshake["verifiedAt"] and handshake["challengedAt"]
    assert event["type"] == "endpoint.verification"
    assert set(event["data"]) == {"challenge"} and len(event["data"]["challenge"]) >= 32
    assert request.webhook_id.startswith("msg_")
    attempt = api.attempt(handshake["attemptId"])
    assert (attempt["trigger"], attempt["eventType"], attempt["status"]) == (
        "verification",
        "endpoint.verification",
        "succeeded",
    )
    assert attempt["messageId"] is None and api.messages() == []
    assert api.endpoint(created["id"]) == {k: v for k, v in created.items() if k != "secret"}

    # Enabled, it gets events like any other endpoint.
    message = api.send_test(created["id"])
    api.wait_for_status(message["id"], "delivered")


@pytest.mark.parametrize(
    ("answer", "code", "status", "body"),
    [
        (Answer(200, body="ok"), "challenge_mismatch", 200, "ok"),
        (Answer(200, body='{"challenge": "no"}'), "challenge_mismatch", 200, '{"challenge": "no"}'),
        (Answer(500, body="boom"), "http_status", 500, "boom"),
        (Answer(404, body="no such route"), "http_status", 404, "no such route"),
        (Answer(200, body="x" * 5000), "challenge_mismatch", 200, "x" * 256),
    ],
)
def test_an_endpoint_that_does_not_echo_stays_pending_with_the_reason(
    webhooks: Service,
    receiver: Receiver,
    answer: Answer,
    code: str,
    status: int,
    body: str,
) -> None:
    receiver.answer_with(default=answer)
    api = webhooks.api()
    created = challenged(api, receiver.url)
    failure = created["handshake"]["failure"]
    assert (created["status"], created["enabled"], created["disabledReason"]) == (
        "pending_verification",
        False,
        "pending_verification",
    )
    assert created["handshake"]["status"] == "pending"
    assert (failure["code"], failure["responseStatus"]) == (code, status)
    assert failure["responseBody"] == body
    assert failure["message"]
    attempt = api.attempt(created["handshake"]["attemptId"])
    assert (attempt["status"], attempt["error"]["code"]) == ("failed", code)
    assert api.endpoint(created["id"])["handshake"] == created["handshake"]


def test_a_typo_in_the_url_is_caught_when_it_is_saved(webhooks: Service) -> None:
    api = webhooks.api()
    created = challenged(api, f"http://127.0.0.1:{free_port()}/hooks")
    failure = created["handshake"]["failure"]
    assert created["status"] == "pending_verification"
    assert (failure["code"], failure["responseStatus"], failure["responseBody"]) == (
        "connection_error",
        None,
        None,
    )
    assert "typo" in failure["message"]


def test_an_endpoint_slower_than_the_inline_timeout_stays_pending(profile: Profile) -> None:
    with (
        running(profile, inline_timeout_seconds=0.5) as webhooks,
        receiving(Receiver(default=Answer(echo="json", delay=3))) as receiver,
    ):
        api = webhooks.api()
        created = challenged(api, receiver.url)
    failure = created["handshake"]["failure"]
    assert (created["status"], failure["code"]) == ("pending_verification", "timeout")
    assert "0.5 s" in failure["message"]


def test_a_live_endpoint_whose_name_does_not_resolve_stays_pending(webhooks: Service) -> None:
    # Live mode resolves and checks the address at every attempt, the challenge included.
    created = challenged(webhooks.live(), "https://hooks.example.invalid/expe")
    failure = created["handshake"]["failure"]
    assert (created["status"], failure["code"]) == ("pending_verification", "dns_error")


def test_a_pending_endpoint_is_sent_nothing(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    created = challenged(api, receiver.url)
    path = f"{ENDPOINTS}/{created['id']}"
    assert error_of(api.post(f"{path}/test", {"eventType": "payment.completed"})) == (
        409,
        "endpoint_not_verified",
    )
    assert error_of(api.post(f"{path}/replay", {"since": "2020-01-01T00:00:00Z"})) == (
        409,
        "endpoint_not_verified",
    )
    assert error_of(api.patch(path, {"enabled": True})) == (409, "endpoint_not_verified")
    # Only the challenge reached it; the challenge's attempt is not retried either.
    assert len(receiver.requests) == 1
    attempt_id = created["handshake"]["attemptId"]
    assert error_of(api.post(f"/api/v1/webhooks/{attempt_id}/retry")) == (
        409,
        "attempt_not_retryable",
    )
    assert api.messages() == []
    assert len(receiver.requests) == 1
    assert api.endpoint(created["id"])["status"] == "pending_verification"


def test_verify_again_after_fixing_the_receiver(webhooks: Service, receiver: Receiver) -> None:
    receiver.answer_with(default=Answer(500, body="not deployed yet"))
    api = webhooks.api()
    created = challenged(api, receiver.url)
    assert created["status"] == "pending_verification"
    again = verify_again(api, created["id"])
    assert (again["status"], again["handshake"]["failure"]["code"]) == (
        "pending_verification",
        "http_status",
    )
    assert again["handshake"]["attemptId"] != created["handshake"]["attemptId"]

    receiver.answer_with(default=ECHO)
    fixed = verify_again(api, created["id"])
    challenges = [r.event["data"]["challenge"] for r in receiver.requests]
    assert (fixed["status"], fixed["handshake"]["status"]) == ("enabled", "verified")
    assert fixed["handshake"]["failure"] is None
    assert len(set(challenges)) == 3  # a new challenge each time
    message = api.send_test(created["id"])
    api.wait_for_status(message["id"], "delivered")
    # Verified, it is not challenged again until its URL changes.
    assert error_of(api.post(f"{ENDPOINTS}/{created['id']}/verify")) == (
        409,
        "endpoint_already_verified",
    )


def test_fixing_a_typo_in_the_url_verifies_the_new_one(
    webhooks: Service, receiver: Receiver
) -> None:
    receiver.answer_with(default=ECHO)
    api = webhooks.api()
    created = challenged(api, f"http://127.0.0.1:{free_port()}/hooks")
    fixed = api.ok(api.patch(f"{ENDPOINTS}/{created['id']}", {"url": receiver.url}))
    assert (fixed["url"], fixed["status"], fixed["handshake"]["status"]) == (
        receiver.url,
        "enabled",
        "verified",
    )
    # And a verified endpoint moved to a wrong URL waits again: nothing goes astray.
    moved = api.ok(
        api.patch(f"{ENDPOINTS}/{created['id']}", {"url": f"http://127.0.0.1:{free_port()}/x"})
    )
    assert (moved["status"], moved["handshake"]["failure"]["code"]) == (
        "pending_verification",
        "connection_error",
    )


def test_the_handshake_is_off_by_default_and_can_be_turned_on_and_off(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    plain = api.create_endpoint(receiver.url)
    assert (plain["verification"], plain["handshake"], plain["status"]) == ("none", None, "enabled")
    assert receiver.requests == []
    path = f"{ENDPOINTS}/{plain['id']}"
    assert error_of(api.post(f"{path}/verify")) == (409, "verification_off")

    # Turned on for an endpoint that does not echo: it waits, and says why.
    turned_on = api.ok(api.patch(path, {"verification": "challenge"}))
    assert (turned_on["status"], turned_on["handshake"]["failure"]["code"]) == (
        "pending_verification",
        "challenge_mismatch",
    )
    # Turned off again: the merchant vouches for the URL, deliveries resume.
    turned_off = api.ok(api.patch(path, {"verification": "none"}))
    assert (turned_off["status"], turned_off["handshake"]) == ("enabled", None)


def test_a_pending_endpoint_disabled_by_the_merchant_stays_disabled_once_verified(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    created = challenged(api, receiver.url)
    path = f"{ENDPOINTS}/{created['id']}"
    disabled = api.ok(api.patch(path, {"enabled": False}))
    assert (disabled["status"], disabled["disabledReason"]) == ("disabled", "by_merchant")
    receiver.answer_with(default=ECHO)
    verified = verify_again(api, created["id"])
    assert (verified["status"], verified["handshake"]["status"]) == ("disabled", "verified")
    assert api.ok(api.patch(path, {"enabled": True}))["status"] == "enabled"


def test_viewers_cannot_send_the_challenge(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    created = challenged(api, receiver.url)
    viewer = api.as_(member(webhooks.merchant_id, "viewer"))
    assert error_of(viewer.post(f"{ENDPOINTS}/{created['id']}/verify")) == (
        403,
        "permission_denied",
    )
    assert len(receiver.requests) == 1


def test_an_unknown_verification_is_refused(webhooks: Service) -> None:
    api = webhooks.api()
    refused = api.post(ENDPOINTS, {"url": "http://127.0.0.1:9/x", "verification": "email"})
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "verification"


def test_a_receiver_set_up_with_its_own_secret_passes_the_handshake_as_it_is_registered(
    webhooks: Service, receiver: Receiver
) -> None:
    # The receiver checks signatures before it echoes, as a real one does; it can only know the
    # secret before the endpoint exists when the merchant brings it.
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    checked = Webhook(secret)
    receiver.answer_with(ECHO)
    created = challenged(webhooks.api(), receiver.url, secret=secret)
    (request,) = receiver.requests
    assert checked.verify(request.body, request.headers)["type"] == "endpoint.verification"
    assert (created["status"], created["secret"]) == ("enabled", secret)


@pytest.mark.parametrize(
    "secret",
    [
        "whsec_" + base64.b64encode(b"k" * 16).decode(),  # weaker than the ones made here
        "whsec_" + base64.b64encode(b"k" * 65).decode(),
        base64.b64encode(b"k" * 32).decode(),  # no prefix
        "whsec_not base64!",
    ],
    ids=["short", "long", "unprefixed", "not-base64"],
)
def test_a_weak_or_malformed_secret_of_the_merchant_is_refused(
    webhooks: Service, secret: str
) -> None:
    api = webhooks.api()
    refused = api.post(ENDPOINTS, {"url": "http://127.0.0.1:9/x", "secret": secret})
    assert error_of(refused) == (400, "parameter_invalid")
    assert refused.json()["error"]["param"] == "secret"
    assert refused.json()["error"]["message"] == (
        "secret: a secret is `whsec_` followed by base64 of 24 to 64 random bytes"
    )
    assert api.ok(api.get(ENDPOINTS))["total"] == 0
