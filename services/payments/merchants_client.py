"""The auth service as payments sees it: the names the hosted checkout shows customers.

A name changes rarely and a checkout page is opened often, so answers are remembered for a
minute in the process. The checkout works without a name: when auth does not answer, the page
shows none rather than failing the customer's payment.
"""

from __future__ import annotations

import logging
import time

from shared.errors import ServiceUnavailable, UpstreamTimeout
from shared.identity import service_caller
from shared.internal_http import InternalClient, ServiceClient

logger = logging.getLogger(__name__)

REMEMBER_SECONDS = 60.0
_MOST_REMEMBERED = 10_000


class MerchantNames:
    def __init__(self, client: ServiceClient, secret: str) -> None:
        self._http = InternalClient(client, secret, service_caller("payments"))
        self._names: dict[str, tuple[float, str | None]] = {}

    async def name_of(self, merchant_id: str) -> str | None:
        now = time.monotonic()
        remembered = self._names.get(merchant_id)
        if remembered is not None and now - remembered[0] < REMEMBER_SECONDS:
            return remembered[1]
        name = await self._ask(merchant_id)
        if len(self._names) >= _MOST_REMEMBERED:
            self._names.clear()
        self._names[merchant_id] = (now, name)
        return name

    async def _ask(self, merchant_id: str) -> str | None:
        try:
            response = await self._http.request("GET", f"/internal/v1/merchants/{merchant_id}")
        except (ServiceUnavailable, UpstreamTimeout):
            logger.warning("merchant name of %s not available", merchant_id)
            return None
        if response.status_code != 200:
            return None
        name = response.json().get("name")
        return str(name) if name else None
