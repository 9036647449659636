"""Sending again on request: manual retries of an attempt, replays of stored events, and the
payment view of every webhook about one payment."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from devstack.profile import Profile
from services.payments.app import create_app as create_payments_app
from services.payments.settings import PaymentsSettings
from shared.ids import new_id
from tests.callers import secret_key
from tests.receivers import Receiver
from tests.services.webhooks.conftest import ENDPOINTS, Service, error_of, running
from tests.signing import SignedClient

pytestmark = pytest.mark.infra


def _retry(api: Any, attempt_id: str) -> Any:
    return api.post(f"/api/v1/webhooks/{attempt_id}/retry")


def test_a_manual_retry_sends_the_same_webhook_id_again_at_once(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    api.wait_for_status(message["id"], "delivered")
    (first,) = api.attempts(messageId=message["id"])
    retried = _retry(api, first["id"])
    again = api.ok(retried, 201)
    assert (again["trigger"], again["status"], again["responseStatus"]) == (
        "manual",
        "succeeded",
        200,
    )
    assert again["id"] != first["id"] and again["messageId"] == message["id"]
    assert again["request"]["headers"]["webhook-id"] == message["id"]
    assert [r.webhook_id for r in receiver.requests] == [message["id"]] * 2
    assert receiver.requests[0].body == receiver.requests[1].body
    Webhook(endpoint["secret"]).verify(receiver.requests[1].body, receiver.requests[1].headers)
    assert [a["id"] for a in api.attempts(messageId=message["id"])] == [first["id"], again["id"]]
    assert api.message(message["id"])["status"] == "delivered"


def test_a_manual_retry_that_succeeds_delivers_a_failed_message(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    receiver.answer_with(default=500)
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    api.wait_for_status(message["id"], "failed")
    last = api.attempts(messageId=message["id"])[-1]
    receiver.answer_with(default=200)
    again = api.ok(_retry(api, last["id"]), 201)
    delivered = api.message(message["id"])
    assert (again["trigger"], again["status"]) == ("manual", "succeeded")
    assert (delivered["status"], delivered["deliveredAt"] is not None) == ("delivered", True)
    assert receiver.requests[-1].webhook_id == message["id"]


def test_a_manual_retry_that_fails_leaves_a_failed_message_failed(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    receiver.answer_with(default=500)
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    api.wait_for_status(message["id"], "failed")
    last = api.attempts(messageId=message["id"])[-1]
    again = api.ok(_retry(api, last["id"]), 201)
    assert (again["status"], again["responseStatus"]) == ("failed", 500)
    assert api.message(message["id"])["status"] == "failed"


def test_what_cannot_be_retried(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    api.wait_for_status(message["id"], "delivered")
    (attempt,) = api.attempts(messageId=message["id"])
    ping = api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/ping"))
    stranger = api.as_(secret_key(new_id("mer")))
    assert error_of(_retry(api, ping["attemptId"])) == (409, "attempt_not_retryable")
    assert error_of(_retry(stranger, attempt["id"])) == (404, "resource_missing")
    assert error_of(_retry(webhooks.live(), attempt["id"])) == (404, "resource_missing")
    assert error_of(_retry(api, "wa_nope")) == (404, "resource_missing")
    api.ok(api.patch(f"{ENDPOINTS}/{endpoint['id']}", {"enabled": False}))
    assert error_of(_retry(api, attempt["id"])) == (409, "endpoint_disabled")
    assert len(receiver.requests) == 2  # the delivery and the ping


# Replays. Events reach the service from Kafka (the consumer is off here); these tests store
# them as the consumer does, in the `events` collection, then replay through the API.


def _event(
    merchant_id: str,
    event_type: str,
    at: datetime,
    *,
    mode: str = "test",
    payment_id: str | None = None,
) -> dict[str, Any]:
    event_id = new_id("evt")
    data = {"paymentId": payment_id, "amount": 2_500, "currency": "INR", "mode": mode}
    body = {
        "id": event_id,
        "type": event_type,
        "timestamp": at.isoformat().replace("+00:00", "Z"),
        "merchantId": merchant_id,
        "mode": mode,
        "data": data,
    }
    return {
        "_id": event_id,
        "merchantId": merchant_id,
        "mode": mode,
        "type": event_type,
        "paymentId": payment_id,
        "occurredAt": at,
        "body": json.dumps(body),
    }


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _stored_events(webhooks: Service) -> tuple[datetime, dict[str, dict[str, Any]]]:
    now = datetime.now(UTC).replace(microsecond=0)
    merchant = webhooks.merchant_id
    events = {
        "too_old": _event(merchant, "payment.completed", now - timedelta(hours=3)),
        "completed": _event(
            merchant, "payment.completed", now - timedelta(hours=2), payment_id="pay_one"
        ),
        "failed": _event(
            merchant, "payment.failed", now - timedelta(hours=1), payment_id="pay_two"
        ),
        "refund": _event(merchant, "refund.issued", now - timedelta(minutes=30)),
        "other_merchant": _event(new_id("mer"), "payment.completed", now - timedelta(hours=1)),
        "live": _event(merchant, "payment.completed", now - timedelta(hours=1), mode="live"),
    }
    webhooks.db["events"].insert_many([dict(e) for e in events.values()])
    return now, events


def test_a_replay_sends_the_stored_events_the_endpoint_subscribes_to(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    now, events = _stored_events(webhooks)
    endpoint = api.create_endpoint(receiver.url, enabledEvents=["payment.*"])
    replayed = api.post(
        f"{ENDPOINTS}/{endpoint['id']}/replay", {"since": _iso(now - timedelta(hours=2.5))}
    )
    assert api.ok(replayed, 202) == {"endpointId": endpoint["id"], "queued": 2}
    requests = receiver.wait_for(2)
    wanted = {events["completed"]["body"], events["failed"]["body"]}
    assert {r.body.decode() for r in requests} == wanted
    for request in requests:
        Webhook(endpoint["secret"]).verify(request.body, request.headers)
    messages = api.messages()
    assert {m["trigger"] for m in messages} == {"replay"}
    assert {m["eventId"] for m in messages} == {events["completed"]["_id"], events["failed"]["_id"]}
    assert {r.webhook_id for r in requests} == {m["id"] for m in messages}
    for message in messages:
        api.wait_for_status(message["id"], "delivered")
    # Sent on the schedule, as the events were the first time.
    assert {a["trigger"] for a in api.attempts()} == {"automatic"}


def test_a_replay_sends_delivered_events_again_under_the_same_webhook_id(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    now, events = _stored_events(webhooks)
    endpoint = api.create_endpoint(receiver.url, enabledEvents=["payment.completed"])
    path = f"{ENDPOINTS}/{endpoint['id']}/replay"
    since = _iso(now - timedelta(hours=2.5))
    assert api.ok(api.post(path, {"since": since}), 202)["queued"] == 1
    (message,) = api.messages()
    api.wait_for_status(message["id"], "delivered")
    assert api.ok(api.post(path, {"since": since}), 202)["queued"] == 1
    first, second = receiver.wait_for(2)
    assert first.webhook_id == second.webhook_id == message["id"]
    assert first.body == second.body == events["completed"]["body"].encode()
    assert api.wait_for_status(message["id"], "delivered")["trigger"] == "replay"


def test_a_replay_stops_at_until(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    now, events = _stored_events(webhooks)
    endpoint = api.create_endpoint(receiver.url)
    replayed = api.post(
        f"{ENDPOINTS}/{endpoint['id']}/replay",
        {"since": _iso(now - timedelta(hours=2.5)), "until": _iso(now - timedelta(hours=1.5))},
    )
    assert api.ok(replayed, 202)["queued"] == 1
    (request,) = receiver.wait_for(1)
    assert request.body == events["completed"]["body"].encode()


def test_a_replay_of_more_events_than_a_batch_queues_each_once(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    now = datetime.now(UTC).replace(microsecond=0)
    events = [
        _event(webhooks.merchant_id, "payment.completed", now - timedelta(seconds=n))
        for n in range(1, 1_201)
    ]
    webhooks.db["events"].insert_many(events)
    endpoint = api.create_endpoint(receiver.url)
    path = f"{ENDPOINTS}/{endpoint['id']}/replay"
    since = _iso(now - timedelta(hours=1))

    assert api.ok(api.post(path, {"since": since}), 202)["queued"] == 1_200
    # Again, while the first replay's messages are on their way: still one message per event.
    assert api.ok(api.post(path, {"since": since}), 202)["queued"] == 1_200

    messages = list(webhooks.db["messages"].find({"endpointId": endpoint["id"]}))
    assert sorted(m["eventId"] for m in messages) == sorted(e["_id"] for e in events)
    assert {m["trigger"] for m in messages} == {"replay"}
    first = receiver.wait_for(1)[0]
    assert first.webhook_id in {m["_id"] for m in messages}


def test_a_replay_of_another_merchants_endpoint_is_not_found(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint("http://127.0.0.1:9/hooks")
    stranger = api.as_(secret_key(new_id("mer")))
    refused = stranger.post(
        f"{ENDPOINTS}/{endpoint['id']}/replay", {"since": _iso(datetime.now(UTC))}
    )
    assert error_of(refused) == (404, "resource_missing")


def test_every_webhook_about_a_payment_with_its_attempts(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    now, _ = _stored_events(webhooks)
    # One message in flight at a time, so the one 500 is certainly pay_one's first attempt.
    receiver.answer_with(500)
    endpoint = api.create_endpoint(receiver.url, enabledEvents=["payment.completed"])
    other = api.create_endpoint(receiver.url, enabledEvents=["refund.issued"])
    since = {"since": _iso(now - timedelta(hours=2.5))}
    assert api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/replay", since), 202)["queued"] == 1
    (message,) = api.messages(paymentId="pay_one")
    api.wait_for_status(message["id"], "delivered")
    assert api.ok(api.post(f"{ENDPOINTS}/{other['id']}/replay", since), 202)["queued"] == 1
    view = api.ok(api.get("/api/v1/payments/pay_one/webhooks"))
    attempts = api.attempts(paymentId="pay_one")
    assert view["paymentId"] == "pay_one"
    (listed,) = view["data"]
    assert (listed["id"], listed["endpointId"], listed["eventType"]) == (
        message["id"],
        endpoint["id"],
        "payment.completed",
    )
    assert [a["status"] for a in listed["attempts"]] == ["failed", "succeeded"]
    assert [a["id"] for a in listed["attempts"]] == [a["id"] for a in attempts]
    assert {a["paymentId"] for a in attempts} == {"pay_one"}
    stranger = api.as_(secret_key(new_id("mer")))
    assert error_of(stranger.get("/api/v1/payments/pay_one/webhooks")) == (
        404,
        "payment_not_found",
    )
    assert stranger.attempts(paymentId="pay_one") == []


def test_a_payments_webhooks_are_its_merchants_only_even_before_any_message(
    profile: Profile, serve: Callable[..., Any]
) -> None:
    """Without messages webhooks cannot tell an unknown payment from one of a merchant with no
    endpoints: payments tells it whose the payment is."""
    merchant_id = new_id("mer")
    with serve(create_payments_app, PaymentsSettings) as payments_url:
        shop = SignedClient(payments_url, secret_key(merchant_id))
        created = shop.post(
            "/api/v1/payments", {"amount": 1_000, "currency": "INR", "orderId": "ord_1"}
        )
        assert created.status_code == 201, created.text
        payment_id = created.json()["id"]
        with running(profile, services={"payments": payments_url}) as webhooks:
            api = webhooks.api(secret_key(merchant_id))
            path = f"/api/v1/payments/{payment_id}/webhooks"
            own = api.ok(api.get(path))
            other_merchant = api.as_(secret_key(new_id("mer"))).get(path)
            other_mode = api.as_(secret_key(merchant_id, "live")).get(path)
            unknown = api.get(f"/api/v1/payments/{new_id('pay')}/webhooks")
    assert own == {"paymentId": payment_id, "data": []}
    for refused in (other_merchant, other_mode, unknown):
        assert error_of(refused) == (404, "payment_not_found")
        assert refused.json()["error"]["message"].startswith("No payment pay_")
