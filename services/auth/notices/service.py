"""Turning a webhook notice into one email to each owner and developer of the merchant."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiosmtplib
from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from services.auth.mail import Mailer
from services.auth.merchants.store import MerchantStore
from services.auth.notices.emails import endpoint_disabled_email, message_failed_email
from services.auth.notices.events import EndpointDisabledData, MessageFailedData
from services.auth.notices.store import NoticeEmailStore, notice_email_id
from services.auth.users.store import UserStore
from shared.clock import now_ms
from shared.errors import ServiceUnavailable
from shared.events.consumer import PermanentEventError
from shared.events.envelope import WEBHOOK_ENDPOINT_DISABLED, WEBHOOK_MESSAGE_FAILED, EventEnvelope
from shared.identity import MemberRole
from shared.mongo import Document

logger = logging.getLogger("expe.auth.notices")

NOTIFIED_ROLES: tuple[MemberRole, ...] = ("owner", "developer")


class MailRelayUnreachable(ConnectionError):
    """The SMTP relay did not take a notice email. A `ConnectionError`, so the event consumer
    waits and retries instead of giving the notice up after a few quick attempts."""


@dataclass(frozen=True)
class Recipient:
    user_id: str
    email: str


class NoticeService:
    def __init__(self, db: AsyncDatabase[Document], mailer: Mailer, public_url: str) -> None:
        self._merchants = MerchantStore(db)
        self._users = UserStore(db)
        self._emails = NoticeEmailStore(db)
        self._mailer = mailer
        self._public_url = public_url

    async def handle(self, event: EventEnvelope) -> None:
        """Emails the notice to every recipient who has not been sent it for this event yet."""
        if event.merchant_id is None:
            raise PermanentEventError(f"{event.id} names no merchant")
        merchant = await self._merchants.merchant(event.merchant_id)
        if merchant is None:
            raise PermanentEventError(f"{event.id} names unknown merchant {event.merchant_id}")
        subject, text = self._compose(event, merchant["name"])
        for recipient in await self.recipients(event.merchant_id):
            await self._send_once(event, recipient, subject, text)

    async def recipients(self, merchant_id: str) -> list[Recipient]:
        """Owners and developers whose email address is verified and who have not turned
        webhook failure emails off."""
        members = await self._merchants.members_with_roles(merchant_id, NOTIFIED_ROLES)
        user_ids = list(dict.fromkeys(member["userId"] for member in members))
        users = await asyncio.gather(*(self._users.get(user_id) for user_id in user_ids))
        return [
            Recipient(user["_id"], user["email"])
            for user in users
            if user is not None
            and user.get("emailVerified") is True
            and user.get("notifications", {}).get("webhookFailures", True)
        ]

    def _compose(self, event: EventEnvelope, merchant_name: str) -> tuple[str, str]:
        try:
            if event.type == WEBHOOK_ENDPOINT_DISABLED:
                return endpoint_disabled_email(
                    merchant_name=merchant_name,
                    data=EndpointDisabledData.model_validate(event.data),
                    public_url=self._public_url,
                )
            if event.type == WEBHOOK_MESSAGE_FAILED:
                return message_failed_email(
                    merchant_name=merchant_name,
                    data=MessageFailedData.model_validate(event.data),
                    public_url=self._public_url,
                )
        except ValidationError as error:
            raise PermanentEventError(f"{event.id}: {error}") from error
        raise PermanentEventError(f"{event.id}: {event.type} is not a webhook notice")

    async def _send_once(
        self, event: EventEnvelope, recipient: Recipient, subject: str, text: str
    ) -> None:
        # The claim comes before the send: a crash in between costs this recipient the email,
        # where the other order would mail them again on every redelivery.
        email_id = notice_email_id(event.id, recipient.user_id)
        claimed = await self._emails.claim(
            {
                "_id": email_id,
                "eventId": event.id,
                "type": event.type,
                "merchantId": event.merchant_id,
                "userId": recipient.user_id,
                "email": recipient.email,
                "claimedAt": now_ms(),
            }
        )
        if not claimed:
            return
        try:
            await self._mailer.send(recipient.email, subject, text)
        except ServiceUnavailable as error:
            if isinstance(error.__cause__, aiosmtplib.SMTPRecipientsRefused):
                # The relay will refuse this address next time too; the others still get theirs.
                logger.warning(
                    "notice address refused",
                    extra={"eventId": event.id, "userId": recipient.user_id},
                )
                await self._emails.mark(email_id, "refused", now_ms())
                return
            await self._emails.release(email_id)
            raise MailRelayUnreachable(f"notice {event.id} not sent: {error}") from error
        await self._emails.mark(email_id, "sent", now_ms())
