"""Payments: create, confirm (sandbox card, UPI QR, wallet), cancel, list — no FastAPI.

Whatever must happen once is claimed by inserting a unique `_id` (see store.py), and only the
claimant writes the payment: so a double submit charges once and refunds never exceed the
captured amount.
"""

from __future__ import annotations

import dataclasses
import hmac
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.payments.errors import (
    DECLINES,
    CardNumberInvalid,
    MethodNotAllowed,
    MethodUnavailable,
    PaymentNotFound,
    PaymentStateConflict,
    SandboxOnly,
    WalletCurrencyMismatch,
    WalletNotFound,
    WalletPaymentUnfinished,
    WalletShort,
)
from services.payments.events import payment_event
from services.payments.metrics import count_transition
from services.payments.records import PaymentRecord
from services.payments.sandbox import card_details, charge_card, luhn_valid, upi_payload
from services.payments.schemas import (
    METHODS,
    ConfirmRequest,
    PaymentCreate,
)
from services.payments.settings import PaymentsSettings
from services.payments.states import NEW, check_transition, described, transition_id
from services.payments.store import PaymentStore, list_query
from services.payments.wallet_client import WalletClient
from shared.clock import now_ms, to_ms
from shared.errors import Conflict, InvalidRequest, PermissionDenied, ResourceNotFound
from shared.events.outbox import Outbox
from shared.idempotency import IdempotencyKeyReused
from shared.ids import id_for_request, new_id
from shared.mongo import Document
from shared.paging import Paging
from shared.scopes import Scope

_FAILURE_MESSAGES = {
    "card_declined": "The card was declined.",
    "insufficient_funds": "The card has insufficient funds.",
    "expired_card": "The card has expired.",
    "incorrect_cvc": "The card's security code is incorrect.",
    "processing_error": "An error occurred while processing the card; try again.",
    "upi_payment_failed": "The UPI payment was not completed.",
    "wallet_refused": "The wallet cannot pay this payment (not yours, or another currency).",
}
_WALLET_INSUFFICIENT = "The wallet's available balance is smaller than the amount."
_WALLET_UNFINISHED = "The wallet payment was not completed; the money stayed in the wallet."
# A claim of a card confirm is written moments after it is made; one still unwritten after the
# gateway's upstream timeout (no caller waits for its request any more) was cut off.
_ABANDONED_CLAIM = timedelta(seconds=15)
# Who acts when no request does: the sweeper.
SYSTEM = {"type": "system", "id": "payments-sweeper"}


@dataclass(frozen=True)
class ListFilters:
    statuses: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    q: str | None = None
    payment_link_id: str | None = None


class PaymentService:
    def __init__(
        self,
        store: PaymentStore,
        outbox: Outbox,
        settings: PaymentsSettings,
        clock: Callable[[], datetime] = now_ms,
        wallet: WalletClient | None = None,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._settings = settings
        self._clock = clock
        self.wallet = wallet

    # Creating and reading.

    async def create(
        self, scope: Scope, body: PaymentCreate, idempotency_key: str | None = None
    ) -> PaymentRecord:
        """With an Idempotency-Key the payment's id is derived from it: a request run again
        after a failure part way (its key released by a 5xx, or taken over from a process that
        died) finds the payment it made, rather than making a second one."""
        payment_id = id_for_request("pay", scope.merchant_id, scope.mode, idempotency_key)
        expires_at = self._expiry(self._clock(), body.expires_at)
        payment = await self.open_payment(scope, body, payment_id, expires_at)
        if (payment.amount, payment.currency, payment.order_id) != (
            body.amount,
            body.currency,
            body.order_id,
        ):
            raise IdempotencyKeyReused(
                "This Idempotency-Key made another payment; use a new key for a new one."
            )
        return payment

    async def open_payment(
        self,
        scope: Scope,
        body: PaymentCreate,
        payment_id: str,
        expires_at: datetime,
        payment_link_id: str | None = None,
        payment_method_id: str | None = None,
    ) -> PaymentRecord:
        """Inserts the payment `payment_id`, or finds the one an earlier run made under that id
        (whatever its body), and writes its creation claim and event either way."""
        now = self._clock()
        payment = PaymentRecord.from_doc(
            self.new_payment(
                scope, body, now, expires_at, payment_id, payment_link_id, payment_method_id
            )
        )
        try:
            await self._store.insert(payment)
        except DuplicateKeyError:
            made = await self._store.get(payment.id)
            assert made is not None  # payments are never deleted
            payment = made
            now = payment.created_at
        entry = self.transition(payment.id, NEW, "created", now, "payment_created", scope.actor)
        entry["applied"] = True
        if await self._store.claim(entry):
            count_transition(payment, entry)
        await self.publish(payment, entry)
        return payment

    def new_payment(
        self,
        scope: Scope,
        body: PaymentCreate,
        now: datetime,
        expires_at: datetime,
        payment_id: str | None = None,
        payment_link_id: str | None = None,
        payment_method_id: str | None = None,
    ) -> Document:
        """The document of a new payment, as `create` stores it."""
        payment_id = payment_id or new_id("pay")
        client_secret = f"{payment_id}_secret_{secrets.token_urlsafe(24)}"
        # In the fragment: browsers never send it, so no server or proxy log holds it.
        checkout_url = f"{self._settings.public_url.rstrip('/')}/checkout/{payment_id}"
        return {
            "_id": payment_id,
            "merchantId": scope.merchant_id,
            "mode": scope.mode,
            "status": "created",
            "amount": body.amount,
            "currency": body.currency,
            "amountRefunded": 0,
            "refundCount": 0,
            "orderId": body.order_id,
            "description": body.description,
            "customer": body.customer.model_dump(exclude_none=True) if body.customer else None,
            "metadata": body.metadata or {},
            "allowedMethods": body.allowed_methods or list(METHODS),
            "method": None,
            "card": None,
            "failureCode": None,
            "failureMessage": None,
            "checkoutUrl": f"{checkout_url}#{client_secret}",
            "clientSecret": client_secret,
            "returnUrl": body.return_url,
            "qrPayload": upi_payload(
                payee=self._settings.upi_payee,
                payment_id=payment_id,
                amount=body.amount,
                currency=body.currency,
                note=body.order_id,
            ),
            "expiresAt": expires_at,
            "createdAt": now,
            "updatedAt": now,
            "paymentLinkId": payment_link_id,
            "paymentMethodId": payment_method_id,
        }

    def _expiry(self, now: datetime, requested: datetime | None) -> datetime:
        if requested is None:
            return now + timedelta(seconds=self._settings.default_expiry_seconds)
        if requested <= now:
            raise InvalidRequest("expiresAt must be in the future.", param="expiresAt")
        if requested > now + timedelta(seconds=self._settings.max_expiry_seconds):
            days = self._settings.max_expiry_seconds // 86400
            raise InvalidRequest(f"expiresAt must be within {days} days.", param="expiresAt")
        return to_ms(requested.astimezone(UTC))

    async def _owned(self, scope: Scope, payment_id: str) -> PaymentRecord:
        """The payment as stored, if it is the scope's (state changes need no refund totals)."""
        payment = await self._store.get(payment_id)
        if (
            payment is None
            or payment.merchant_id != scope.merchant_id
            or payment.mode != scope.mode
        ):
            raise PaymentNotFound(f"No payment {payment_id} in {scope.mode} mode.")
        return payment

    async def find(self, payment_id: str) -> PaymentRecord:
        """The payment whoever's it is: for the mesh's own questions, never a caller's."""
        payment = await self._store.get(payment_id)
        if payment is None:
            raise PaymentNotFound(f"No payment {payment_id}.")
        return payment

    async def get(self, scope: Scope, payment_id: str) -> PaymentRecord:
        """The payment with its refund totals read from the refund chain."""
        payment = await self._owned(scope, payment_id)
        if payment.status == "succeeded":
            # The chain of refunds is the truth; the payment's own total is a hint.
            count, refunded = await self._store.chain_head(payment_id, payment.refund_count)
            payment = dataclasses.replace(payment, refund_count=count, amount_refunded=refunded)
        return payment

    async def history(self, scope: Scope, payment_id: str) -> list[Document]:
        await self._owned(scope, payment_id)
        return await self._store.timeline(payment_id)

    async def page(
        self, scope: Scope, filters: ListFilters, paging: Paging
    ) -> tuple[list[PaymentRecord], int]:
        return await self._store.page(
            self._query(scope, filters), skip=paging.skip, limit=paging.limit
        )

    def export(self, scope: Scope, filters: ListFilters) -> AsyncIterator[PaymentRecord]:
        return self._store.stream(self._query(scope, filters))

    @staticmethod
    def _query(scope: Scope, filters: ListFilters) -> Document:
        return list_query(
            scope.merchant_id,
            scope.mode,
            statuses=filters.statuses,
            since=filters.since,
            until=filters.until,
            min_amount=filters.min_amount,
            max_amount=filters.max_amount,
            q=filters.q,
            payment_link_id=filters.payment_link_id,
        )

    # State changes.

    async def cancel(self, scope: Scope, payment_id: str, reason: str | None) -> PaymentRecord:
        payment = await self._owned(scope, payment_id)
        check_transition(payment.status, "canceled", PaymentStateConflict, "canceled")
        if payment.status == "processing" and payment.method == "wallet":
            # The customer's money is held or moving: the payment finishes on its own.
            raise PaymentStateConflict("This wallet payment is being paid; it cannot be canceled.")
        moved = await self.move(payment, "canceled", reason or "canceled_by_merchant", scope)
        if moved is None:
            raise PaymentStateConflict("This payment changed state meanwhile; it was not canceled.")
        return moved

    async def opened_by(self, payment_id: str, client_secret: str) -> PaymentRecord:
        """The payment this client secret opens. An unknown id and a wrong secret get the same
        answer, so the checkout tells nobody which payments exist."""
        payment = await self._store.get(payment_id)
        if (
            payment is None
            or payment.client_secret is None
            or not hmac.compare_digest(payment.client_secret.encode(), client_secret.encode())
        ):
            raise PaymentNotFound(f"No payment {payment_id} opens with this client secret.")
        return payment

    async def confirm(
        self,
        scope: Scope,
        payment_id: str,
        body: ConfirmRequest,
        *,
        opened: PaymentRecord | None = None,
        payer: str | None = None,
    ) -> PaymentRecord:
        """Pays `payment_id` (`opened` when the checkout has read it already); `payer` is the
        logged-in customer, who alone may pay from their wallet."""
        payment = opened if opened is not None else await self._owned(scope, payment_id)
        return await self._confirm(scope, payment, body, payer)

    async def _confirm(
        self, scope: Scope, payment: PaymentRecord, body: ConfirmRequest, payer: str | None
    ) -> PaymentRecord:
        if body.method not in payment.allowed_methods:
            raise MethodNotAllowed(f"This payment does not accept {body.method}.", param="method")
        if body.method == "card" and payment.status == "processing" and payment.method == "card":
            # A confirm that stopped after claiming the payment (the store went away, the
            # process died): the same card again finishes it. Nothing else can, since the card
            # number is never stored.
            return await self._confirm_card(scope, payment, body)
        check_transition(payment.status, "processing", PaymentStateConflict, "confirmed")
        if payment.expires_at <= self._clock():
            raise PaymentStateConflict("This payment has expired; it cannot be confirmed.")
        if body.method == "wallet":
            if payer is None:
                raise MethodUnavailable(
                    "Wallet payments are confirmed by the customer, logged in.", param="method"
                )
            return await self._confirm_wallet(scope, payment, body, payer)
        if body.method == "upi_qr":
            return await self._confirm_upi(scope, payment)
        return await self._confirm_card(scope, payment, body)

    async def _confirm_upi(self, scope: Scope, payment: PaymentRecord) -> PaymentRecord:
        if payment.currency != "INR":
            raise MethodUnavailable("UPI takes INR payments only.", param="method")
        moved = await self.move(
            payment, "processing", "confirm:upi_qr", scope, {"method": "upi_qr"}
        )
        if moved is None:
            raise PaymentStateConflict("This payment is already being confirmed.")
        return moved

    async def _confirm_card(
        self, scope: Scope, payment: PaymentRecord, body: ConfirmRequest
    ) -> PaymentRecord:
        if body.card is None:
            raise InvalidRequest("card: the card's details are required.", param="card")
        number = body.card.number.replace(" ", "")
        if not luhn_valid(number):
            raise CardNumberInvalid("The card number is invalid.", param="card.number")
        card = card_details(
            number,
            body.card.exp_month,
            body.card.exp_year,
            self._settings.internal_secret.get_secret_value(),
        )
        if payment.status == "processing":
            if not _same_card(payment.card, card):
                raise PaymentStateConflict("This payment is already being confirmed.")
            moved: PaymentRecord | None = payment
        else:
            moved = await self.move(
                payment, "processing", "confirm:card", scope, {"method": "card", "card": card}
            )
            if moved is None:
                moved = await self._resume_card_claim(payment, card)
        if moved is None:
            raise PaymentStateConflict("This payment is already being confirmed.")
        outcome = charge_card(
            number, body.card.exp_month, body.card.exp_year, body.card.cvc, self._clock()
        )
        if outcome.approved:
            # The dispute the sandbox network opens later (disputes/reviewer.py) is noted with
            # the success itself, so no crash can lose it.
            disputed = {"sandboxDispute": outcome.dispute_reason} if outcome.dispute_reason else {}
            final = await self.move(moved, "succeeded", "card_approved", scope, disputed)
        else:
            code = outcome.decline_code or "card_declined"
            final = await self.fail(moved, code, f"card_declined:{code}", scope)
        if final is None:
            final = await self._after_another_claim(moved)
        if final.status == "failed":
            assert final.failure_code is not None and final.failure_message is not None
            raise DECLINES[final.failure_code](final.failure_message)
        return final

    async def _resume_card_claim(
        self, payment: PaymentRecord, card: dict[str, Any]
    ) -> PaymentRecord | None:
        """The payment moved to processing by an earlier confirm with this same card that
        claimed the move and was cut off before applying it; None when the claim is another
        card's, another method's, or still its request's to apply. Without this the customer's
        retry would be refused while the payment waits for the sweeper to apply the claim and,
        minutes later, to time the charge out."""
        entry = await self._store.claimed(payment.id, payment.status)
        if entry is None or entry["to"] != "processing" or not self.abandoned(entry):
            return None
        if not _same_card(entry["fields"].get("card"), card):
            return None
        return await self.apply(payment, entry)

    async def _after_another_claim(self, payment: PaymentRecord) -> PaymentRecord:
        """The processing payment as another request's claim out of processing left it. A
        confirm's claim its request abandoned (cut off before writing it) is applied now, so
        this confirm answers the outcome; one still its request's, or a cancel, is a conflict."""
        entry = await self._store.claimed(payment.id, payment.status)
        if entry is not None and entry["to"] == "canceled":
            raise PaymentStateConflict("This payment was canceled while it was processing.")
        if entry is not None and self.abandoned(entry):
            return await self.apply(payment, entry)
        raise PaymentStateConflict("This payment is already being confirmed.")

    def abandoned(self, claim: Document) -> bool:
        """The claim is old enough that its request is gone: no caller waits for it any more."""
        return bool(claim["at"] <= self._clock() - _ABANDONED_CLAIM)

    async def _confirm_wallet(
        self, scope: Scope, payment: PaymentRecord, body: ConfirmRequest, payer: str
    ) -> PaymentRecord:
        if body.wallet_id is None:
            raise InvalidRequest("walletId: the wallet to pay from is required.", param="walletId")
        if self.wallet is None:
            raise MethodUnavailable("Wallet payments are not available here.", param="method")
        # Checked before the claim, so a wrong wallet leaves the payment payable (the wallet
        # checks the owner, mode and currency again on the hold).
        wallet = await self.wallet.get_wallet(body.wallet_id)
        if wallet["owner"] != {"type": "user", "id": payer} or wallet["mode"] != payment.mode:
            raise WalletNotFound(f"No wallet {body.wallet_id} is yours.", param="walletId")
        if wallet["currency"] != payment.currency:
            raise WalletCurrencyMismatch(
                f"This payment is in {payment.currency}; the wallet holds {wallet['currency']}.",
                param="walletId",
            )
        fields = {"method": "wallet", "walletId": body.wallet_id, "payerUserId": payer}
        # The claim: of any number of confirms, one moves the payment and calls the wallet.
        moved = await self.move(payment, "processing", "confirm:wallet", scope, fields)
        if moved is None:
            raise PaymentStateConflict("This payment is already being confirmed.")
        return await self.settle_wallet(moved, scope)

    async def settle_wallet(self, payment: PaymentRecord, scope: Scope | None) -> PaymentRecord:
        """Holds the customer's money (reference: the payment id, so again means the same hold),
        captures it into the merchant's wallet and completes the payment. Run again on a
        payment left processing (the sweeper), it picks up wherever the last run stopped."""
        assert self.wallet is not None
        # Confirming by wallet stored both, in the claim that made the payment processing.
        assert payment.wallet_id is not None and payment.payer_user_id is not None
        try:
            hold = await self.wallet.hold(
                wallet_id=payment.wallet_id,
                amount=payment.amount,
                currency=payment.currency,
                mode=payment.mode,
                owner_id=payment.payer_user_id,
                reference=payment.id,
            )
        except WalletShort:
            failed = await self.fail(
                payment,
                "insufficient_funds",
                "wallet_insufficient_funds",
                scope,
                _WALLET_INSUFFICIENT,
            )
            if failed is None:
                raise PaymentStateConflict("This payment changed state meanwhile.") from None
            raise WalletShort(_WALLET_INSUFFICIENT, param="walletId") from None
        except (PermissionDenied, ResourceNotFound, InvalidRequest):
            # Refused before any money moved (not the customer's wallet, another currency).
            await self.fail(payment, "wallet_refused", "wallet_refused", scope)
            raise
        if hold["status"] == "held":
            merchant_wallet = await self.wallet.merchant_wallet(
                payment.merchant_id, payment.currency, payment.mode
            )
            try:
                hold = await self.wallet.capture(hold["id"], merchant_wallet)
            except Conflict:  # released meanwhile (cannot happen but by hand): read its outcome
                hold = await self.wallet.get_hold(hold["id"])
        if hold["status"] != "captured":
            failed = await self.fail(
                payment, "processing_error", f"wallet_{hold['status']}", scope, _WALLET_UNFINISHED
            )
            if failed is None:
                raise PaymentStateConflict("This payment changed state meanwhile.")
            assert failed.failure_message is not None
            raise WalletPaymentUnfinished(failed.failure_message)
        done = {"holdId": hold["id"], "merchantWalletId": hold["capturedToWalletId"]}
        final = await self.move(payment, "succeeded", "wallet_captured", scope, done)
        if final is None:
            current = await self._store.get(payment.id)
            if current is None or current.status != "succeeded":
                raise PaymentStateConflict("This payment changed state meanwhile.")
            return current
        return final

    async def complete_upi(self, scope: Scope, payment_id: str, outcome: str) -> PaymentRecord:
        if scope.mode != "test":
            raise SandboxOnly("UPI outcomes can be simulated in test mode only.")
        payment = await self._owned(scope, payment_id)
        if payment.method != "upi_qr" or payment.status != "processing":
            raise PaymentStateConflict(
                f"This payment {described(payment.status)}; only a UPI payment being "
                "processed can be completed."
            )
        if outcome == "success":
            final = await self.move(payment, "succeeded", "upi_success", scope)
        else:
            final = await self.fail(payment, "upi_payment_failed", "upi_failure", scope)
        if final is None:
            raise PaymentStateConflict("This payment changed state meanwhile.")
        return final

    async def fail(
        self,
        payment: PaymentRecord,
        code: str,
        cause: str,
        scope: Scope | None,
        message: str | None = None,
    ) -> PaymentRecord | None:
        fields = {"failureCode": code, "failureMessage": message or _FAILURE_MESSAGES[code]}
        return await self.move(payment, "failed", cause, scope, fields)

    async def move(
        self,
        payment: PaymentRecord,
        to: str,
        cause: str,
        scope: Scope | None,
        fields: dict[str, Any] | None = None,
    ) -> PaymentRecord | None:
        """Moves the payment out of its current state; None if another request already did.

        Every state change goes through here, so the state machine is enforced in one place.
        """
        check_transition(payment.status, to, PaymentStateConflict, f"marked {to}")
        actor = scope.actor if scope else SYSTEM
        entry = self.transition(payment.id, payment.status, to, self._clock(), cause, actor, fields)
        if not await self._store.claim(entry):
            return None
        count_transition(payment, entry)
        return await self.apply(payment, entry)

    async def apply(self, payment: PaymentRecord, entry: Document) -> PaymentRecord:
        fields = {**entry["fields"], "status": entry["to"], "updatedAt": entry["at"]}
        if payment.status == entry["from"]:
            await self._store.set_fields(payment.id, fields)
            payment = payment.with_fields(fields)
        await self.publish(payment, entry)
        await self._store.mark_applied(entry["_id"])
        return payment

    async def publish(self, payment: PaymentRecord, entry: Document) -> None:
        event = payment_event(payment, entry)
        if event is not None:
            await self._outbox.add(event, key=payment.merchant_id)

    @staticmethod
    def transition(
        payment_id: str,
        from_state: str,
        to: str,
        at: datetime,
        cause: str,
        actor: dict[str, Any],
        fields: dict[str, Any] | None = None,
    ) -> Document:
        return {
            "_id": transition_id(payment_id, from_state),
            "paymentId": payment_id,
            "from": None if from_state == NEW else from_state,
            "to": to,
            "at": at,
            "cause": cause,
            "actor": actor,
            "fields": fields or {},
            "applied": False,
        }


def _same_card(stored: dict[str, Any] | None, card: dict[str, Any]) -> bool:
    return stored is not None and hmac.compare_digest(stored["fingerprint"], card["fingerprint"])
