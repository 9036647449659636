"""Saved cards: saved once by the merchant, charged later by the mesh (a subscription's renewal)
with no customer at the checkout — no FastAPI.

A saved card keeps what a payment keeps of a card, never its number or code, and the sandbox's
answer for its number (`sandboxDecline`): so a charge made months later, with no number to hand,
ends as a confirm of that card on the checkout would.

A charge is a payment whose id derives from the caller's reference, moved through the claims
every confirm goes through (states.py): however many calls with one reference race, or come
again after a crash, one payment exists and one call decides each of its steps. A call that finds
a step claimed by another waits a moment for its outcome (or applies the claim, when the call
that made it was cut off); a call after a crash drives the payment on from where it stopped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from services.payments.errors import (
    CardExpiryPassed,
    CardNumberInvalid,
    ChargeReferenceReused,
    PaymentMethodNotFound,
)
from services.payments.methods.schemas import ChargeCreate, PaymentMethodCreate
from services.payments.methods.store import PaymentMethodRecord, PaymentMethodStore
from services.payments.records import PaymentRecord
from services.payments.sandbox import DECLINING, card_details, card_expired, luhn_valid
from services.payments.schemas import PaymentCreate
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from shared.clock import now_ms
from shared.idempotency import IdempotencyKeyReused
from shared.ids import derived_id, id_for_request
from shared.scopes import Scope

_UNDECIDED = ("created", "processing")
# How long a charge waits for the call that claimed one of its steps: the sandbox answers in
# milliseconds, so a claim still unapplied after this is a slow or dead call's. The payment is
# answered as it stands then (still undecided: the caller asks again with the same reference).
_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.02


def charge_payment_id(merchant_id: str, mode: str, reference: str) -> str:
    """The payment a charge's reference names: the same reference, the same payment."""
    return derived_id("pay", merchant_id, mode, "charge", reference)


def decline_of(method: PaymentMethodRecord, now: datetime) -> str | None:
    """What the sandbox answers for the saved card now: a decline code, or None (approved)."""
    if card_expired(method.card["expMonth"], method.card["expYear"], now):
        return "expired_card"
    return method.sandbox_decline


class PaymentMethodService:
    def __init__(
        self,
        methods: PaymentMethodStore,
        payments: PaymentService,
        payment_store: PaymentStore,
        settings: PaymentsSettings,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._methods = methods
        self._payments = payments
        self._payment_store = payment_store
        self._settings = settings
        self._clock = clock

    # Saving and reading.

    async def create(
        self, scope: Scope, body: PaymentMethodCreate, idempotency_key: str | None = None
    ) -> PaymentMethodRecord:
        """With an Idempotency-Key the card's id is derived from it, so a request run again
        after a failure part way finds the card it saved rather than saving a second one."""
        number = body.card.number.replace(" ", "")
        if not luhn_valid(number):
            raise CardNumberInvalid("The card number is invalid.", param="card.number")
        now = self._clock()
        month, year = body.card.exp_month, body.card.exp_year
        if card_expired(month, year, now):
            raise CardExpiryPassed(
                f"The card expired at the end of {month:02d}/{year}.", param="card.expYear"
            )
        method_id = id_for_request("pm", scope.merchant_id, scope.mode, idempotency_key)
        card = card_details(number, month, year, self._settings.internal_secret.get_secret_value())
        saved = await self._methods.insert(
            PaymentMethodRecord(
                id=method_id,
                merchant_id=scope.merchant_id,
                mode=scope.mode,
                type="card",
                card=card,
                customer=body.customer.model_dump(exclude_none=True) if body.customer else None,
                sandbox_decline=DECLINING.get(number),
                created_at=now,
            )
        )
        if saved.card != card:
            raise IdempotencyKeyReused(
                "This Idempotency-Key saved another card; use a new key for a new one."
            )
        return saved

    async def get(self, scope: Scope, method_id: str) -> PaymentMethodRecord:
        method = await self._methods.get(method_id)
        if method is None or (method.merchant_id, method.mode) != (scope.merchant_id, scope.mode):
            raise PaymentMethodNotFound(f"No saved card {method_id} in {scope.mode} mode.")
        return method

    async def find(self, method_id: str) -> PaymentMethodRecord:
        """The saved card whoever's it is: for the mesh's own questions, never a caller's."""
        method = await self._methods.get(method_id)
        if method is None:
            raise PaymentMethodNotFound(f"No saved card {method_id}.")
        return method

    # Charging.

    async def charge(
        self, method_id: str, body: ChargeCreate, actor: dict[str, Any]
    ) -> PaymentRecord:
        """The payment of `body.reference`, made now or by an earlier call, driven on to its
        outcome: succeeded, or failed with the sandbox's decline code."""
        scope = Scope(body.merchant_id, body.mode, actor)
        method = await self.get(scope, method_id)
        request = PaymentCreate.model_validate(
            {
                "amount": body.amount,
                "currency": body.currency,
                "orderId": body.order_id,
                "description": body.description,
                "customer": method.customer,
                "allowedMethods": ["card"],
            }
        )
        expires_at = self._clock() + timedelta(seconds=self._settings.default_expiry_seconds)
        payment = await self._payments.open_payment(
            scope,
            request,
            charge_payment_id(body.merchant_id, body.mode, body.reference),
            expires_at,
            payment_method_id=method.id,
        )
        made = (payment.payment_method_id, payment.amount, payment.currency, payment.order_id)
        if made != (method.id, body.amount, body.currency, body.order_id):
            raise ChargeReferenceReused(
                "This reference made another charge; use a new reference for a new one.",
                param="reference",
            )
        payment = await self._drive(scope, method, payment)
        # A succeeded payment answers its refunds as the payment's own route does.
        return (
            await self._payments.get(scope, payment.id)
            if payment.status == "succeeded"
            else payment
        )

    async def _drive(
        self, scope: Scope, method: PaymentMethodRecord, payment: PaymentRecord
    ) -> PaymentRecord:
        """The payment at its outcome, each step taken here or by the call that claimed it; as
        it stands when that call has not taken its step within the wait."""
        deadline = time.monotonic() + _WAIT_SECONDS
        while payment.status in _UNDECIDED:
            moved = await self._step(scope, method, payment)
            if moved is None:
                moved = await self._after_claim(payment, deadline)
                if moved.status == payment.status:
                    return moved
            payment = moved
        return payment

    async def _step(
        self, scope: Scope, method: PaymentMethodRecord, payment: PaymentRecord
    ) -> PaymentRecord | None:
        """Takes the payment's next step; None when another call claimed it first."""
        now = self._clock()
        if payment.status == "created":
            if payment.expires_at <= now:  # asked again a day after a crash before the charge
                return await self._payments.move(payment, "expired", "expired", None)
            fields = {"method": "card", "card": method.card}
            return await self._payments.move(
                payment, "processing", "charge:payment_method", scope, fields
            )
        if payment.card is None or payment.card["fingerprint"] != method.card["fingerprint"]:
            return None  # paid with another card on the checkout: that confirm decides
        code = decline_of(method, now)
        if code is None:
            return await self._payments.move(payment, "succeeded", "card_approved", scope)
        return await self._payments.fail(payment, code, f"card_declined:{code}", scope)

    async def _after_claim(self, payment: PaymentRecord, deadline: float) -> PaymentRecord:
        """The payment once the call that claimed its next step took it, or once its claim, left
        by a call cut off before applying it, is applied here; as it stands at `deadline`."""
        while True:
            current = await self._payment_store.get(payment.id)
            assert current is not None  # payments are never deleted
            if current.status != payment.status:
                return current
            claim = await self._payment_store.claimed(payment.id, payment.status)
            if claim is not None and self._payments.abandoned(claim):
                return await self._payments.apply(current, claim)
            if time.monotonic() >= deadline:
                return current
            await asyncio.sleep(_POLL_SECONDS)
