"""Rotating an endpoint's signing secret: both secrets sign during the grace period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.receivers import Received, Receiver
from tests.services.webhooks.conftest import ENDPOINTS, Service, error_of

pytestmark = pytest.mark.infra


def _signatures(request: Received) -> list[str]:
    return request.headers["webhook-signature"].split(" ")


def _signed_by(secret: str, request: Received) -> str:
    """The signature `secret` gives this request, computed by the reference library."""
    at = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), UTC)
    return Webhook(secret).sign(request.webhook_id, at, request.body.decode())


def test_after_a_rotation_both_secrets_sign_until_the_old_one_expires(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    old = endpoint["secret"]
    rotated = api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/rotate-secret"))
    new = rotated["secret"]
    api.send_test(endpoint["id"])
    (request,) = receiver.wait_for(1)
    expires = datetime.fromisoformat(rotated["previousSecretExpiresAt"].replace("Z", "+00:00"))
    assert new.startswith("whsec_") and new != old
    assert rotated["endpointId"] == endpoint["id"]
    grace = timedelta(seconds=webhooks.settings.rotation_grace_seconds)
    assert abs(expires - (datetime.now(UTC) + grace)) < timedelta(minutes=1)
    assert sorted(_signatures(request)) == sorted(
        [_signed_by(new, request), _signed_by(old, request)]
    )
    Webhook(new).verify(request.body, request.headers)
    Webhook(old).verify(request.body, request.headers)
    assert new not in api.get(f"{ENDPOINTS}/{endpoint['id']}").text


def test_without_grace_only_the_new_secret_signs(webhooks: Service, receiver: Receiver) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    rotated = api.ok(api.post(f"{ENDPOINTS}/{endpoint['id']}/rotate-secret", {"graceSeconds": 0}))
    api.send_test(endpoint["id"])
    (request,) = receiver.wait_for(1)
    assert _signatures(request) == [_signed_by(rotated["secret"], request)]
    Webhook(rotated["secret"]).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(request.body, request.headers)


def test_a_second_rotation_keeps_at_most_the_secrets_in_grace(
    webhooks: Service, receiver: Receiver
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(receiver.url)
    path = f"{ENDPOINTS}/{endpoint['id']}/rotate-secret"
    first = api.ok(api.post(path, {"graceSeconds": 0}))
    second = api.ok(api.post(path, {"graceSeconds": 3600}))
    api.send_test(endpoint["id"])
    (request,) = receiver.wait_for(1)
    assert sorted(_signatures(request)) == sorted(
        [_signed_by(second["secret"], request), _signed_by(first["secret"], request)]
    )
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(request.body, request.headers)


def test_a_grace_period_longer_than_a_week_is_refused(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint("http://127.0.0.1:9/hooks")
    refused = api.post(
        f"{ENDPOINTS}/{endpoint['id']}/rotate-secret", {"graceSeconds": 8 * 24 * 3600}
    )
    assert error_of(refused) == (400, "parameter_invalid")
