"""Which notice emails went out, one document per event and recipient.

A document is inserted before its email is sent: the insert is the claim (`shared.claims`) that
makes one consumer, once, send that email.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import insert_once
from shared.mongo import Document

NOTICE_EMAILS = "notice_emails"


def notice_email_id(event_id: str, user_id: str) -> str:
    return f"{event_id}:{user_id}"


class NoticeEmailStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._emails = db[NOTICE_EMAILS]

    async def claim(self, email: Document) -> bool:
        """True for exactly one caller per `_id`: that caller sends the email."""
        return await insert_once(self._emails, {**email, "status": "sending"})

    async def mark(self, email_id: str, status: str, at: datetime) -> None:
        await self._emails.update_one({"_id": email_id}, {"$set": {"status": status, "at": at}})

    async def release(self, email_id: str) -> None:
        """Gives the claim back after the email could not be sent, so a retry sends it."""
        await self._emails.delete_one({"_id": email_id})
