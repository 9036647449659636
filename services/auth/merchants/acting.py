"""Who acts in a request, and what the audit log records about it."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.auth.audit.service import record
from services.auth.audit.store import AuditStore
from shared.errors import Unauthenticated
from shared.identity import Caller
from shared.mongo import Document


class Actor:
    """A logged-in user acting through the dashboard API."""

    def __init__(self, db: AsyncDatabase[Document], caller: Caller, user_agent: str | None) -> None:
        if caller.user_id is None:
            raise Unauthenticated("Log in to do this.")
        self.caller = caller
        self.user_id: str = caller.user_id
        self._audit = AuditStore(db)
        self._user_agent = user_agent

    @property
    def email(self) -> str | None:
        return caller_email(self.caller)

    async def record(self, action: str, *, merchant_id: str, target: dict[str, Any]) -> None:
        await record(
            self._audit,
            action,
            caller=self.caller,
            user_agent=self._user_agent,
            merchant_id=merchant_id,
            target=target,
        )


def caller_email(caller: Caller) -> str | None:
    return caller.email.strip().lower() if caller.email else None
