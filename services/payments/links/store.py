"""Payment links in MongoDB.

`payment_links` (`_id` = `plink_…`) holds each link, found by its id or its public `slug`.
`payment_link_uses` (`_id` = `{linkId}:{n}`) exists for links with a limit on the payments that
may succeed through them: one document per use, holding the attempt whose payment is the use's
live one (that payment's id derives from link, use and attempt). A use passes to a new attempt
only by a conditional update from the attempt before, once that attempt's payment ended unpaid,
so each use has at most one payment that can succeed, and a link no more paid payments than uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.claims import insert_once
from shared.mongo import CollectionIndexes, Document
from shared.paging import page_of

LINKS = "payment_links"
USES = "payment_link_uses"

INDEXES = (
    CollectionIndexes(
        LINKS,
        (
            IndexModel([("slug", ASCENDING)], name="by_slug", unique=True),
            IndexModel(
                [("merchantId", ASCENDING), ("mode", ASCENDING), ("createdAt", DESCENDING)],
                name="by_merchant",
            ),
            # The sweeper's window of recent changes, whose events it writes again.
            IndexModel([("updatedAt", ASCENDING)], name="by_updated"),
        ),
    ),
    CollectionIndexes(
        USES,
        (
            IndexModel(
                [("linkId", ASCENDING), ("paid", ASCENDING), ("n", ASCENDING)], name="unpaid"
            ),
        ),
    ),
)

_NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", DESCENDING)]


@dataclass(frozen=True)
class LinkRecord:
    id: str
    slug: str
    merchant_id: str
    mode: str
    amount: int | None
    min_amount: int | None
    max_amount: int | None
    currency: str
    description: str
    reusable: bool
    max_uses: int | None
    expires_at: datetime | None
    metadata: dict[str, str]
    views: int
    created_at: datetime
    updated_at: datetime
    deactivated_at: datetime | None = None
    # Set once every use was seen paid (a hint for the list's status filter).
    completed_at: datetime | None = None

    @property
    def uses(self) -> int | None:
        """How many payments may succeed through the link; None: no limit."""
        return self.max_uses if self.reusable else 1

    @classmethod
    def from_doc(cls, doc: Document) -> LinkRecord:
        return cls(
            id=doc["_id"],
            slug=doc["slug"],
            merchant_id=doc["merchantId"],
            mode=doc["mode"],
            amount=doc["amount"],
            min_amount=doc["minAmount"],
            max_amount=doc["maxAmount"],
            currency=doc["currency"],
            description=doc["description"],
            reusable=doc["reusable"],
            max_uses=doc["maxUses"],
            expires_at=doc["expiresAt"],
            metadata=doc["metadata"],
            views=doc.get("views", 0),
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
            deactivated_at=doc.get("deactivatedAt"),
            completed_at=doc.get("completedAt"),
        )

    def to_doc(self) -> Document:
        return {
            "_id": self.id,
            "slug": self.slug,
            "merchantId": self.merchant_id,
            "mode": self.mode,
            "amount": self.amount,
            "minAmount": self.min_amount,
            "maxAmount": self.max_amount,
            "currency": self.currency,
            "description": self.description,
            "reusable": self.reusable,
            "maxUses": self.max_uses,
            "expiresAt": self.expires_at,
            "metadata": self.metadata,
            "views": self.views,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "deactivatedAt": self.deactivated_at,
            "completedAt": self.completed_at,
        }


@dataclass(frozen=True)
class Use:
    n: int
    attempt: int


class LinkStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._links = db[LINKS]
        self._uses = db[USES]

    async def insert(self, link: LinkRecord) -> LinkRecord:
        """Stores the link, or returns the one stored first under its id."""
        try:
            await self._links.insert_one(link.to_doc())
        except DuplicateKeyError:
            stored = await self.get(link.id)
            if stored is None:  # the slug was taken, not the id: vanishingly rare; not stored
                raise
            return stored
        return link

    async def get(self, link_id: str) -> LinkRecord | None:
        doc = await self._links.find_one({"_id": link_id})
        return None if doc is None else LinkRecord.from_doc(doc)

    async def count_view(self, link_id: str) -> None:
        await self._links.update_one({"_id": link_id}, {"$inc": {"views": 1}})

    async def by_slug(self, slug: str) -> LinkRecord | None:
        doc = await self._links.find_one({"slug": slug})
        return None if doc is None else LinkRecord.from_doc(doc)

    async def deactivate(self, link_id: str, at: datetime) -> None:
        await self._links.update_one(
            {"_id": link_id, "deactivatedAt": None},
            {"$set": {"deactivatedAt": at, "updatedAt": at}},
        )

    async def mark_completed(self, link_id: str, at: datetime) -> None:
        await self._links.update_one(
            {"_id": link_id, "completedAt": None}, {"$set": {"completedAt": at}}
        )

    async def page(self, query: Document, *, skip: int, limit: int) -> tuple[list[LinkRecord], int]:
        found, total = await page_of(self._links, query, _NEWEST_FIRST, skip=skip, limit=limit)
        return [LinkRecord.from_doc(doc) for doc in found], total

    async def changed_between(self, since: datetime, until: datetime) -> list[LinkRecord]:
        found = self._links.find({"updatedAt": {"$gte": since, "$lt": until}})
        return [LinkRecord.from_doc(doc) async for doc in found]

    # Uses of a link with a limit.

    async def uses_made(self, link_id: str) -> int:
        """How many uses exist: they are made in order, 1, 2, …"""
        found = (
            await self._uses.find({"linkId": link_id}, {"n": 1}).sort("n", -1).limit(1).to_list()
        )
        return int(found[0]["n"]) if found else 0

    async def add_use(self, link_id: str, n: int) -> bool:
        """Makes use `n` at its first attempt; False when another request made it first."""
        use = {"_id": f"{link_id}:{n}", "linkId": link_id, "n": n, "attempt": 1, "paid": False}
        return await insert_once(self._uses, use)

    async def unpaid_uses(self, link_id: str, limit: int) -> list[Use]:
        found = self._uses.find({"linkId": link_id, "paid": False}).sort("n", 1).limit(limit)
        return [Use(doc["n"], doc["attempt"]) async for doc in found]

    async def pass_on(self, link_id: str, use: Use) -> bool:
        """Moves the use from its attempt to the next; False when another request did."""
        moved = await self._uses.update_one(
            {"_id": f"{link_id}:{use.n}", "attempt": use.attempt},
            {"$set": {"attempt": use.attempt + 1}},
        )
        return moved.modified_count == 1

    async def mark_paid(self, link_id: str, use: Use) -> None:
        """A hint that keeps paid uses out of the search for a free one (the payment is the
        truth)."""
        await self._uses.update_one({"_id": f"{link_id}:{use.n}"}, {"$set": {"paid": True}})


def list_query(merchant_id: str, mode: str, statuses: Sequence[str], now: datetime) -> Document:
    """The merchant's links in `statuses` (all when empty), as their status reads at `now`."""
    query: Document = {"merchantId": merchant_id, "mode": mode}
    unexpired = [{"expiresAt": None}, {"expiresAt": {"$gt": now}}]
    live: Document = {"deactivatedAt": None, "$or": unexpired}
    conditions: dict[str, Document] = {
        "inactive": {"deactivatedAt": {"$ne": None}},
        "expired": {"deactivatedAt": None, "expiresAt": {"$ne": None, "$lte": now}},
        "completed": {**live, "completedAt": {"$ne": None}},
        "active": {**live, "completedAt": None},
    }
    chosen = [conditions[status] for status in dict.fromkeys(statuses)]
    if len(chosen) == 1:
        query.update(chosen[0])
    elif 1 < len(chosen) < len(conditions):
        query["$and"] = [{"$or": chosen}]
    return query
