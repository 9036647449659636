"""Refunds: partial and full, never beyond the captured amount, even when concurrent.

Each refund claims the next link of the payment's chain (`{paymentId}:refund:{n}`) by a unique
insert, and each link holds the refunded total so far: two refunds can never both extend the
chain from the same total, so together they cannot go beyond the captured amount.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from services.payments.disputes.store import DisputeStore, dispute_id
from services.payments.errors import (
    MerchantWalletShort,
    PaymentDisputed,
    PaymentNotRefundable,
    RefundContended,
    RefundExceedsCaptured,
)
from services.payments.events import refund_event
from services.payments.metrics import count_refund
from services.payments.records import PaymentRecord, PendingCredit, RefundLink
from services.payments.schemas import RefundCreate
from services.payments.service import PaymentService
from services.payments.states import described
from services.payments.store import PaymentStore, refund_id
from services.payments.wallet_client import WalletClient
from shared.clock import now_ms
from shared.errors import ExpeError
from shared.events.outbox import Outbox
from shared.idempotency import IdempotencyKeyReused
from shared.ids import id_for_request
from shared.scopes import Scope

logger = logging.getLogger("expe.payments.refunds")

# Each failed attempt means another refund took a link, so this bounds the refunds racing at once.
_REFUND_ATTEMPTS = 64


class RefundService:
    def __init__(
        self,
        payments: PaymentService,
        store: PaymentStore,
        outbox: Outbox,
        clock: Callable[[], datetime] = now_ms,
        wallet: WalletClient | None = None,
        disputes: DisputeStore | None = None,
    ) -> None:
        self._payments = payments
        self._disputes = disputes
        self._store = store
        self._outbox = outbox
        self._clock = clock
        self._wallet = wallet

    async def refund(
        self,
        scope: Scope,
        payment_id: str,
        body: RefundCreate,
        idempotency_key: str | None = None,
    ) -> RefundLink:
        """With an Idempotency-Key the refund's id is derived from it: a request run again after
        a failure part way (its key released by a 5xx, or taken over from a process that died)
        finds the refund it made, rather than refunding twice; the sweeper finishes what that
        refund's first run left (its event, its wallet credit)."""
        payment = await self._payments.get(scope, payment_id)
        if payment.status != "succeeded":
            raise PaymentNotRefundable(
                f"This payment {described(payment.status)}; only succeeded payments can be "
                "refunded."
            )
        await self._check_not_disputed(payment_id)
        this_refund = id_for_request("re", scope.merchant_id, scope.mode, idempotency_key)
        if idempotency_key and (made := await self._made(this_refund, payment_id, body)):
            return made
        captured = payment.amount
        count, refunded = await self._store.chain_head(payment_id, payment.refund_count)
        left = captured - refunded
        await self._check_merchant_wallet(payment, min(body.amount or left, left))
        for _ in range(_REFUND_ATTEMPTS):
            remaining = captured - refunded
            if remaining <= 0:
                raise PaymentNotRefundable("This payment is already fully refunded.")
            amount = body.amount if body.amount is not None else remaining
            if amount > remaining:
                raise RefundExceedsCaptured(
                    f"Only {remaining} of the captured {captured} {payment.currency} "
                    "is left to refund.",
                    param="amount",
                )
            link = RefundLink(
                key=refund_id(payment_id, count + 1),
                n=count + 1,
                id=this_refund,
                payment_id=payment_id,
                merchant_id=scope.merchant_id,
                mode=scope.mode,
                amount=amount,
                currency=payment.currency,
                amount_refunded=refunded + amount,
                status="succeeded",
                reason=body.reason,
                actor=scope.actor,
                created_at=self._clock(),
            )
            credits = self._credits(payment)
            if credits:
                # Marked before the link exists, so no refund is ever left uncredited unseen.
                await self._store.mark_credit(PendingCredit.of(link))
            if await self._store.append_refund(link):
                count_refund(link)
                await self._outbox.add(refund_event(payment, link), key=scope.merchant_id)
                await self.note_refunds(payment_id, count + 1, refunded + amount)
                if credits:
                    await self.settle_credit(payment, link)
                return link
            if credits:
                await self._store.clear_credit(link.id)
            if idempotency_key and (made := await self._made(this_refund, payment_id, body)):
                return made  # another run of this key made it meanwhile
            # Another refund took this link: read on from it and try the next one.
            count, refunded = await self._store.chain_head(payment_id, count + 1)
        raise RefundContended("Too many refunds of this payment at once; retry.")

    async def _check_not_disputed(self, payment_id: str) -> None:
        """A disputed payment's money goes where the dispute decides: refunding it as well
        would pay the customer twice. Once the merchant wins, it can be refunded again."""
        if self._disputes is None:
            return
        dispute = await self._disputes.get(dispute_id(payment_id))
        if dispute is not None and dispute.status != "won":
            raise PaymentDisputed(
                f"This payment is disputed ({dispute.id}, {dispute.status}); it cannot be refunded."
            )

    async def _made(
        self, this_refund: str, payment_id: str, body: RefundCreate
    ) -> RefundLink | None:
        """The refund an earlier run of this Idempotency-Key made, if one did."""
        made = await self._store.refund(this_refund)
        if made is None:
            return None
        if made.payment_id != payment_id or body.amount not in (None, made.amount):
            raise IdempotencyKeyReused(
                "This Idempotency-Key made another refund; use a new key for a new one."
            )
        return made

    async def _check_merchant_wallet(self, payment: PaymentRecord, amount: int) -> None:
        """A wallet payment is refunded from the merchant's wallet: refuse, before anything is
        recorded, a refund that wallet cannot pay (a concurrent transfer out can still win)."""
        if payment.method != "wallet" or self._wallet is None or amount <= 0:
            return
        assert payment.merchant_wallet_id is not None  # a succeeded wallet payment has both
        merchant = await self._wallet.get_wallet(payment.merchant_wallet_id)
        if int(merchant["available"]) < amount:
            raise MerchantWalletShort(
                f"The merchant's wallet holds {merchant['available']} {payment.currency}, "
                "less than the refund.",
                param="amount",
            )

    def _credits(self, payment: PaymentRecord) -> bool:
        return payment.method == "wallet" and self._wallet is not None

    async def settle_credit(self, payment: PaymentRecord, link: RefundLink) -> bool:
        """Credits the refund to the customer's wallet and clears its marker; False (marker
        kept, for the sweeper to try again) when the wallet could not do it now."""
        try:
            await self.credit_wallet(payment, link)
        except ExpeError as error:
            # The refund stands (its record is the truth); the sweeper credits it later.
            logger.warning(
                "refund credit deferred", extra={"refund": link.id, "error": repr(error)}
            )
            return False
        await self._store.clear_credit(link.id)
        return True

    async def credit_wallet(self, payment: PaymentRecord, link: RefundLink) -> None:
        """A wallet payment's refund goes back to the customer's wallet, from the merchant's.

        The credit's reference is the refund's id, so the wallet moves it once however often
        this runs."""
        if not self._credits(payment):
            return
        assert self._wallet is not None
        assert payment.merchant_wallet_id is not None and payment.wallet_id is not None
        await self._wallet.refund_credit(
            from_wallet_id=payment.merchant_wallet_id,
            to_wallet_id=payment.wallet_id,
            amount=link.amount,
            currency=link.currency,
            reference=link.id,
        )

    async def note_refunds(self, payment_id: str, count: int, refunded: int) -> None:
        """Keeps the payment's refunded total (a hint for lists) up with the chain; of racing
        writers the furthest wins, and one that died first is made up by the sweeper."""
        await self._store.note_refunds(payment_id, count, refunded)

    async def of_payment(self, scope: Scope, payment_id: str) -> list[RefundLink]:
        payment = await self._payments.get(scope, payment_id)
        return await self._store.refunds(payment_id, payment.refund_count)
