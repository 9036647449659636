"""The wallet service as payments sees it: holds, captures, releases and refund credits.

Every call is idempotent on the wallet's side (a hold per payment id, a capture or release per
hold, a refund credit per refund id), so payments may repeat any of them after a crash.
"""

from __future__ import annotations

from typing import Any

from services.payments.errors import WalletNotFound, WalletShort
from shared.errors import (
    Conflict,
    InvalidRequest,
    PermissionDenied,
    ServiceUnavailable,
)
from shared.identity import service_caller
from shared.internal_http import InternalClient, ServiceClient


class WalletClient:
    def __init__(self, client: ServiceClient, secret: str) -> None:
        self._http = InternalClient(client, secret, service_caller("payments"))

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self._http.request(method, path, json=body)
        if response.status_code < 300:
            return response.json()
        error = response.error()
        status, code, message = error.status_code, error.code, error.message
        if status == 402:
            raise WalletShort("The wallet's available balance is smaller than the amount.")
        if status in (401, 403):
            raise PermissionDenied(message, param="walletId")
        if status == 404:
            raise WalletNotFound(message, param="walletId")
        if status == 409:
            raise Conflict(message)
        if status in (400, 422):
            raise InvalidRequest(message, param="walletId")
        raise ServiceUnavailable(f"The wallet service failed ({code}).")

    async def get_wallet(self, wallet_id: str) -> dict[str, Any]:
        """The wallet's owner, currency, mode and balances."""
        return dict(await self._call("GET", f"/internal/v1/wallets/{wallet_id}"))

    async def merchant_wallet(self, merchant_id: str, currency: str, mode: str) -> str:
        body = {"merchantId": merchant_id, "currency": currency, "mode": mode}
        return str((await self._call("POST", "/internal/v1/merchant-wallets", body))["id"])

    async def hold(
        self,
        *,
        wallet_id: str,
        amount: int,
        currency: str,
        mode: str,
        owner_id: str,
        reference: str,
        owner_type: str = "user",
    ) -> dict[str, Any]:
        """Holds `amount` in the wallet, which must be `owner_id`'s (a user's, or with
        `owner_type="merchant"` a merchant's), once per reference; WalletShort, for good, when
        the wallet held too little at the first call of this reference."""
        body = {
            "walletId": wallet_id,
            "amount": amount,
            "currency": currency,
            "reference": reference,
            "mode": mode,
            "ownerType": owner_type,
            "ownerId": owner_id,
        }
        return dict(await self._call("POST", "/internal/v1/holds", body))

    async def get_hold(self, hold_id: str) -> dict[str, Any]:
        return dict(await self._call("GET", f"/internal/v1/holds/{hold_id}"))

    async def capture(self, hold_id: str, to_wallet_id: str | None) -> dict[str, Any]:
        """Pays the held money to `to_wallet_id`, or with None out of Expe (a chargeback)."""
        path = f"/internal/v1/holds/{hold_id}/capture"
        body = {"toWalletId": to_wallet_id} if to_wallet_id else {}
        return dict(await self._call("POST", path, body))

    async def release(self, hold_id: str) -> dict[str, Any]:
        return dict(await self._call("POST", f"/internal/v1/holds/{hold_id}/release"))

    async def refund_credit(
        self, *, from_wallet_id: str, to_wallet_id: str, amount: int, currency: str, reference: str
    ) -> dict[str, Any]:
        body = {
            "fromWalletId": from_wallet_id,
            "toWalletId": to_wallet_id,
            "amount": amount,
            "currency": currency,
            "reference": reference,
        }
        return dict(await self._call("POST", "/internal/v1/refund-credits", body))
