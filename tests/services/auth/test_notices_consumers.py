"""The auth service takes the notices webhooks publishes on Kafka and mails them: the service
running on the real infrastructure, people signed up and invited through its API.

The service joins a consumer group of its own: the group of the real service is shared with the
auth process of the e2e mesh, which would take these notices. A new group starts from the oldest
notice on the topics; those name merchants of other databases and are given up at once.
"""

from __future__ import annotations

import secrets
from typing import Any

from devstack.profile import Profile
from devstack.waiting import wait_until
from shared.events.envelope import EventEnvelope
from shared.events.producer import EventProducer
from shared.identity import Caller
from shared.settings import KafkaSettings
from tests.services.auth.test_merchants_factories import token_in
from tests.services.auth.test_notices_helpers import (
    DISABLED_SUBJECT,
    FAILED_SUBJECT,
    endpoint_disabled,
    endpoint_url,
    message_failed,
)
from tests.services.auth.test_users_helpers import AuthApi, Mailbox, running_auth, unique_email

# Joining a new group and reading past older notices takes a few seconds.
ARRIVAL_SECONDS = 60


def signed_up(api: AuthApi) -> tuple[Caller, Mailbox]:
    """Someone who registered and verified their email, logged in to the dashboard."""
    email = unique_email("member")
    api.verified(email)
    return api.as_user(api.logged_in(email)), api.mailbox(email)


def joined(api: AuthApi, owner: Caller, merchant_id: str, role: str) -> Mailbox:
    caller, mailbox = signed_up(api)
    invited = api.call(
        "POST",
        f"/api/v1/merchants/{merchant_id}/members",
        caller=owner,
        json={"email": mailbox.address, "role": role},
    )
    assert invited.status_code == 201, invited.text
    (invitation,) = mailbox.wait_for("invited to join")
    accepted = api.call(
        "POST", "/api/v1/invitations/accept", caller=caller, json={"token": token_in(invitation)}
    )
    assert accepted.status_code == 200, accepted.text
    return mailbox


async def publish(profile: Profile, *events: EventEnvelope) -> None:
    producer = EventProducer(
        KafkaSettings(bootstrap_servers=profile.kafka_bootstrap), client_id="notice-tests"
    )
    producer.start()
    try:
        await producer.wait_ready()
        # Keyed by merchant, as webhooks' outbox does: one partition, read in this order.
        await producer.publish_many([(event, event.merchant_id) for event in events])
    finally:
        await producer.stop()


def texts_arrived(mailbox: Mailbox, subject: str) -> list[str]:
    return wait_until(
        lambda: mailbox.texts(subject),
        timeout=ARRIVAL_SECONDS,
        what=f"'{subject}' to {mailbox.address}",
    )


async def test_owners_and_developers_are_mailed_each_notice_once(
    serve: Any, profile: Profile
) -> None:
    group = f"test-auth-notices-{secrets.token_hex(4)}"
    with running_auth(serve, profile, notices={"consume": True, "consumer_group": group}) as api:
        owner, owner_mail = signed_up(api)
        created = api.call(
            "POST",
            "/api/v1/merchants",
            caller=owner,
            json={"name": "Chai Point", "country": "IN", "defaultCurrency": "INR"},
        )
        assert created.status_code == 201, created.text
        merchant_id = created.json()["id"]
        developer_mail = joined(api, owner, merchant_id, "developer")
        viewer_mail = joined(api, owner, merchant_id, "viewer")
        url = endpoint_url()
        disabled = endpoint_disabled(merchant_id, url, reason="failing")
        failed = message_failed(merchant_id, url, event_type="payment.completed")

        # At least once: the disabled notice arrives twice, the failed one behind it.
        await publish(profile, disabled, disabled, failed)

        for mailbox in (owner_mail, developer_mail):
            (failed_text,) = texts_arrived(mailbox, f"{FAILED_SUBJECT}: payment.completed")
            assert url in failed_text
            (disabled_text,) = mailbox.texts(f"{DISABLED_SUBJECT}: {url}")
            assert "Chai Point" in disabled_text
            assert "kept failing" in disabled_text
        assert viewer_mail.texts("Webhook") == []
