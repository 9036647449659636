"""Webhook notices become emails to a merchant's owners and developers: the notice service on
the real local store, sending through the real Mailpit.

The handler is called as the event consumer calls it; delivery through Kafka is in
test_notices_consumers.py.
"""

from __future__ import annotations

import asyncio
import socket

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.profile import Profile
from services.auth.mail import Mailer
from services.auth.merchants.store import MerchantStore, membership_id
from services.auth.notices.service import NoticeService
from services.auth.settings import SmtpSettings
from services.auth.users.store import UserStore
from shared.events.consumer import PermanentEventError
from shared.identity import MemberRole
from shared.ids import new_id
from tests.services.auth.test_notices_helpers import (
    DISABLED_SUBJECT,
    FAILED_SUBJECT,
    endpoint_disabled,
    endpoint_url,
    message_failed,
)
from tests.services.auth.test_users_helpers import PUBLIC_URL, Mailbox, unique_email


def mailer(profile: Profile) -> Mailer:
    return Mailer(SmtpSettings(host="127.0.0.1", port=profile.port("EXPE_MAILPIT_SMTP_PORT")))


def notices(db: AsyncDatabase[dict], profile: Profile) -> NoticeService:
    return NoticeService(db, mailer(profile), PUBLIC_URL)


async def merchant(db: AsyncDatabase[dict], name: str = "Chai Point") -> str:
    merchant_id = new_id("mer")
    await MerchantStore(db).insert_merchant({"_id": merchant_id, "name": name})
    return merchant_id


async def member(
    db: AsyncDatabase[dict],
    profile: Profile,
    merchant_id: str,
    role: MemberRole,
    *,
    verified: bool = True,
    account: bool = True,
    webhook_emails: bool = True,
) -> Mailbox:
    """A member with an account of their own (unless `account` is False: deleted since)."""
    user_id, email = new_id("usr"), unique_email(role)
    if account:
        await UserStore(db).insert(
            {
                "_id": user_id,
                "email": email,
                "name": "Asha Rao",
                "emailVerified": verified,
                "notifications": {"webhookFailures": webhook_emails},
            }
        )
    await MerchantStore(db).insert_membership(
        {
            "_id": membership_id(merchant_id, user_id),
            "merchantId": merchant_id,
            "userId": user_id,
            "email": email,
            "role": role,
        }
    )
    return Mailbox(profile.mailpit_url, email)


async def test_owners_and_developers_with_verified_emails_hear_of_a_disabled_endpoint(
    db: AsyncDatabase[dict], profile: Profile
) -> None:
    merchant_id = await merchant(db, "Chai Point")
    owner = await member(db, profile, merchant_id, "owner")
    developer = await member(db, profile, merchant_id, "developer")
    left_out = [
        await member(db, profile, merchant_id, "viewer"),
        await member(db, profile, merchant_id, "owner", verified=False),
        await member(db, profile, merchant_id, "developer", account=False),
        await member(db, profile, merchant_id, "owner", webhook_emails=False),
    ]
    url = endpoint_url()
    event = endpoint_disabled(merchant_id, url, reason="endpoint_gone", mode="live")

    await notices(db, profile).handle(event)

    for box in (owner, developer):
        (text,) = box.wait_for(f"{DISABLED_SUBJECT}: {url}")
        assert url in text
        assert event.data["endpointId"] in text
        assert "Chai Point" in text
        assert "live mode" in text
        assert "410 Gone" in text
        assert "Re-enable it in the dashboard" in text
        assert PUBLIC_URL in text
    for box in left_out:
        assert box.texts("Webhook") == []


async def test_a_message_given_up_on_names_the_event_endpoint_and_last_error(
    db: AsyncDatabase[dict], profile: Profile
) -> None:
    merchant_id = await merchant(db)
    owner = await member(db, profile, merchant_id, "owner")
    url = endpoint_url()
    event = message_failed(merchant_id, url, event_type="refund.issued", last_error="HTTP 503")

    await notices(db, profile).handle(event)

    (text,) = owner.wait_for(f"{FAILED_SUBJECT}: refund.issued")
    assert url in text
    assert event.data["eventId"] in text
    assert event.data["messageId"] in text
    assert "after 8 attempts" in text
    assert "HTTP 503" in text
    assert "test mode" in text
    assert "Retry the message from the attempts log" in text


async def test_a_notice_delivered_again_is_mailed_once(
    db: AsyncDatabase[dict], profile: Profile
) -> None:
    merchant_id = await merchant(db)
    owner = await member(db, profile, merchant_id, "owner")
    developer = await member(db, profile, merchant_id, "developer")
    url = endpoint_url()
    event = endpoint_disabled(merchant_id, url)
    service = notices(db, profile)

    # Twice at once (two consumers after a rebalance), then once more (a crash before the
    # consumer recorded the event): the handler runs three times.
    await asyncio.gather(service.handle(event), service.handle(event))
    await service.handle(event)
    # A later notice about the same endpoint arrives behind it: once that is in, so is any copy.
    later = message_failed(merchant_id, url)
    await service.handle(later)

    for box in (owner, developer):
        box.wait_for(FAILED_SUBJECT)
        assert len(box.texts(DISABLED_SUBJECT)) == 1


async def test_a_notice_for_an_unknown_merchant_is_given_up_not_retried(
    db: AsyncDatabase[dict], profile: Profile
) -> None:
    with pytest.raises(PermanentEventError, match="unknown merchant"):
        await notices(db, profile).handle(endpoint_disabled(new_id("mer"), endpoint_url()))


async def test_a_notice_without_its_fields_is_given_up_not_retried(
    db: AsyncDatabase[dict], profile: Profile
) -> None:
    merchant_id = await merchant(db)
    await member(db, profile, merchant_id, "owner")
    broken = endpoint_disabled(merchant_id, endpoint_url())
    broken = broken.model_copy(update={"data": {"url": broken.data["url"]}})
    with pytest.raises(PermanentEventError, match="endpointId"):
        await notices(db, profile).handle(broken)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_notice_the_mail_relay_did_not_take_is_sent_when_retried(
    db: AsyncDatabase[dict], profile: Profile
) -> None:
    merchant_id = await merchant(db)
    owner = await member(db, profile, merchant_id, "owner")
    url = endpoint_url()
    event = endpoint_disabled(merchant_id, url)
    relay_down = NoticeService(
        db, Mailer(SmtpSettings(host="127.0.0.1", port=closed_port())), PUBLIC_URL
    )

    # A ConnectionError: the consumer keeps the event and retries it instead of parking it.
    with pytest.raises(ConnectionError):
        await relay_down.handle(event)
    await notices(db, profile).handle(event)

    (text,) = owner.wait_for(f"{DISABLED_SUBJECT}: {url}")
    assert url in text
