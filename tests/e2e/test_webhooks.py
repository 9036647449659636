"""Webhooks end to end: real payments through the gateway reach a merchant's receiver, signed
per Standard Webhooks, through the outbox, Kafka and the webhooks service; deliveries survive a
`kill -9` of the webhooks service; a dead message and a disabled endpoint reach the owner's
inbox; an endpoint that asks to be verified gets events only once it echoes its challenge."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from devstack.accounts import SEEN, Session, bearer, mail_text
from devstack.serving import free_port
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import Account, new_account, register
from tests.receivers import Answer, Receiver, receiving

pytestmark = pytest.mark.e2e

CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}


def create_payment(gateway: httpx.Client, account: Account, amount: int = 10_000) -> str:
    created = gateway.post(
        "/api/v1/payments",
        json={"amount": amount, "currency": "INR", "orderId": f"ord_{secrets.token_hex(4)}"},
        headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def pay(gateway: httpx.Client, account: Account, payment_id: str) -> None:
    confirmed = gateway.post(
        f"/api/v1/checkout/payments/{payment_id}/confirm",
        json={"method": "card", "card": CARD},
        headers=bearer(account.secret_key),
    )
    assert confirmed.status_code == 200, confirmed.text


def verified_events(receiver: Receiver, secret: str) -> list[dict[str, Any]]:
    """What the receiver got, each checked by the reference Standard Webhooks library."""
    webhook = Webhook(secret)
    return [dict(webhook.verify(r.body, r.headers)) for r in receiver.requests]


def test_payment_events_reach_the_endpoint_signed(
    gateway: httpx.Client, account: Account, stack: Stack
) -> None:
    with receiving(Receiver()) as receiver:
        endpoint = register(gateway, account, receiver.url, ["payment.*", "refund.issued"])
        payment_id = create_payment(gateway, account)
        pay(gateway, account, payment_id)
        refund = gateway.post(
            f"/api/v1/payments/{payment_id}/refund",
            json={"amount": 2_500},
            headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
        )
        assert refund.status_code == 201, refund.text
        wait_until(lambda: len(receiver.ids()) >= 3, timeout=30, what="three webhooks")
        events = verified_events(receiver, endpoint["secret"])

    types = sorted(event["type"] for event in events)
    assert types == ["payment.completed", "payment.created", "refund.issued"]
    assert {event["data"]["paymentId"] for event in events} == {payment_id}
    assert all(e["merchantId"] == account.merchant_id and e["mode"] == "test" for e in events)
    refund_event = next(e for e in events if e["type"] == "refund.issued")
    assert refund_event["data"]["amount"] == 2_500
    # One way of writing times everywhere: what the API answers is what the webhooks carry.
    paid = gateway.get(f"/api/v1/payments/{payment_id}", headers=bearer(account.secret_key))
    payment_events = [e for e in events if e["type"].startswith("payment.")]
    assert {e["data"]["createdAt"] for e in payment_events} == {paid.json()["createdAt"]}
    assert refund_event["data"]["createdAt"] == refund.json()["createdAt"]
    completed = next(e for e in events if e["type"] == "payment.completed")
    assert completed["data"]["occurredAt"] == paid.json()["updatedAt"]
    assert all(e["timestamp"].endswith("Z") and len(e["timestamp"]) == 24 for e in events)

    # The dashboard's view of the same deliveries.
    listed = gateway.get(
        f"/api/v1/payments/{payment_id}/webhooks", headers=bearer(account.secret_key)
    )
    assert listed.status_code == 200, listed.text
    messages = listed.json()["data"]
    assert sorted(m["eventType"] for m in messages) == types
    assert {m["id"] for m in messages} == set(receiver.ids())
    assert all(m["status"] == "delivered" and len(m["attempts"]) == 1 for m in messages)
    attempts = gateway.get(
        "/api/v1/webhooks/attempts",
        params={"paymentId": payment_id, "status": "succeeded"},
        headers=bearer(account.secret_key),
    ).json()
    assert attempts["total"] == 3
    assert {a["responseStatus"] for a in attempts["data"]} == {200}

    # SREs see the deliveries: latency from event to 2xx, attempts by outcome, the backlog.
    metrics = httpx.get(f"{stack['webhooks'].url}/metrics").text

    def value(series: str) -> float:
        line = next(line for line in metrics.splitlines() if line.startswith(series))
        return float(line.split()[-1])

    assert value("expe_webhook_delivery_latency_seconds_count") >= 3
    # The series exists from the start (at 0): it is its count that says deliveries happened.
    assert value('expe_webhook_attempts_total{outcome="succeeded"}') >= 3
    assert "expe_webhook_backlog " in metrics


def test_an_event_of_another_merchant_or_type_is_not_sent(
    gateway: httpx.Client, account: Account, owner: Session
) -> None:
    other_account = new_account(gateway, owner)
    with receiving(Receiver()) as receiver, receiving(Receiver()) as other:
        register(gateway, account, receiver.url, ["payment.completed"])
        register(gateway, other_account, other.url, ["payment.completed"])
        payment_id = create_payment(gateway, account)
        pay(gateway, account, payment_id)
        wait_until(lambda: receiver.ids(), timeout=30, what="the completed payment's webhook")
        # The created event came first and was not sent; the other merchant got nothing.
        assert [r.event["type"] for r in receiver.requests] == ["payment.completed"]
        assert other.ids() == []
    # Nor may it look at the payment's webhooks: a payment of another merchant's is not found.
    foreign = gateway.get(
        f"/api/v1/payments/{payment_id}/webhooks", headers=bearer(other_account.secret_key)
    )
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (404, "payment_not_found")


@pytest.mark.parametrize("stop", ["kill", "stop"])
def test_webhooks_stopped_mid_delivery_delivers_every_message_after_restart(
    gateway: httpx.Client, stack: Stack, account: Account, stop: str
) -> None:
    """`kill -9` (a crash) or SIGTERM (a deploy) while attempts are in flight."""
    payments = 8
    # The receiver holds every request a while, so attempts are in flight when the service dies.
    with receiving(Receiver(default=Answer(200, delay=1.0))) as receiver:
        register(gateway, account, receiver.url, ["payment.created"])
        created = [create_payment(gateway, account) for _ in range(payments)]
        wait_until(lambda: receiver.ids(), timeout=30, what="a first delivery in flight")
        getattr(stack["webhooks"], stop)()
        stack["webhooks"].start()
        stack["webhooks"].wait_ready()

        def delivered_payments() -> set[str] | None:
            got = {r.event["data"]["paymentId"] for r in receiver.requests}
            return got if got == set(created) else None

        wait_until(delivered_payments, timeout=60, what="every payment's webhook")

        # The receiver records a request as it arrives; its answer comes a second later.
        def all_delivered() -> dict[str, Any] | None:
            listed = gateway.get(
                "/api/v1/webhooks/messages",
                params={"limit": 100},
                headers=bearer(account.secret_key),
            ).json()
            statuses = {m["status"] for m in listed["data"]}
            return listed if statuses == {"delivered"} else None

        listed = wait_until(all_delivered, timeout=30, what="every message marked delivered")
    assert listed is not None and listed["total"] == payments
    # A webhook-id arrives twice only when the crash cut its attempt off (the receiver may have
    # processed it; it deduplicates by webhook-id); no message was lost or sent twice otherwise.
    ids = receiver.ids()
    repeated = {i for i in ids if ids.count(i) > 1}
    interrupted = gateway.get(
        "/api/v1/webhooks/attempts",
        params={"status": "failed", "limit": 100},
        headers=bearer(account.secret_key),
    ).json()["data"]
    assert repeated <= {a["messageId"] for a in interrupted if a["error"]["code"] == "interrupted"}
    assert len(set(ids)) == payments


def test_a_dead_endpoint_is_disabled_and_its_owner_told(
    gateway: httpx.Client, account: Account, mailpit_url: str
) -> None:
    with receiving(Receiver(default=500)) as receiver:
        endpoint = register(gateway, account, receiver.url, ["payment.created"])
        payment_id = create_payment(gateway, account)

        def dead() -> list[dict[str, Any]] | None:
            found = gateway.get(
                "/api/v1/webhooks/messages",
                params={"status": "failed", "paymentId": payment_id},
                headers=bearer(account.secret_key),
            ).json()["data"]
            return found or None

        found = wait_until(dead, timeout=30, what="the message to be given up")
        assert found is not None
        message = found[0]
        # The whole schedule (four attempts on the test clock) was used, same webhook-id each time.
        assert message["attemptCount"] == 4 and message["reason"] == "attempts_exhausted"
        assert receiver.ids() == [message["id"]] * 4

    shown = gateway.get(
        f"/api/v1/webhooks/endpoints/{endpoint['id']}", headers=bearer(account.secret_key)
    ).json()
    assert shown["enabled"] is False and shown["disabledReason"] == "failing"
    owner_email = account.merchant.owner.email
    dead_mail = mail_text(mailpit_url, owner_email, "could not be delivered")
    assert endpoint["url"] in dead_mail
    disabled_mail = mail_text(mailpit_url, owner_email, "endpoint disabled")
    assert endpoint["url"] in disabled_mail


def register_verified(gateway: httpx.Client, account: Account, url: str) -> dict[str, Any]:
    """An endpoint that asks for the handshake; the answer says how its challenge went."""
    created = gateway.post(
        "/api/v1/webhooks/endpoints",
        json={"url": url, "enabledEvents": ["payment.*"], "verification": "challenge"},
        headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert created.status_code == 201, created.text
    endpoint = dict(created.json())
    SEEN.add(endpoint["secret"])
    return endpoint


def test_an_endpoint_gets_events_only_once_it_echoes_its_challenge(
    gateway: httpx.Client, account: Account
) -> None:
    auth = bearer(account.secret_key)
    with (
        receiving(Receiver(default=Answer(echo="json"))) as echoing,
        receiving(Receiver()) as not_ready,
    ):
        verified = register_verified(gateway, account, echoing.url)
        unanswered = register_verified(gateway, account, not_ready.url)
        typo = register_verified(gateway, account, f"http://127.0.0.1:{free_port()}/hooks")
        assert verified["status"] == "enabled"
        assert (unanswered["status"], unanswered["handshake"]["failure"]["code"]) == (
            "pending_verification",
            "challenge_mismatch",
        )
        assert unanswered["handshake"]["failure"]["responseBody"] == "ok"
        assert (typo["status"], typo["handshake"]["failure"]["code"]) == (
            "pending_verification",
            "connection_error",
        )
        # Each challenge came signed like a delivery, with its own endpoint's secret.
        for receiver, endpoint in ((echoing, verified), (not_ready, unanswered)):
            (challenge,) = verified_events(receiver, endpoint["secret"])
            assert challenge["type"] == "endpoint.verification"

        first = create_payment(gateway, account)
        pay(gateway, account, first)
        wait_until(
            lambda: "payment.completed" in [r.event["type"] for r in echoing.requests],
            timeout=30,
            what="the verified endpoint's payment.completed",
        )
        # The pending endpoints were given nothing of that payment's events.
        assert len(not_ready.requests) == 1
        for pending in (unanswered, typo):
            listed = gateway.get(
                "/api/v1/webhooks/messages", params={"endpointId": pending["id"]}, headers=auth
            ).json()
            assert listed["total"] == 0

        # The receiver learns the handshake, the typo is fixed: both are enabled at once.
        not_ready.answer_with(default=Answer(echo="text"))
        again = gateway.post(
            f"/api/v1/webhooks/endpoints/{unanswered['id']}/verify",
            headers={**auth, "Idempotency-Key": secrets.token_hex(8)},
        )
        fixed = gateway.patch(
            f"/api/v1/webhooks/endpoints/{typo['id']}", json={"url": echoing.url}, headers=auth
        )
        assert (again.status_code, again.json()["status"]) == (200, "enabled"), again.text
        assert (fixed.status_code, fixed.json()["status"]) == (200, "enabled"), fixed.text

        second = create_payment(gateway, account)
        wait_until(
            lambda: any(
                r.event["type"] == "payment.created" and r.event["data"]["paymentId"] == second
                for r in not_ready.requests
            ),
            timeout=30,
            what="the newly verified endpoint's payment.created",
        )
        events = verified_events(not_ready, unanswered["secret"])
        assert [e["type"] for e in events[:2]] == ["endpoint.verification"] * 2
        assert {e["data"]["paymentId"] for e in events[2:]} == {second}
