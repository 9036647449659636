"""The auth service as wallet sees it: who a transfer's recipient email belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from shared.errors import ServiceUnavailable
from shared.identity import service_caller
from shared.internal_http import InternalClient, ServiceClient


@dataclass(frozen=True)
class EmailOwner:
    user_id: str
    email_verified: bool


class AuthClient:
    def __init__(self, client: ServiceClient, secret: str) -> None:
        self._http = InternalClient(client, secret, service_caller("wallet"))

    async def user_by_email(self, email: str) -> EmailOwner | None:
        """The user registered with this email, or None when nobody is."""
        response = await self._http.request(
            "GET", f"/internal/v1/users/by-email/{quote(email, safe='@')}"
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ServiceUnavailable(f"The auth service failed ({response.error().code}).")
        try:
            body = response.json()
            return EmailOwner(str(body["userId"]), bool(body["emailVerified"]))
        except (ValueError, KeyError, TypeError):
            raise ServiceUnavailable("The auth service answered something unexpected.") from None
