"""Payments: create, read, list, cancel, refund, their history, refunds, webhooks and export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from expe._calls import (
    Call,
    ModeT,
    PagedCall,
    Resource,
    as_file,
    as_items,
    as_model,
    endpoint,
    item_of,
    paged,
    wire,
)
from expe._files import ExportedFile
from expe._pagination import ItemList
from expe.models import Payment, PaymentHistory, PaymentWebhooks, Refund
from expe.params import CustomerParams

_PAYMENTS = "/api/v1/payments"


def _filters(
    status: str | Sequence[str] | None,
    since: datetime | str | None,
    until: datetime | str | None,
    min_amount: int | None,
    max_amount: int | None,
    q: str | None,
) -> dict[str, Any]:
    return {
        "status": [status] if isinstance(status, str) else status,
        "from": since.isoformat() if isinstance(since, datetime) else since,
        "to": until.isoformat() if isinstance(until, datetime) else until,
        "minAmount": min_amount,
        "maxAmount": max_amount,
        "q": q,
    }


class Payments(Resource[ModeT]):
    @endpoint
    def create(
        self,
        *,
        amount: int,
        currency: str,
        order_id: str,
        description: str | None = None,
        customer: CustomerParams | None = None,
        metadata: dict[str, str] | None = None,
        expires_at: datetime | str | None = None,
        allowed_methods: Sequence[Literal["card", "upi_qr", "wallet"]] | None = None,
        return_url: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[Payment]:
        """Creates a payment (amount in minor units) for the customer to pay on its
        `checkout_url`; give its `client_secret` to that customer's browser only."""
        body = wire(
            {
                "amount": amount,
                "currency": currency,
                "order_id": order_id,
                "description": description,
                "customer": customer,
                "metadata": metadata,
                "expires_at": expires_at,
                "allowed_methods": list(allowed_methods) if allowed_methods else None,
                "return_url": return_url,
            }
        )
        return Call(
            "POST", _PAYMENTS, as_model(Payment), body=body, idempotency_key=idempotency_key
        )

    @endpoint
    def retrieve(self, payment_id: str) -> Call[Payment]:
        """One payment."""
        return Call("GET", f"{_PAYMENTS}/{payment_id}", as_model(Payment))

    @paged
    def list(
        self,
        *,
        status: str | Sequence[str] | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        min_amount: int | None = None,
        max_amount: int | None = None,
        q: str | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> PagedCall[Payment]:
        """The payments in the key's mode, newest first; `since`/`until` bound the creation
        time, `q` finds a payment id or order id. Iterate the page for every match."""
        query = _filters(status, since, until, min_amount, max_amount, q)
        return PagedCall(_PAYMENTS, item_of(Payment), {**query, "page": page, "limit": limit})

    @endpoint
    def cancel(
        self, payment_id: str, *, reason: str | None = None, idempotency_key: str | None = None
    ) -> Call[Payment]:
        """Cancels a payment not yet completed."""
        return Call(
            "POST",
            f"{_PAYMENTS}/{payment_id}/cancel",
            as_model(Payment),
            body=wire({"reason": reason}),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def refund(
        self,
        payment_id: str,
        *,
        amount: int | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[Refund]:
        """Refunds `amount` (by default all that is left) of a succeeded payment."""
        return Call(
            "POST",
            f"{_PAYMENTS}/{payment_id}/refund",
            as_model(Refund),
            body=wire({"amount": amount, "reason": reason}),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def list_refunds(self, payment_id: str) -> Call[ItemList[Refund]]:
        """The payment's refunds, oldest first."""
        return Call("GET", f"{_PAYMENTS}/{payment_id}/refunds", as_items(Refund))

    @endpoint
    def history(self, payment_id: str) -> Call[PaymentHistory]:
        """Every state the payment went through: from, to, when, why and who."""
        return Call("GET", f"{_PAYMENTS}/{payment_id}/history", as_model(PaymentHistory))

    @endpoint
    def webhooks(self, payment_id: str) -> Call[PaymentWebhooks]:
        """Every webhook message about the payment, with its attempts, newest first."""
        return Call("GET", f"{_PAYMENTS}/{payment_id}/webhooks", as_model(PaymentWebhooks))

    @endpoint
    def export(
        self,
        *,
        format: Literal["csv", "xlsx"] = "csv",
        status: str | Sequence[str] | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        min_amount: int | None = None,
        max_amount: int | None = None,
        q: str | None = None,
    ) -> Call[ExportedFile]:
        """Every payment the same filters would list, as one CSV or Excel file."""
        query = _filters(status, since, until, min_amount, max_amount, q)
        return Call("GET", f"{_PAYMENTS}/export", as_file, query={**query, "format": format})


class Transactions(Resource[ModeT]):
    @paged
    def list(
        self, merchant_id: str, *, page: int | None = None, limit: int | None = None
    ) -> PagedCall[Payment]:
        """The merchant's payments in the key's mode, newest first."""
        return PagedCall(
            f"/api/v1/merchants/{merchant_id}/transactions",
            item_of(Payment),
            {"page": page, "limit": limit},
        )
