"""The payments service as webhooks sees it: whose payment an id names.

Webhooks keeps messages per payment, but only for merchants with endpoints; a payment without
messages may still be the caller's, so its owner is asked of payments before answering 404.
"""

from __future__ import annotations

from shared.errors import ServiceUnavailable
from shared.identity import service_caller
from shared.internal_http import InternalClient, ServiceClient


class PaymentsClient:
    def __init__(self, client: ServiceClient, secret: str) -> None:
        self._http = InternalClient(client, secret, service_caller("webhooks"))

    async def belongs_to(self, payment_id: str, merchant_id: str, mode: str) -> bool:
        """Whether `payment_id` is a payment of this merchant in this mode."""
        response = await self._http.request("GET", f"/internal/v1/payments/{payment_id}/owner")
        if response.status_code == 404:
            return False
        if response.status_code != 200:
            raise ServiceUnavailable(f"The payments service failed ({response.error().code}).")
        try:
            owner = response.json()
            return bool(owner["merchantId"] == merchant_id and owner["mode"] == mode)
        except (ValueError, KeyError, TypeError):
            raise ServiceUnavailable("The payments service answered unexpectedly.") from None
