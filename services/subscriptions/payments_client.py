"""The payments service as subscriptions sees it: saved cards, and charging them.

A charge names a `reference` (invoice and attempt); the payments service derives the payment's
id from it, so a charge sent again after a crash, a timeout or by another replica is the same
payment, charged once.
"""

from __future__ import annotations

from typing import Any

from services.subscriptions.errors import PaymentMethodNotFound
from shared.errors import ServiceUnavailable
from shared.identity import service_caller
from shared.internal_http import InternalClient, ServiceClient


class PaymentsClient:
    def __init__(self, client: ServiceClient, secret: str) -> None:
        self._http = InternalClient(client, secret, service_caller("subscriptions"))

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self._http.request(method, path, json=body)
        if response.status_code < 300:
            return response.json()
        error = response.error()
        if error.status_code in (400, 404, 422):  # no such card, or no id of one
            raise PaymentMethodNotFound(error.message, param="paymentMethodId")
        raise ServiceUnavailable(f"The payments service failed ({error.code}).")

    async def payment_method(self, payment_method_id: str) -> dict[str, Any]:
        """The saved card's owner (`merchantId`, `mode`) and its card."""
        return dict(await self._call("GET", f"/internal/v1/payment-methods/{payment_method_id}"))

    async def charge(
        self,
        payment_method_id: str,
        *,
        merchant_id: str,
        mode: str,
        amount: int,
        currency: str,
        order_id: str,
        description: str,
        reference: str,
    ) -> dict[str, Any]:
        """The payment of this reference: `succeeded`, `failed` (with `failureCode`), or still
        on its way (anything else: ask again later)."""
        body = {
            "merchantId": merchant_id,
            "mode": mode,
            "amount": amount,
            "currency": currency,
            "orderId": order_id,
            "description": description,
            "reference": reference,
        }
        path = f"/internal/v1/payment-methods/{payment_method_id}/charges"
        return dict(await self._call("POST", path, body))
