"""Webhook endpoints, their messages and attempts, and verifying what the webhooks service
really sends to a receiver on this machine."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import expe
from tests.conftest import RegisterEndpoint, event_of, new_payment, pay
from tests.servers import Answer, LocalServer, Received


def _about(request: Received, event_type: str, payment_id: str) -> bool:
    return (
        event_of(request) == event_type
        and json.loads(request.body)["data"].get("paymentId") == payment_id
    )


def test_an_endpoint_is_created_read_listed_changed_and_deleted(
    client: expe.Expe, receiver: LocalServer, endpoint_to: RegisterEndpoint
) -> None:
    endpoint = endpoint_to(receiver.url + "/hooks", ["payment.*"])
    assert endpoint.secret.startswith("whsec_") and endpoint.enabled
    assert endpoint.enabled_events == ["payment.*"] and endpoint.mode == "test"

    read = client.webhooks.endpoints.retrieve(endpoint.id)
    assert read.url == receiver.url + "/hooks" and "secret" not in read.raw
    assert endpoint.id in [e.id for e in client.webhooks.endpoints.list()]

    changed = client.webhooks.endpoints.update(
        endpoint.id, description="the shop", enabled_events=["payment.completed", "refund.issued"]
    )
    assert changed.description == "the shop"
    assert changed.enabled_events == ["payment.completed", "refund.issued"]
    assert not client.webhooks.endpoints.update(endpoint.id, enabled=False).enabled

    gone = client.webhooks.endpoints.delete(endpoint.id)
    assert gone.status_code == 204 and gone.request_id
    with pytest.raises(expe.NotFoundError):
        client.webhooks.endpoints.retrieve(endpoint.id)


def test_a_delivery_is_verified_with_the_endpoints_secret(
    client: expe.Expe, receiver: LocalServer, endpoint_to: RegisterEndpoint
) -> None:
    endpoint = endpoint_to(receiver.url + "/hooks")
    since = datetime.now(timezone.utc) - timedelta(seconds=1)
    payment = new_payment(client)
    pay(client, payment)
    delivery = receiver.wait_for(
        lambda r: _about(r, "payment.completed", payment.id), what="payment.completed"
    )

    event = expe.webhooks.verify(delivery.body, delivery.headers, endpoint.secret)
    assert event.type == "payment.completed" and event.mode == "test"
    assert event.data["paymentId"] == payment.id and event.data["status"] == "succeeded"
    assert event.id.startswith("evt_") and event.raw == json.loads(delivery.body)

    tampered = delivery.body.replace(b'"succeeded"', b'"refunded!"')
    with pytest.raises(expe.SignatureVerificationError, match="No signature matches"):
        expe.webhooks.verify(tampered, delivery.headers, endpoint.secret)
    with pytest.raises(expe.SignatureVerificationError, match="No signature matches"):
        expe.webhooks.verify(delivery.body, delivery.headers, expe.webhooks.generate_secret())
    unsigned = {k: v for k, v in delivery.headers.items() if k != "webhook-signature"}
    with pytest.raises(expe.SignatureVerificationError, match="Missing"):
        expe.webhooks.verify(delivery.body, unsigned, endpoint.secret)

    # The server's own checker agrees, and says why a wrong secret fails.
    checked = client.webhooks.verify(
        body=delivery.body.decode(), headers=delivery.headers, secret=endpoint.secret
    )
    assert checked.valid
    wrong = client.webhooks.verify(
        body=delivery.body.decode(),
        headers=delivery.headers,
        secret=expe.webhooks.generate_secret(),
    )
    assert not wrong.valid and wrong.reason == "signature_mismatch"

    messages = client.payments.webhooks(payment.id)
    mine = [m for m in messages.data if m.endpoint_id == endpoint.id]
    assert {m.event_type for m in mine} >= {"payment.completed"}
    assert any(a.response_status == 204 for m in mine for a in m.attempts)

    # A replay sends the window's events again, each with its webhook-id of the first time.
    replayed = client.webhooks.endpoints.replay(endpoint.id, since=since)
    assert replayed.queued >= 2
    receiver.wait_for(
        lambda r: (
            r.headers.get("webhook-id") == delivery.headers["webhook-id"] and r is not delivery
        ),
        what="the replayed payment.completed",
    )


def test_stale_and_future_timestamps_are_refused(endpoint_to: RegisterEndpoint) -> None:
    secret = endpoint_to("http://127.0.0.1:9/never").secret
    body = json.dumps(
        {
            "id": "evt_1",
            "type": "payment.completed",
            "timestamp": "2026-01-01T00:00:00Z",
            "mode": "test",
            "data": {},
        }
    ).encode()
    now = int(time.time())
    fresh = expe.webhooks.signed_headers(body, secret, "msg_1", now - 200)
    assert expe.webhooks.verify(body, fresh, secret).id == "evt_1"
    for at in (now - 301, now + 301):
        headers = expe.webhooks.signed_headers(body, secret, "msg_1", at)
        with pytest.raises(expe.SignatureVerificationError, match="from now"):
            expe.webhooks.verify(body, headers, secret)
    late = expe.webhooks.signed_headers(body, secret, "msg_1", now - 3000)
    assert expe.webhooks.verify(body, late, secret, tolerance=3600).id == "evt_1"


def test_after_a_rotation_either_secret_verifies(
    client: expe.Expe, receiver: LocalServer, endpoint_to: RegisterEndpoint
) -> None:
    endpoint = endpoint_to(receiver.url + "/hooks")
    rotated = client.webhooks.endpoints.rotate_secret(endpoint.id, grace_seconds=600)
    assert rotated.secret != endpoint.secret
    assert rotated.previous_secret_expires_at > datetime.now(timezone.utc)

    ping = client.webhooks.endpoints.ping(endpoint.id)
    assert ping.ok and ping.status == 204 and ping.attempt_id.startswith("wa_")
    delivery = receiver.wait_for(lambda r: event_of(r) == "webhook.ping", what="the ping")
    assert len(delivery.headers["webhook-signature"].split()) == 2
    for secret in (endpoint.secret, rotated.secret):
        assert expe.webhooks.verify(delivery.body, delivery.headers, secret).type == "webhook.ping"


def test_test_events_messages_attempts_retries_and_replays(
    client: expe.Expe, receiver: LocalServer, endpoint_to: RegisterEndpoint
) -> None:
    endpoint = endpoint_to(receiver.url + "/hooks")
    message = client.webhooks.endpoints.send_test(endpoint.id, event_type="refund.issued")
    assert message.event_type == "refund.issued" and message.id.startswith("msg_")
    delivery = receiver.wait_for(lambda r: r.headers.get("webhook-id") == message.id)
    assert expe.webhooks.verify(delivery.body, delivery.headers, endpoint.secret).data["test"]

    listed = client.webhooks.messages.list(endpoint_id=endpoint.id)
    assert message.id in [m.id for m in listed]
    attempts = client.webhooks.attempts.list(endpoint_id=endpoint.id, message_id=message.id)
    attempt = next(iter(attempts))
    assert attempt.trigger == "test"
    detail = client.webhooks.attempts.retrieve(attempt.id)
    assert detail.request is not None and detail.response is not None

    again = client.webhooks.attempts.retry(attempt.id)
    assert again.trigger == "manual" and again.message_id == message.id
    receiver.wait_for(
        lambda r: r.headers.get("webhook-id") == message.id and r is not delivery,
        what="the retried delivery",
    )


def test_an_endpoint_with_the_handshake_gets_nothing_until_it_echoes_the_challenge(
    client: expe.Expe, endpoint_to: RegisterEndpoint
) -> None:
    echoing = threading.Event()

    def respond(request: Received) -> Answer:
        event = json.loads(request.body)
        if echoing.is_set() and event["type"] == "endpoint.verification":
            return Answer(200, json.dumps({"challenge": event["data"]["challenge"]}).encode())
        return Answer(200, b"ok")

    with LocalServer(respond) as server:
        endpoint = client.webhooks.endpoints.create(
            url=server.url + "/hooks", verification="challenge"
        )
        try:
            assert endpoint.status == "pending_verification" and not endpoint.enabled
            assert endpoint.handshake is not None and endpoint.handshake.status == "pending"
            assert endpoint.handshake.failure is not None
            assert endpoint.handshake.failure.code == "challenge_mismatch"
            challenge = client.webhooks.attempts.retrieve(str(endpoint.handshake.attempt_id))
            assert challenge.trigger == "verification"

            echoing.set()
            verified = client.webhooks.endpoints.challenge(endpoint.id)
            assert verified.status == "enabled" and verified.enabled
            assert verified.handshake is not None and verified.handshake.status == "verified"
            with pytest.raises(expe.ConflictError) as again:
                client.webhooks.endpoints.challenge(endpoint.id)
            assert again.value.code == "endpoint_already_verified"
        finally:
            client.webhooks.endpoints.delete(endpoint.id)

    plain = endpoint_to("https://example.com/hooks")
    assert plain.verification == "none" and plain.handshake is None
    with pytest.raises(expe.ConflictError) as off:
        client.webhooks.endpoints.challenge(plain.id)
    assert off.value.code == "verification_off"


def test_a_receiver_given_its_secret_first_passes_the_handshake_as_the_endpoint_is_created(
    client: expe.Expe, endpoint_to: RegisterEndpoint
) -> None:
    secret = expe.webhooks.generate_secret()

    def respond(request: Received) -> Answer:
        try:
            event = expe.webhooks.verify(request.body, request.headers, secret)
        except expe.SignatureVerificationError:
            return Answer(400)
        return Answer(200, json.dumps({"challenge": event.data.get("challenge")}).encode())

    with LocalServer(respond) as server:
        endpoint = client.webhooks.endpoints.create(
            url=server.url + "/hooks", verification="challenge", secret=secret
        )
        client.webhooks.endpoints.delete(endpoint.id)
    assert endpoint.status == "enabled" and endpoint.secret == secret
