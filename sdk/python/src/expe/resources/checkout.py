"""The hosted checkout's calls: what a customer's browser does with a payment's client secret."""

from __future__ import annotations

from typing import Literal

from expe._calls import Call, ModeT, Resource, as_model, endpoint, wire
from expe.models import CheckoutPayment
from expe.params import CardParams

_CHECKOUT = "/api/v1/checkout/payments"


def _opened_by(client_secret: str | None) -> dict[str, str]:
    return {"Expe-Client-Secret": client_secret} if client_secret else {}


class Checkout(Resource[ModeT]):
    """With a publishable key (or none at all) the payment's `client_secret` is needed; the
    merchant's secret key reaches its payments without it."""

    @endpoint
    def retrieve(
        self, payment_id: str, *, client_secret: str | None = None
    ) -> Call[CheckoutPayment]:
        """What the checkout page shows: the merchant's name, the amount, the methods."""
        return Call(
            "GET",
            f"{_CHECKOUT}/{payment_id}",
            as_model(CheckoutPayment),
            headers=_opened_by(client_secret),
        )

    @endpoint
    def confirm(
        self,
        payment_id: str,
        *,
        method: Literal["card", "upi_qr", "wallet"],
        card: CardParams | None = None,
        wallet_id: str | None = None,
        client_secret: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[CheckoutPayment]:
        """Pays: a card completes at once (a declined one raises `CardError`), UPI QR starts
        processing, a wallet pays at once for the logged-in customer."""
        return Call(
            "POST",
            f"{_CHECKOUT}/{payment_id}/confirm",
            as_model(CheckoutPayment),
            body=wire({"method": method, "card": card, "wallet_id": wallet_id}),
            headers=_opened_by(client_secret),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def complete_upi(
        self,
        payment_id: str,
        *,
        outcome: Literal["success", "failure"],
        client_secret: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[CheckoutPayment]:
        """Test mode: the customer's UPI app reports the QR payment's outcome."""
        return Call(
            "POST",
            f"{_CHECKOUT}/{payment_id}/sandbox/upi-complete",
            as_model(CheckoutPayment),
            body={"outcome": outcome},
            headers=_opened_by(client_secret),
            idempotency_key=idempotency_key,
        )
