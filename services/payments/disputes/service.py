"""Disputes: opened on succeeded payments by the sandbox card network, answered with evidence
by the merchant, decided by the network — no FastAPI.

The money follows the status. An open dispute withholds its amount and a fee from the merchant's
wallet (a hold there); a lost one pays the hold out of Expe (a chargeback, to the funding wallet);
a won one releases it. `settle_funds` moves the money where the status wants it and may run any
number of times, at once too: the hold's reference names the dispute and an attempt, the wallet
holds once per reference and resolves a hold once, so the merchant is charged back exactly once.
A hold declined for want of funds is final for its reference, so a later try takes the next
attempt's.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from services.payments.disputes.schemas import DisputeOpen, Evidence, FileUpload
from services.payments.disputes.store import (
    FUNDS_GRACE,
    MAX_FILE_BYTES,
    OPEN,
    DisputeRecord,
    DisputeStore,
    dispute_id,
)
from services.payments.errors import (
    DisputeAmountTooLarge,
    DisputeNotFound,
    DisputeNotOpen,
    EvidenceFileInvalid,
    EvidenceFilesFull,
    EvidenceFileTooLarge,
    PaymentAlreadyDisputed,
    PaymentNotDisputable,
    SandboxOnly,
    WalletShort,
)
from services.payments.events import dispute_events
from services.payments.records import PaymentRecord
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.wallet_client import WalletClient
from shared.clock import now_ms
from shared.errors import ExpeError
from shared.events.outbox import Outbox
from shared.ids import new_id
from shared.money import from_major
from shared.mongo import Document
from shared.paging import Paging
from shared.scopes import Scope

logger = logging.getLogger("expe.payments.disputes")

# The sandbox network's fee for a dispute, won or lost: 15 of the payment's currency.
FEE_MAJOR = "15"
# Where each status wants the dispute's money.
FUNDS_OF_STATUS = {
    "needs_response": "withheld",
    "under_review": "withheld",
    "lost": "charged_back",
    "won": "reinstated",
}
# The sandbox network's rule: evidence containing this loses; any other evidence wins.
LOSING_EVIDENCE = "losing_evidence"
# What an uploaded file's bytes begin with, for each type it may claim.
_MAGIC = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}


def _retry_delay(attempt: int) -> timedelta:
    """How long a merchant's wallet too short to pay a dispute is left before the next try:
    doubling from a minute to a day, so an empty wallet costs a few declined holds a day."""
    return min(timedelta(minutes=2 ** min(attempt - 1, 11)), timedelta(days=1))


def verdict(dispute: DisputeRecord, file_count: int) -> str:
    """How the sandbox network decides a reviewed dispute: lost when no evidence came or any
    text says `losing_evidence`, won otherwise."""
    texts = [value for value in dispute.evidence.values() if value]
    if any(LOSING_EVIDENCE in text for text in texts):
        return "lost"
    return "won" if texts or file_count else "lost"


class DisputeService:
    def __init__(
        self,
        store: DisputeStore,
        payments: PaymentService,
        outbox: Outbox,
        settings: PaymentsSettings,
        wallet: WalletClient | None,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._payments = payments
        self._outbox = outbox
        self._settings = settings
        self._wallet = wallet
        self._clock = clock

    # Opening.

    async def simulate(self, scope: Scope, payment_id: str, body: DisputeOpen) -> DisputeRecord:
        """A dispute opened by the merchant in test mode, as the card network would open one."""
        payment = await self._payments.get(scope, payment_id)
        if scope.mode != "test":
            raise SandboxOnly("Disputes are simulated in test mode only.")
        if await self._store.get(dispute_id(payment.id)) is not None:
            raise PaymentAlreadyDisputed(f"Payment {payment.id} is disputed already.")
        return await self.open(payment, body.reason, body.amount)

    async def open(
        self, payment: PaymentRecord, reason: str, amount: int | None = None
    ) -> DisputeRecord:
        """Opens the payment's dispute, or returns the one open already."""
        if payment.status != "succeeded":
            raise PaymentNotDisputable("Only a succeeded payment can be disputed.")
        left = payment.amount - payment.amount_refunded
        if left <= 0:
            raise PaymentNotDisputable(
                "This payment is fully refunded: nothing is left to dispute."
            )
        if amount is not None and amount > left:
            raise DisputeAmountTooLarge(
                f"Only {left} {payment.currency} of this payment is left after refunds.",
                param="amount",
            )
        now = self._clock()
        dispute = await self._store.insert(
            DisputeRecord(
                id=dispute_id(payment.id),
                payment_id=payment.id,
                merchant_id=payment.merchant_id,
                mode=payment.mode,
                amount=amount or left,
                fee=from_major(FEE_MAJOR, payment.currency),
                currency=payment.currency,
                reason=reason,
                status="needs_response",
                funds="awaiting_funds",
                hold_attempt=1,
                due_by=now + timedelta(days=self._settings.dispute_response_days),
                evidence={},
                submitted_at=None,
                review_ends_at=None,
                closed_at=None,
                created_at=now,
                updated_at=now,
            )
        )
        await self.publish(dispute)
        return await self.settle_funds_now(dispute)

    # Reading.

    async def get(self, scope: Scope, dispute_id_: str) -> DisputeRecord:
        dispute = await self._store.get(dispute_id_)
        if dispute is None or (dispute.merchant_id, dispute.mode) != (
            scope.merchant_id,
            scope.mode,
        ):
            raise DisputeNotFound(f"No dispute {dispute_id_} in {scope.mode} mode.")
        return dispute

    async def page(
        self, scope: Scope, statuses: Sequence[str], paging: Paging
    ) -> tuple[list[DisputeRecord], int]:
        return await self._store.page(
            scope.merchant_id, scope.mode, statuses, skip=paging.skip, limit=paging.limit
        )

    async def files(self, disputes: list[DisputeRecord]) -> dict[str, list[Document]]:
        return await self._store.files([dispute.id for dispute in disputes])

    async def file(self, scope: Scope, dispute_id_: str, file_id: str) -> Document:
        dispute = await self.get(scope, dispute_id_)
        found = await self._store.file(dispute.id, file_id)
        if found is None:
            raise DisputeNotFound(f"Dispute {dispute.id} has no file {file_id}.")
        return found

    # The merchant's response.

    async def add_evidence(self, scope: Scope, dispute_id_: str, body: Evidence) -> DisputeRecord:
        """Sets the text fields given (the others stay), while the dispute needs a response."""
        dispute = await self._open(scope, dispute_id_)
        evidence = {**dispute.evidence, **body.model_dump(by_alias=True, exclude_unset=True)}
        changed = await self._store.change(
            dispute,
            {"status": "needs_response"},
            {"evidence": evidence, "updatedAt": self._clock()},
        )
        if changed is None:
            raise DisputeNotOpen("This dispute no longer takes evidence.")
        return changed

    async def add_file(self, scope: Scope, dispute_id_: str, upload: FileUpload) -> Document:
        dispute = await self._open(scope, dispute_id_)
        try:
            content = base64.b64decode(upload.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise EvidenceFileInvalid(
                "contentBase64 is not valid base64.", param="contentBase64"
            ) from None
        if len(content) > MAX_FILE_BYTES:
            raise EvidenceFileTooLarge(
                f"An evidence file holds at most {MAX_FILE_BYTES // 1024} KiB.",
                param="contentBase64",
            )
        if not content.startswith(_MAGIC[upload.content_type]):
            raise EvidenceFileInvalid(
                f"The file is not a {upload.content_type} file.", param="contentType"
            )
        doc = {
            "_id": new_id("file"),
            "disputeId": dispute.id,
            "purpose": upload.purpose,
            "filename": upload.filename,
            "contentType": upload.content_type,
            "size": len(content),
            "content": content,
            "createdAt": self._clock(),
        }
        if not await self._store.add_file(doc):
            raise EvidenceFilesFull("This dispute holds as many files as it can.")
        del doc["content"]
        return doc

    async def submit(self, scope: Scope, dispute_id_: str) -> DisputeRecord:
        """Sends the evidence to the network, which reviews it for `dispute_review_seconds`."""
        dispute = await self._open(scope, dispute_id_)
        now = self._clock()
        review = timedelta(seconds=self._settings.dispute_review_seconds)
        changed = await self._store.change(
            dispute,
            {"status": "needs_response"},
            {
                "status": "under_review",
                "submittedAt": now,
                "reviewEndsAt": now + review,
                "updatedAt": now,
            },
        )
        if changed is None:
            raise DisputeNotOpen("This dispute's evidence was submitted already, or it closed.")
        await self.publish(changed)
        return changed

    async def _open(self, scope: Scope, dispute_id_: str) -> DisputeRecord:
        dispute = await self.get(scope, dispute_id_)
        if dispute.status != "needs_response":
            raise DisputeNotOpen("This dispute no longer takes evidence.")
        return dispute

    # The network's decision.

    async def decide(self, dispute: DisputeRecord) -> DisputeRecord | None:
        """Closes a dispute whose review ended, by the sandbox's rule; None if another writer
        closed it first."""
        files = (await self._store.files([dispute.id]))[dispute.id]
        return await self.close(dispute, "under_review", verdict(dispute, len(files)))

    async def close(
        self, dispute: DisputeRecord, from_status: str, status: str
    ) -> DisputeRecord | None:
        now = self._clock()
        closed = await self._store.change(
            dispute,
            {"status": from_status},
            {
                "status": status,
                "closedAt": now,
                "fundsDue": True,
                "fundsRetryAt": now + FUNDS_GRACE,
                "updatedAt": now,
            },
        )
        if closed is None:
            return None
        await self.publish(closed)
        return await self.settle_funds_now(closed)

    # Its money.

    async def settle_funds_now(self, dispute: DisputeRecord) -> DisputeRecord:
        """`settle_funds`, leaving what the wallet cannot do now to the reviewer."""
        try:
            return await self.settle_funds(dispute)
        except ExpeError as error:  # the wallet away; the reviewer settles it later
            logger.warning(
                "dispute funds deferred", extra={"dispute": dispute.id, "error": repr(error)}
            )
            return dispute

    async def settle_funds(self, dispute: DisputeRecord) -> DisputeRecord:
        """Moves the dispute's money where its status wants it (see the module's docstring)."""
        target = FUNDS_OF_STATUS[dispute.status]
        if dispute.funds == target or self._wallet is None:
            return await self._funds(dispute, dispute.funds, target)
        merchant_wallet = await self._wallet.merchant_wallet(
            dispute.merchant_id, dispute.currency, dispute.mode
        )
        try:
            hold = await self._wallet.hold(
                wallet_id=merchant_wallet,
                amount=dispute.withheld,
                currency=dispute.currency,
                mode=dispute.mode,
                owner_type="merchant",
                owner_id=dispute.merchant_id,
                reference=f"{dispute.id}:{dispute.hold_attempt}",
            )
        except WalletShort:
            if dispute.status == "won":  # nothing was ever withheld, nor can be at this attempt
                return await self._funds(dispute, dispute.funds, target)
            # This attempt's hold is declined for good: the next try takes the next attempt.
            # An open dispute stops trying once it closes; a lost one tries until it is paid.
            still: Document = {"holdAttempt": dispute.hold_attempt}
            if dispute.status in OPEN:
                still["status"] = {"$in": list(OPEN)}
            retry_at = self._clock() + _retry_delay(dispute.hold_attempt)
            bumped = await self._store.change(
                dispute, still, {"holdAttempt": dispute.hold_attempt + 1, "fundsRetryAt": retry_at}
            )
            return bumped or dispute
        if dispute.status == "lost":
            await self._wallet.capture(hold["id"], None)
        elif dispute.status == "won":
            await self._wallet.release(hold["id"])
        return await self._funds(dispute, dispute.funds, target)

    async def _funds(self, dispute: DisputeRecord, was: str, now_at: str) -> DisputeRecord:
        """Records the money at `now_at`, if no other writer moved it on from `was`."""
        expected: Document = {"funds": was, "status": dispute.status}
        fields: Document = {"funds": now_at, "fundsDue": False}
        if was != now_at:
            fields["updatedAt"] = self._clock()
        changed = await self._store.change(dispute, expected, fields)
        if changed is None:
            return await self._store.get(dispute.id) or dispute
        if was != now_at:
            await self.publish(changed)
        return changed

    async def publish(self, dispute: DisputeRecord) -> None:
        for event in dispute_events(dispute):
            await self._outbox.add(event, key=dispute.merchant_id)
