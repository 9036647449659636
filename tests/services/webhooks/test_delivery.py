"""Delivering messages: signed requests, retries on the schedule, timeouts, Retry-After, 410,
receivers that are down for a while, and slow receivers that must not hold up the others."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest
from standardwebhooks.webhooks import Webhook

from devstack.profile import Profile
from devstack.serving import free_port
from devstack.waiting import wait_until
from tests.receivers import Answer, Receiver, receiving
from tests.services.conftest import INSTANT
from tests.services.webhooks.conftest import ENDPOINTS, Service, running

pytestmark = pytest.mark.infra


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_test_event_arrives_signed_with_the_endpoint_secret(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"], "payment.completed")
    (request,) = receiver.wait_for(1)
    delivered = api.wait_for_status(message["id"], "delivered")
    payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert message["id"].startswith("msg_") and message["trigger"] == "test"
    assert request.path == "/hooks"
    assert request.webhook_id == message["id"]
    assert request.headers["content-type"] == "application/json"
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert set(payload) == {"id", "type", "timestamp", "merchantId", "mode", "data"}
    assert (payload["id"], payload["type"]) == (message["eventId"], "payment.completed")
    assert (payload["merchantId"], payload["mode"]) == (webhooks.merchant_id, "test")
    assert payload["data"]["test"] is True
    assert (payload["data"]["amount"], payload["data"]["currency"]) == (10_000, "INR")
    assert (delivered["attemptCount"], delivered["deliveredAt"] is not None) == (1, True)
    # The body writes its time as the API writes every time.
    assert INSTANT.fullmatch(payload["timestamp"]) and INSTANT.fullmatch(delivered["deliveredAt"])


def test_a_signature_made_with_another_secret_does_not_verify(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    other = api.create_endpoint(receiver.url)
    api.send_test(endpoint["id"])
    (request,) = receiver.wait_for(1)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(other["secret"]).verify(request.body, request.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(endpoint["secret"]).verify(request.body + b" ", request.headers)


def test_the_attempt_log_keeps_the_request_and_the_answer(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    receiver.answer_with(Answer(200, body='{"received": true}'))
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    api.wait_for_status(message["id"], "delivered")
    (listed,) = api.attempts(messageId=message["id"])
    detail = api.attempt(listed["id"])
    (request,) = receiver.requests
    # A test event's attempt is a test, as the attempts log shows it.
    assert (listed["status"], listed["responseStatus"], listed["trigger"]) == (
        "succeeded",
        200,
        "test",
    )
    assert (listed["endpointId"], listed["url"], listed["eventType"]) == (
        endpoint["id"],
        receiver.url,
        "payment.completed",
    )
    assert "request" not in listed and "response" not in listed
    assert detail["request"]["body"] == request.body.decode()
    assert detail["request"]["headers"]["webhook-id"] == message["id"]
    assert detail["request"]["headers"]["webhook-signature"] == request.headers["webhook-signature"]
    assert (detail["response"]["status"], detail["response"]["body"]) == (200, '{"received": true}')
    assert detail["latencyMs"] >= 0 and detail["finishedAt"] is not None


def test_an_endpoint_only_gets_the_event_types_it_asked_for(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url, enabledEvents=["refund.issued"])
    message = api.send_test(endpoint["id"], "refund.issued")
    (request,) = receiver.wait_for(1)
    assert json.loads(request.body)["type"] == "refund.issued"
    assert request.webhook_id == message["id"]
    refused = api.post(f"{ENDPOINTS}/{endpoint['id']}/test", {"eventType": "wallet.credited"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "unknown_event_type")


def test_failures_are_retried_with_the_same_webhook_id_until_one_succeeds(
    profile: Profile,
) -> None:
    with (
        running(profile, response_body_limit=16) as webhooks,
        receiving(Receiver(Answer(500, body="x" * 100), 500)) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        message = api.send_test(endpoint["id"])
        delivered = api.wait_for_status(message["id"], "delivered")
        attempts = api.attempts(messageId=message["id"])
        first = api.attempt(attempts[0]["id"])
        requests = receiver.requests
        assert delivered["attemptCount"] == 3
        assert [r.webhook_id for r in requests] == [message["id"]] * 3
        for request in requests:
            Webhook(endpoint["secret"]).verify(request.body, request.headers)
        assert [a["status"] for a in attempts] == ["failed", "failed", "succeeded"]
        assert [a["responseStatus"] for a in attempts] == [500, 500, 200]
        assert attempts[0]["error"]["code"] == "http_status"
        assert (first["response"]["body"], first["response"]["truncated"]) == ("x" * 16, True)
        assert api.endpoint(endpoint["id"])["failingSince"] is None


def test_an_endpoint_failing_now_shows_since_when(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    receiver.answer_with(default=500)
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    api.wait_for_status(message["id"], "failed")
    failing = api.endpoint(endpoint["id"])
    receiver.answer_with(default=200)
    second = api.send_test(endpoint["id"])
    api.wait_for_status(second["id"], "delivered")
    assert failing["failingSince"] is not None and failing["enabled"] is True
    assert api.endpoint(endpoint["id"])["failingSince"] is None


def test_a_message_failing_every_attempt_is_given_up_and_the_merchant_told(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    receiver.answer_with(default=500)
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    failed = api.wait_for_status(message["id"], "failed")
    listed = api.messages(status="failed")
    attempts = api.attempts(messageId=message["id"])
    notices = wait_until(
        lambda: webhooks.outbox("webhook.message_failed"), timeout=5, what="the notice"
    )
    (notice,) = notices
    assert (failed["reason"], failed["attemptCount"], failed["nextAttemptAt"]) == (
        "attempts_exhausted",
        len(webhooks.settings.retry_schedule_seconds),
        None,
    )
    assert [m["id"] for m in listed] == [message["id"]]
    assert api.messages(status="delivered") == []
    assert len(attempts) == len(receiver.requests) == len(webhooks.settings.retry_schedule_seconds)
    assert {a["status"] for a in attempts} == {"failed"}
    assert notice["merchantId"] == webhooks.merchant_id
    assert (notice["data"]["messageId"], notice["data"]["endpointId"]) == (
        message["id"],
        endpoint["id"],
    )
    assert notice["data"]["attempts"] == len(attempts)
    assert notice["data"]["lastError"] == "The endpoint answered 500."


def test_a_receiver_slower_than_the_timeout_is_retried(profile: Profile) -> None:
    with (
        running(profile, attempt_timeout_seconds=0.5) as webhooks,
        receiving(Receiver(Answer(200, delay=2.0))) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        message = api.send_test(endpoint["id"])
        delivered = api.wait_for_status(message["id"], "delivered")
        attempts = api.attempts(messageId=message["id"])
        assert [a["status"] for a in attempts] == ["failed", "succeeded"]
        assert attempts[0]["error"]["code"] == "timeout"
        assert attempts[0]["responseStatus"] is None
        assert delivered["attemptCount"] == 2
        assert [r.webhook_id for r in receiver.requests] == [message["id"]] * 2


def test_a_receiver_that_cannot_be_reached_is_retried(profile: Profile) -> None:
    with running(profile) as webhooks:
        api = webhooks.api()
        endpoint = api.create_endpoint(f"http://127.0.0.1:{free_port()}/hooks")
        message = api.send_test(endpoint["id"])
        api.wait_for_status(message["id"], "failed")
        attempts = api.attempts(messageId=message["id"])
        assert len(attempts) == len(webhooks.settings.retry_schedule_seconds)
        assert {a["error"]["code"] for a in attempts} == {"connection_error"}


def test_a_410_disables_the_endpoint_until_the_merchant_enables_it(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    receiver.answer_with(410)
    endpoint = api.create_endpoint(receiver.url)
    message = api.send_test(endpoint["id"])
    failed = api.wait_for_status(message["id"], "failed")
    disabled = api.endpoint(endpoint["id"])
    (notice,) = wait_until(
        lambda: webhooks.outbox("webhook.endpoint_disabled"), timeout=5, what="the notice"
    )
    assert (failed["reason"], failed["attemptCount"]) == ("endpoint_gone", 1)
    assert len(receiver.requests) == 1
    assert (disabled["enabled"], disabled["disabledReason"]) == (False, "endpoint_gone")
    assert disabled["disabledAt"] is not None
    assert (notice["merchantId"], notice["data"]["endpointId"], notice["data"]["reason"]) == (
        webhooks.merchant_id,
        endpoint["id"],
        "endpoint_gone",
    )
    enabled = api.ok(api.patch(f"{ENDPOINTS}/{endpoint['id']}", {"enabled": True}))
    assert (enabled["enabled"], enabled["disabledReason"]) == (True, None)
    again = api.send_test(endpoint["id"])
    api.wait_for_status(again["id"], "delivered")
    assert receiver.requests[-1].webhook_id == again["id"]


def test_messages_for_a_disabled_endpoint_are_canceled_not_sent(profile: Profile) -> None:
    with (
        running(profile, retry_schedule_seconds=[0, 1, 1, 1]) as webhooks,
        receiving(Receiver(default=500)) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        message = api.send_test(endpoint["id"])
        receiver.wait_for(1)
        api.ok(api.patch(f"{ENDPOINTS}/{endpoint['id']}", {"enabled": False}))
        canceled = api.wait_for_status(message["id"], "canceled")
        assert canceled["reason"] == "endpoint_disabled"
        assert len(receiver.requests) <= 2
        # Nothing new is queued for it either: a test event is refused until it is enabled.
        refused = api.post(f"{ENDPOINTS}/{endpoint['id']}/test", {})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "endpoint_disabled"


def test_messages_still_retrying_for_a_deleted_endpoint_are_canceled(
    profile: Profile,
) -> None:
    with (
        running(profile, retry_schedule_seconds=[0, 1, 1, 1]) as webhooks,
        receiving(Receiver(default=500)) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        message = api.send_test(endpoint["id"])
        receiver.wait_for(1)
        assert api.delete(f"{ENDPOINTS}/{endpoint['id']}").status_code == 204
        canceled = api.wait_for_status(message["id"], "canceled")
        assert canceled["reason"] == "endpoint_deleted"
        assert len(receiver.requests) <= 2


def test_an_endpoint_failing_for_too_long_is_disabled(profile: Profile) -> None:
    with (
        running(
            profile,
            retry_schedule_seconds=[0, 0.3, 0.3, 0.3, 0.3, 0.3],
            disable_after_failing_seconds=0.5,
        ) as webhooks,
        receiving(Receiver(default=503)) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        api.send_test(endpoint["id"])
        wait_until(
            lambda: api.endpoint(endpoint["id"])["disabledReason"] == "failing",
            timeout=10,
            what="the endpoint disabled",
        )
        (notice,) = wait_until(
            lambda: webhooks.outbox("webhook.endpoint_disabled"), timeout=5, what="the notice"
        )
        assert api.endpoint(endpoint["id"])["enabled"] is False
        assert notice["data"]["reason"] == "failing"


def test_an_endpoint_turned_back_on_is_not_disabled_by_an_attempt_begun_before(
    profile: Profile,
) -> None:
    with (
        running(
            profile,
            retry_schedule_seconds=[0, 0.3, 0.3, 0.3],
            disable_after_failing_seconds=0.5,
            attempt_timeout_seconds=5,
        ) as webhooks,
        # The second attempt waits on the receiver long past the failing limit.
        receiving(Receiver(503, Answer(503, delay=1.5), default=200)) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        message = api.send_test(endpoint["id"])
        receiver.wait_for(2)
        # The merchant turns it on again (the failure clock starts afresh) while that attempt waits.
        api.ok(api.patch(f"{ENDPOINTS}/{endpoint['id']}", {"enabled": True}))
        api.wait_for_status(message["id"], "delivered")
        after = api.endpoint(endpoint["id"])
        assert (after["enabled"], after["disabledReason"]) == (True, None)
        assert webhooks.outbox("webhook.endpoint_disabled") == []


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_puts_the_next_attempt_off(profile: Profile, status: int) -> None:
    with (
        running(profile, retry_schedule_seconds=[0, 0.2, 0.2]) as webhooks,
        receiving(Receiver(Answer(status, headers={"Retry-After": "2"}))) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        message = api.send_test(endpoint["id"])
        api.wait_for_status(message["id"], "delivered")
        first, second = api.attempts(messageId=message["id"])
        assert (first["responseStatus"], second["responseStatus"]) == (status, 200)
        assert (_at(second["startedAt"]) - _at(first["startedAt"])).total_seconds() >= 2
        assert receiver.requests[1].at - receiver.requests[0].at >= 1.9


def test_a_retry_after_longer_than_allowed_is_capped(profile: Profile) -> None:
    with (
        running(
            profile, retry_schedule_seconds=[0, 0.2, 0.2], max_retry_after_seconds=1
        ) as webhooks,
        receiving(Receiver(Answer(429, headers={"Retry-After": "3600"}))) as receiver,
    ):
        api = webhooks.api()
        endpoint = api.create_endpoint(receiver.url)
        message = api.send_test(endpoint["id"])
        api.wait_for_status(message["id"], "delivered", timeout=10)
        assert len(receiver.requests) == 2


def test_a_receiver_down_for_a_while_gets_every_message_once_it_is_back(
    profile: Profile,
) -> None:
    port = free_port()
    with running(
        profile, retry_schedule_seconds=[0, 0.2, 0.4, 0.8, 1, 1, 1, 1, 1, 1, 1, 1]
    ) as webhooks:
        api = webhooks.api()
        endpoint = api.create_endpoint(f"http://127.0.0.1:{port}/hooks")
        sent = {api.send_test(endpoint["id"])["id"] for _ in range(10)}
        wait_until(
            lambda: all(m["attemptCount"] >= 1 for m in api.messages()),
            timeout=10,
            what="a failed attempt at every message",
        )
        with receiving(Receiver(), port) as receiver:
            wait_until(
                lambda: {m["status"] for m in api.messages()} == {"delivered"},
                timeout=20,
                what="every message delivered",
            )
            received = [r.webhook_id for r in receiver.requests]
        assert sorted(received) == sorted(sent)
        assert {a["error"]["code"] for a in api.attempts(status="failed")} == {"connection_error"}


def test_a_slow_endpoint_does_not_hold_up_another(profile: Profile) -> None:
    with (
        running(profile, endpoint_concurrency=2, attempt_timeout_seconds=10) as webhooks,
        receiving(Receiver(default=Answer(200, delay=3))) as slow,
        receiving(Receiver()) as fast,
    ):
        api = webhooks.api()
        a = api.create_endpoint(slow.url)
        b = api.create_endpoint(fast.url)
        to_a = [api.send_test(a["id"])["id"] for _ in range(10)]
        to_b = [api.send_test(b["id"])["id"] for _ in range(3)]
        for message_id in to_b:
            api.wait_for_status(message_id, "delivered", timeout=10)
        pending = [m for m in api.messages(endpointId=a["id"]) if m["status"] == "pending"]
        assert sorted(r.webhook_id for r in fast.requests) == sorted(to_b)
        assert len(pending) >= 6
        assert len(slow.requests) <= 4
        assert {r.webhook_id for r in slow.requests} <= set(to_a)
