"""Disputes and their evidence files in MongoDB.

`disputes` (`_id` = `dp_…`, derived from the payment: a payment is disputed at most once) holds
each dispute as the API shows it, plus what moving its money needs: `holdAttempt`, the number
of the wallet hold now tried (a declined hold is final for its reference, so a later try takes
the next number), and `fundsDue`, set while the money is not yet where the dispute's status
wants it, with `fundsRetryAt`, when the reviewer tries to move it next. Every change of status
or funds is a conditional update on what it changes from, so of racing writers exactly one
makes it.

`dispute_files` (`_id` = `file_…`) holds each evidence file, its bytes sealed at rest under a
data key of their own. The customer's name and email in the evidence are sealed too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import insert_or_get
from shared.ids import derived_id
from shared.mongo import CollectionIndexes, Document, count_matching
from shared.paging import page_of
from shared.reseal import SealedField
from shared.sealing import Keyring

DISPUTES = "disputes"
FILES = "dispute_files"
OPEN = ("needs_response", "under_review")
# Evidence files a dispute can hold: 10 of at most 512 KiB keep a dispute's evidence small.
MAX_FILES = 10
MAX_FILE_BYTES = 512 * 1024
# The request that opens or closes a dispute moves its money itself; the reviewer steps in if
# that request has not done so by this long after.
FUNDS_GRACE = timedelta(seconds=10)

INDEXES = (
    CollectionIndexes(
        DISPUTES,
        (
            IndexModel(
                [("merchantId", ASCENDING), ("mode", ASCENDING), ("createdAt", DESCENDING)],
                name="by_merchant",
            ),
            IndexModel(
                [
                    ("merchantId", ASCENDING),
                    ("mode", ASCENDING),
                    ("status", ASCENDING),
                    ("dueBy", ASCENDING),
                ],
                name="by_merchant_status",
            ),
            # The reviewer's: disputes past their due date, reviews that ended, money to move.
            IndexModel([("status", ASCENDING), ("dueBy", ASCENDING)], name="by_due"),
            IndexModel([("status", ASCENDING), ("reviewEndsAt", ASCENDING)], name="by_review"),
            IndexModel([("fundsDue", ASCENDING), ("fundsRetryAt", ASCENDING)], name="by_funds"),
            # The reviewer's window of recent changes, whose events it writes again.
            IndexModel([("updatedAt", ASCENDING)], name="by_updated"),
        ),
    ),
    CollectionIndexes(
        FILES,
        (IndexModel([("disputeId", ASCENDING), ("createdAt", ASCENDING)], name="by_dispute"),),
    ),
)
_SEALED_EVIDENCE = ("customerName", "customerEmail")
# Where the sealed values are, for the re-seal job (shared/reseal.py).
SEALED_FIELDS = (
    *(
        SealedField(DISPUTES, f"evidence.{name}", f"dispute-evidence-{name}")
        for name in _SEALED_EVIDENCE
    ),
    SealedField(FILES, "content", "dispute-evidence-file"),
)
_FILE_FIELDS = {"content": 0}


def dispute_id(payment_id: str) -> str:
    """A payment is disputed at most once: its dispute's id derives from it."""
    return derived_id("dp", "dispute", payment_id)


@dataclass(frozen=True, slots=True)
class DisputeRecord:
    id: str
    payment_id: str
    merchant_id: str
    mode: str
    amount: int
    fee: int
    currency: str
    reason: str
    status: str
    funds: str
    hold_attempt: int
    due_by: datetime
    evidence: dict[str, Any]
    submitted_at: datetime | None
    review_ends_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def withheld(self) -> int:
        """What the dispute takes from the merchant's wallet: the amount and the fee."""
        return self.amount + self.fee

    @classmethod
    def from_doc(cls, doc: Document) -> DisputeRecord:
        return cls(
            id=doc["_id"],
            payment_id=doc["paymentId"],
            merchant_id=doc["merchantId"],
            mode=doc["mode"],
            amount=doc["amount"],
            fee=doc["fee"],
            currency=doc["currency"],
            reason=doc["reason"],
            status=doc["status"],
            funds=doc["funds"],
            hold_attempt=doc["holdAttempt"],
            due_by=doc["dueBy"],
            evidence=doc["evidence"],
            submitted_at=doc["submittedAt"],
            review_ends_at=doc["reviewEndsAt"],
            closed_at=doc["closedAt"],
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
        )

    def to_doc(self) -> Document:
        return {
            "_id": self.id,
            "paymentId": self.payment_id,
            "merchantId": self.merchant_id,
            "mode": self.mode,
            "amount": self.amount,
            "fee": self.fee,
            "currency": self.currency,
            "reason": self.reason,
            "status": self.status,
            "funds": self.funds,
            "fundsDue": True,
            "fundsRetryAt": self.updated_at + FUNDS_GRACE,
            "holdAttempt": self.hold_attempt,
            "dueBy": self.due_by,
            "evidence": self.evidence,
            "submittedAt": self.submitted_at,
            "reviewEndsAt": self.review_ends_at,
            "closedAt": self.closed_at,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


class DisputeStore:
    def __init__(self, db: AsyncDatabase[Document], keyring: Keyring) -> None:
        self._disputes = db[DISPUTES]
        self._files = db[FILES]
        self._evidence = {
            name: keyring.sealer(f"dispute-evidence-{name}") for name in _SEALED_EVIDENCE
        }
        self._content = keyring.sealer("dispute-evidence-file")

    def _record(self, doc: Document) -> DisputeRecord:
        evidence = {
            name: self._evidence[name].open_field(value) if name in self._evidence else value
            for name, value in doc["evidence"].items()
        }
        return DisputeRecord.from_doc({**doc, "evidence": evidence})

    def _sealed(self, evidence: dict[str, Any]) -> dict[str, Any]:
        return {
            name: self._evidence[name].seal(value) if name in self._evidence and value else value
            for name, value in evidence.items()
        }

    async def insert(self, dispute: DisputeRecord) -> DisputeRecord:
        """Stores the dispute, or returns the one stored first under its id."""
        doc = dispute.to_doc()
        doc["evidence"] = self._sealed(doc["evidence"])
        return self._record(await insert_or_get(self._disputes, doc))

    async def get(self, dispute: str) -> DisputeRecord | None:
        doc = await self._disputes.find_one({"_id": dispute})
        return None if doc is None else self._record(doc)

    async def change(
        self, dispute: DisputeRecord, expected: Document, fields: Document
    ) -> DisputeRecord | None:
        """Sets `fields` if the dispute still matches `expected`; the dispute as it is then, or
        None when another writer changed it first."""
        if "evidence" in fields:
            fields = {**fields, "evidence": self._sealed(fields["evidence"])}
        doc = await self._disputes.find_one_and_update(
            {"_id": dispute.id, **expected},
            {"$set": fields},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else self._record(doc)

    async def page(
        self, merchant_id: str, mode: str, statuses: Sequence[str], *, skip: int, limit: int
    ) -> tuple[list[DisputeRecord], int]:
        """The merchant's disputes in `statuses` (any, if none): those awaiting a response
        soonest due first, any other list newest first."""
        query: Document = {"merchantId": merchant_id, "mode": mode}
        sort = [("createdAt", DESCENDING), ("_id", DESCENDING)]
        if statuses:
            query["status"] = {"$in": list(statuses)}
        if list(statuses) == ["needs_response"]:
            sort = [("dueBy", ASCENDING), ("_id", ASCENDING)]
        found, total = await page_of(self._disputes, query, sort, skip=skip, limit=limit)
        return [self._record(doc) for doc in found], total

    async def due(self, field: str, status: str, now: datetime, limit: int) -> list[DisputeRecord]:
        """Disputes in `status` whose `field` (a deadline) has passed."""
        query = {"status": status, field: {"$lte": now}}
        found = await self._disputes.find(query).sort(field, ASCENDING).limit(limit).to_list()
        return [self._record(doc) for doc in found]

    async def funds_due(self, now: datetime, limit: int) -> list[DisputeRecord]:
        """Disputes whose money is not yet where their status wants it, due a try by `now`."""
        query = {"fundsDue": True, "fundsRetryAt": {"$lte": now}}
        found = self._disputes.find(query).sort("fundsRetryAt", ASCENDING).limit(limit)
        return [self._record(doc) for doc in await found.to_list()]

    async def changed_between(self, since: datetime, until: datetime) -> list[DisputeRecord]:
        query = {"updatedAt": {"$gte": since, "$lt": until}}
        return [self._record(doc) for doc in await self._disputes.find(query).to_list()]

    # Evidence files.

    async def add_file(self, doc: Document) -> bool:
        """Stores the file unless the dispute holds `MAX_FILES` already (False)."""
        if await count_matching(self._files, {"disputeId": doc["disputeId"]}) >= MAX_FILES:
            return False
        await self._files.insert_one({**doc, "content": self._content.seal_bytes(doc["content"])})
        return True

    async def files(self, dispute_ids: Sequence[str]) -> dict[str, list[Document]]:
        """The files of each dispute, without their bytes, oldest first."""
        found = self._files.find({"disputeId": {"$in": list(dispute_ids)}}, _FILE_FIELDS)
        files: dict[str, list[Document]] = {dispute_id: [] for dispute_id in dispute_ids}
        for doc in await found.sort("createdAt", ASCENDING).to_list():
            files[doc["disputeId"]].append(doc)
        return files

    async def file(self, dispute: str, file_id: str) -> Document | None:
        doc = await self._files.find_one({"_id": file_id, "disputeId": dispute})
        if doc is None:
            return None
        return {**doc, "content": self._content.open_bytes(doc["content"])}
