"""Creating, listing, rotating, revoking and updating API keys; resolving them for the gateway."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from services.auth.apikeys import keys
from services.auth.apikeys.schemas import (
    DEFAULT_GRACE_SECONDS,
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRotate,
    ApiKeyStatus,
    ApiKeyUpdate,
    ResolvedApiKey,
)
from services.auth.apikeys.store import ApiKeyStore
from services.auth.apikeys.usage import UsageThrottle
from services.auth.audit.service import (
    API_KEY_CREATED,
    API_KEY_REVOKED,
    API_KEY_ROTATED,
    API_KEY_UPDATED,
)
from services.auth.digest import digest
from services.auth.errors import (
    ApiKeyInvalid,
    ApiKeyNotActive,
    ApiKeyNotFound,
    EmailNotVerified,
    GracePeriodTooLong,
    MerchantNotFound,
    MerchantNotVerified,
)
from services.auth.merchants.acting import Actor
from services.auth.merchants.locks import Locks
from services.auth.merchants.projects.service import project_access
from services.auth.merchants.projects.store import ProjectStore
from services.auth.merchants.service import ANY_ROLE, BUILDERS, Access, require_role
from services.auth.merchants.store import MerchantStore
from services.auth.settings import AuthSettings
from shared.clock import now_ms
from shared.identity import KeyType, Mode
from shared.ids import has_prefix, new_id
from shared.mongo import Document
from shared.paging import Page, Paging


def key_status(doc: Document, now: datetime) -> ApiKeyStatus:
    expires_at: datetime | None = doc.get("expiresAt")
    if doc["status"] == "revoked" or (expires_at is not None and expires_at <= now):
        return "revoked"
    return "active" if expires_at is None else "expiring"


def key_view(doc: Document, now: datetime, last_used_at: datetime | None = None) -> ApiKey:
    return ApiKey(
        id=doc["_id"],
        merchant_id=doc["merchantId"],
        project_id=doc["projectId"],
        name=doc.get("name"),
        type=doc["type"],
        mode=doc["mode"],
        prefix=doc["prefix"],
        last4=doc["last4"],
        status=key_status(doc, now),
        created_at=doc["createdAt"],
        last_used_at=last_used_at,
        expires_at=doc.get("expiresAt"),
        ip_allowlist=doc.get("ipAllowlist", []),
        replaces=doc.get("replaces"),
        replaced_by=doc.get("replacedBy"),
    )


class ApiKeyService:
    def __init__(
        self,
        keys: ApiKeyStore,
        projects: ProjectStore,
        merchants: MerchantStore,
        actor: Actor,
        settings: AuthSettings,
        locks: Locks,
    ) -> None:
        self._locks = locks
        self._keys = keys
        self._projects = projects
        self._merchants = merchants
        self._actor = actor
        self._settings = settings

    async def create(self, project_id: str, body: ApiKeyCreate) -> ApiKeyCreated:
        project, access = await project_access(
            self._projects, self._merchants, project_id, self._actor.user_id, BUILDERS
        )
        self._may_make(access, body.mode)
        created = await self._issue(
            project,
            key_type=body.type,
            mode=body.mode,
            name=body.name,
            ip_allowlist=body.ip_allowlist,
        )
        await self._actor.record(
            API_KEY_CREATED,
            merchant_id=access.merchant_id,
            target={
                "keyId": created.id,
                "projectId": project_id,
                "type": body.type,
                "mode": body.mode,
                "ipAllowlist": body.ip_allowlist,
            },
        )
        return created

    async def list(self, project_id: str, mode: Mode | None, paging: Paging) -> Page[ApiKey]:
        await project_access(
            self._projects, self._merchants, project_id, self._actor.user_id, ANY_ROLE
        )
        found, total = await self._keys.of_project(
            project_id, mode, skip=paging.skip, limit=paging.limit
        )
        now = now_ms()
        used = await self._keys.last_used([doc["_id"] for doc in found])
        views = [key_view(doc, now, used.get(doc["_id"])) for doc in found]
        return Page.of(views, paging, total)

    async def rotate(self, key_id: str, body: ApiKeyRotate) -> ApiKeyCreated:
        longest = self._settings.max_key_rotation_grace_seconds
        grace = body.grace_period_seconds
        if grace is None:
            grace = min(DEFAULT_GRACE_SECONDS, longest)
        if grace > longest:
            raise GracePeriodTooLong(
                f"gracePeriodSeconds may be at most {longest}.", param="gracePeriodSeconds"
            )
        async with self._key_lock(key_id):
            old, access = await self._key_access(key_id)
            if old["status"] != "active" or old.get("expiresAt") is not None:
                raise ApiKeyNotActive(f"API key {key_id} was revoked or already rotated.")
            self._may_make(access, old["mode"])
            expires_at = now_ms() + timedelta(seconds=grace)
            # The old secret gets its expiry first: a failure after it leaves a key that stops at
            # the time asked for, never one that keeps working past it.
            await self._keys.expire_secret(old["secretHash"], expires_at)
            project = {"_id": old["projectId"], "merchantId": old["merchantId"]}
            created = await self._issue(
                project,
                key_type=old["type"],
                mode=old["mode"],
                name=old.get("name"),
                ip_allowlist=old.get("ipAllowlist", []),
                replaces=key_id,
            )
            await self._keys.mark_rotated(key_id, created.id, expires_at)
        await self._actor.record(
            API_KEY_ROTATED,
            merchant_id=access.merchant_id,
            target={
                "keyId": key_id,
                "newKeyId": created.id,
                "gracePeriodSeconds": grace,
                "expiresAt": expires_at,
            },
        )
        return created

    async def revoke(self, key_id: str) -> ApiKey:
        async with self._key_lock(key_id):
            key, access = await self._key_access(key_id)
            now = now_ms()
            # The secret document is what resolving reads: without it the key stops at once.
            await self._keys.delete_secret(key["secretHash"])
            revoked = await self._keys.mark_revoked(key_id, now)
        if revoked is None:
            raise ApiKeyNotFound(f"No API key {key_id} among yours.", param="keyId")
        if key["status"] != "revoked":
            await self._actor.record(
                API_KEY_REVOKED,
                merchant_id=access.merchant_id,
                target={"keyId": key_id, "projectId": key["projectId"], "mode": key["mode"]},
            )
        return key_view(revoked, now, (await self._keys.last_used([key_id])).get(key_id))

    async def update(self, key_id: str, body: ApiKeyUpdate) -> ApiKey:
        fields: dict[str, Any] = {}
        if "name" in body.model_fields_set:
            fields["name"] = body.name
        if "ip_allowlist" in body.model_fields_set:
            fields["ipAllowlist"] = body.ip_allowlist or []
        async with self._key_lock(key_id):
            key, access = await self._key_access(key_id)
            if "ipAllowlist" in fields:
                # The secret document first: the gateway's checks are made from it.
                await self._keys.update_secret(
                    key["secretHash"], {"ipAllowlist": fields["ipAllowlist"]}
                )
            updated = await self._keys.update_key(key_id, fields) if fields else key
        if updated is None:
            raise ApiKeyNotFound(f"No API key {key_id} among yours.", param="keyId")
        if fields:
            await self._actor.record(
                API_KEY_UPDATED, merchant_id=access.merchant_id, target={"keyId": key_id, **fields}
            )
        used = (await self._keys.last_used([key_id])).get(key_id)
        return key_view(updated, now_ms(), used)

    def _key_lock(self, key_id: str) -> AbstractAsyncContextManager[None]:
        """Changes to one key one at a time, so none undoes another (see `locks.py`)."""
        if not has_prefix(key_id, "key"):
            raise ApiKeyNotFound(f"No API key {key_id} among yours.", param="keyId")
        return self._locks.hold(f"api_key:{key_id}")

    async def _key_access(self, key_id: str) -> tuple[Document, Access]:
        key = await self._keys.key(key_id) if has_prefix(key_id, "key") else None
        if key is None:
            raise ApiKeyNotFound(f"No API key {key_id} among yours.", param="keyId")
        try:
            access = await require_role(
                self._merchants, key["merchantId"], self._actor.user_id, BUILDERS
            )
        except MerchantNotFound:
            raise ApiKeyNotFound(f"No API key {key_id} among yours.", param="keyId") from None
        return key, access

    def _may_make(self, access: Access, mode: Mode) -> None:
        """Live keys move real money: only for verified merchants, by verified people."""
        if mode != "live":
            return
        if access.merchant["status"] != "verified":
            raise MerchantNotVerified(
                "Live keys need a verified merchant; use test keys until verification completes."
            )
        if not self._actor.caller.email_verified:
            raise EmailNotVerified("Verify your email address before creating live keys.")

    async def _issue(
        self,
        project: Document,
        *,
        key_type: KeyType,
        mode: Mode,
        name: str | None,
        ip_allowlist: Sequence[str],
        replaces: str | None = None,
    ) -> ApiKeyCreated:
        now = now_ms()
        new = keys.generate(key_type, mode)
        key: Document = {
            "_id": new_id("key"),
            "merchantId": project["merchantId"],
            "projectId": project["_id"],
            "type": key_type,
            "mode": mode,
            "name": name,
            "prefix": new.prefix,
            "last4": new.last4,
            "secretHash": new.digest,
            "status": "active",
            "createdAt": now,
            "createdBy": self._actor.user_id,
            "expiresAt": None,
            "ipAllowlist": list(ip_allowlist),
            "replaces": replaces,
            "replacedBy": None,
        }
        # The listed key first: a failure before its secret exists leaves a key that never
        # worked and whose secret nobody saw, never a working key nobody can see.
        await self._keys.insert_key(key)
        await self._keys.insert_secret(
            {
                "_id": new.digest,
                "keyId": key["_id"],
                "merchantId": key["merchantId"],
                "projectId": key["projectId"],
                "type": key_type,
                "mode": mode,
                "ipAllowlist": list(ip_allowlist),
                "expiresAt": None,
                "createdAt": now,
            }
        )
        view = key_view(key, now)
        return ApiKeyCreated(**view.model_dump(), secret=new.secret)


class ApiKeyResolver:
    """Answers the gateway: which merchant, project and mode a presented key stands for."""

    def __init__(self, keys: ApiKeyStore, merchants: MerchantStore, usage: UsageThrottle) -> None:
        self._keys = keys
        self._merchants = merchants
        self._usage = usage

    async def resolve(self, key: str) -> ResolvedApiKey:
        if not keys.well_formed(key):
            raise ApiKeyInvalid("The API key is not valid.")
        secret = await self._keys.secret(digest(key))
        now = now_ms()
        if secret is None or (secret["expiresAt"] is not None and secret["expiresAt"] <= now):
            raise ApiKeyInvalid("The API key is not valid.")
        merchant = await self._merchants.merchant(secret["merchantId"])
        if merchant is None:
            raise ApiKeyInvalid("The API key is not valid.")
        if self._usage.due(secret["keyId"]):
            await self._keys.record_use(secret["keyId"], now)
        return ResolvedApiKey(
            key_id=secret["keyId"],
            merchant_id=secret["merchantId"],
            project_id=secret["projectId"],
            mode=secret["mode"],
            type=secret["type"],
            ip_allowlist=secret["ipAllowlist"],
            plan=merchant["plan"],
            expires_at=secret["expiresAt"],
        )
