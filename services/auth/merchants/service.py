"""Merchants: creating them, listing the caller's, platform verification, and who may do what."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from services.auth.audit.service import MERCHANT_CREATED, MERCHANT_VERIFIED
from services.auth.errors import MerchantNotFound, PlatformAdminRequired, RoleRequired
from services.auth.merchants.acting import Actor
from services.auth.merchants.schemas import Merchant, MerchantCreate
from services.auth.merchants.store import MerchantStore, membership_id
from services.auth.metrics import MERCHANTS_CREATED, MERCHANTS_VERIFIED
from shared.clock import now_ms
from shared.identity import MemberRole
from shared.ids import has_prefix, new_id
from shared.mongo import Document
from shared.paging import Page, Paging

ANY_ROLE: tuple[MemberRole, ...] = ("owner", "developer", "viewer")
BUILDERS: tuple[MemberRole, ...] = ("owner", "developer")
OWNER: tuple[MemberRole, ...] = ("owner",)
DEFAULT_PLAN = "standard"


@dataclass(frozen=True)
class Access:
    """A user's standing in one merchant: the merchant document and their role in it."""

    merchant: Document
    role: MemberRole

    @property
    def merchant_id(self) -> str:
        merchant_id: str = self.merchant["_id"]
        return merchant_id


async def membership_access(
    store: MerchantStore, merchant_id: str, user_id: str
) -> tuple[Document, Document] | None:
    """The membership and its merchant, two `_id` lookups; None when either is missing."""
    if not has_prefix(merchant_id, "mer"):
        return None
    membership, merchant = await asyncio.gather(
        store.membership(merchant_id, user_id), store.merchant(merchant_id)
    )
    if membership is None or merchant is None:
        return None
    return membership, merchant


async def require_role(
    store: MerchantStore, merchant_id: str, user_id: str, roles: Collection[MemberRole]
) -> Access:
    """The caller's access to a merchant; a non-member learns nothing of its existence."""
    found = await membership_access(store, merchant_id, user_id)
    if found is None:
        raise MerchantNotFound(f"No merchant {merchant_id} among yours.", param="merchantId")
    membership, merchant = found
    role: MemberRole = membership["role"]
    if role not in roles:
        needed = " or ".join(roles)
        raise RoleRequired(f"This needs the {needed} role in the merchant; yours is {role}.")
    return Access(merchant, role)


def merchant_view(doc: Document, role: MemberRole | None = None) -> Merchant:
    return Merchant(
        id=doc["_id"],
        name=doc["name"],
        country=doc["country"],
        default_currency=doc["defaultCurrency"],
        status=doc["status"],
        plan=doc["plan"],
        created_at=doc["createdAt"],
        verified_at=doc.get("verifiedAt"),
        role=role,
    )


class MerchantService:
    def __init__(self, store: MerchantStore, actor: Actor) -> None:
        self._store = store
        self._actor = actor

    async def create(self, body: MerchantCreate) -> Merchant:
        now = now_ms()
        merchant_id = new_id("mer")
        user_id = self._actor.user_id
        # The membership first: a crash before the merchant exists leaves only an orphan
        # membership, which every read ignores, never a merchant without an owner.
        await self._store.insert_membership(
            {
                "_id": membership_id(merchant_id, user_id),
                "merchantId": merchant_id,
                "userId": user_id,
                "email": self._actor.email,
                "role": "owner",
                "joinedAt": now,
            }
        )
        merchant: Document = {
            "_id": merchant_id,
            "name": body.name,
            "country": body.country,
            "defaultCurrency": body.default_currency,
            "status": "unverified",
            "plan": DEFAULT_PLAN,
            "createdAt": now,
            "createdBy": user_id,
            # verifiedAt stays absent until verification sets it (`$min` keeps a stored null).
        }
        await self._store.insert_merchant(merchant)
        MERCHANTS_CREATED.inc()
        await self._actor.record(
            MERCHANT_CREATED,
            merchant_id=merchant_id,
            target={"merchantId": merchant_id, "name": body.name, "country": body.country},
        )
        return merchant_view(merchant, "owner")

    async def list(self, paging: Paging) -> Page[Merchant]:
        memberships, total = await self._store.memberships_of_user(
            self._actor.user_id, skip=paging.skip, limit=paging.limit
        )
        merchants = await self._store.merchants([m["merchantId"] for m in memberships])
        items = [
            merchant_view(merchants[m["merchantId"]], m["role"])
            for m in memberships
            if m["merchantId"] in merchants
        ]
        return Page.of(items, paging, total)

    async def get(self, merchant_id: str) -> Merchant:
        access = await require_role(self._store, merchant_id, self._actor.user_id, ANY_ROLE)
        return merchant_view(access.merchant, access.role)

    async def verify(self, merchant_id: str) -> Merchant:
        caller = self._actor.caller
        if not (caller.platform_admin and caller.email_verified):
            raise PlatformAdminRequired("Only platform operators can verify merchants.")
        now = now_ms()
        before = None
        if has_prefix(merchant_id, "mer"):
            before = await self._store.mark_verified(merchant_id, now)
        if before is None:
            raise MerchantNotFound(f"No merchant {merchant_id}.", param="merchantId")
        if before["status"] != "verified":
            MERCHANTS_VERIFIED.inc()
            await self._actor.record(
                MERCHANT_VERIFIED, merchant_id=merchant_id, target={"merchantId": merchant_id}
            )
        verified_at = before.get("verifiedAt") or now
        return merchant_view({**before, "status": "verified", "verifiedAt": verified_at})
