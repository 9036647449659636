"""Endpoints: create, read, change, delete, rotate secrets. Secrets are sealed at rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from services.webhooks.addresses import UrlRefused, check_on_save, parse
from services.webhooks.errors import (
    URL_ERRORS,
    EndpointNotFound,
    EndpointUrlRefused,
    TooManyEndpoints,
    UnknownEventType,
)
from services.webhooks.events import DELIVERABLE, is_known_filter
from services.webhooks.schemas import EndpointCreate, EndpointUpdate
from services.webhooks.settings import WebhooksSettings
from services.webhooks.signing import new_secret
from services.webhooks.store import WebhookStore
from shared.clock import now_ms
from shared.ids import new_id
from shared.mongo import Document
from shared.paging import Paging
from shared.scopes import Scope
from shared.sealing import Sealer


def sealer_for(settings: WebhooksSettings) -> Sealer:
    return Sealer(settings.sealing_key.get_secret_value(), "webhook-endpoint-secret")


async def _checked_url(url: str, mode: str, settings: WebhooksSettings) -> str:
    public_only = mode == "live" or not settings.test_endpoints_may_be_private
    try:
        target = parse(url, mode, public_only=public_only)
        await check_on_save(target, mode, public_only=public_only)
    except UrlRefused as refused:
        raise URL_ERRORS.get(refused.code, EndpointUrlRefused)(str(refused), param="url") from None
    return url


def _checked_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if not is_known_filter(e)]
    if unknown:
        raise UnknownEventType(
            f"Unknown event type {unknown[0]!r}; use *, a family such as payment.* or one of "
            f"{', '.join(DELIVERABLE)}.",
            param="enabledEvents",
        )
    return sorted(set(events))


class EndpointService:
    def __init__(
        self,
        store: WebhookStore,
        settings: WebhooksSettings,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._settings = settings
        self._sealer = sealer_for(settings)
        self._clock = clock

    async def create(self, scope: Scope, body: EndpointCreate) -> tuple[Document, str]:
        """The new endpoint and its secret (shown this once)."""
        url = await _checked_url(body.url, scope.mode, self._settings)
        events = _checked_events(body.enabled_events)
        _, count = await self._store.endpoints(
            {"merchantId": scope.merchant_id, "mode": scope.mode}, limit=1
        )
        if count >= self._settings.endpoints_per_merchant:
            raise TooManyEndpoints(
                f"A merchant has at most {self._settings.endpoints_per_merchant} endpoints per "
                "mode; delete one first."
            )
        now = self._clock()
        secret = new_secret()
        endpoint: Document = {
            "_id": new_id("we"),
            "merchantId": scope.merchant_id,
            "mode": scope.mode,
            "projectId": body.project_id or scope.project_id,
            "url": url,
            "description": body.description,
            "enabledEvents": events,
            "enabled": True,
            "secrets": [{"sealed": self._sealer.seal(secret), "createdAt": now, "expiresAt": None}],
            "failingSince": None,
            "createdAt": now,
            "updatedAt": now,
        }
        await self._store.insert_endpoint(endpoint)
        return endpoint, secret

    async def get(self, scope: Scope, endpoint_id: str) -> Document:
        endpoint = await self._store.endpoint(endpoint_id)
        if (
            endpoint is None
            or endpoint["merchantId"] != scope.merchant_id
            or endpoint["mode"] != scope.mode
        ):
            raise EndpointNotFound(f"No webhook endpoint {endpoint_id} in {scope.mode} mode.")
        return endpoint

    async def page(
        self, scope: Scope, paging: Paging, project_id: str | None
    ) -> tuple[list[Document], int]:
        query: Document = {"merchantId": scope.merchant_id, "mode": scope.mode}
        if project_id:
            query["projectId"] = project_id
        return await self._store.endpoints(query, skip=paging.skip, limit=paging.limit)

    async def update(self, scope: Scope, endpoint_id: str, body: EndpointUpdate) -> Document:
        endpoint = await self.get(scope, endpoint_id)
        changes: dict[str, Any] = {"updatedAt": self._clock()}
        unset: list[str] = []
        if body.url is not None:
            changes["url"] = await _checked_url(body.url, scope.mode, self._settings)
        if body.enabled_events is not None:
            changes["enabledEvents"] = _checked_events(body.enabled_events)
        if "description" in body.model_fields_set:
            changes["description"] = body.description
        if body.enabled is True:
            # Enabling again starts the failure clock afresh.
            changes.update(enabled=True, failingSince=None)
            unset += ["disabledReason", "disabledAt"]
        elif body.enabled is False:
            changes.update(enabled=False, disabledReason="by_merchant", disabledAt=self._clock())
        await self._store.update_endpoint(endpoint_id, changes, unset)
        updated = {**endpoint, **changes}
        for field in unset:
            updated.pop(field, None)
        return updated

    async def delete(self, scope: Scope, endpoint_id: str) -> None:
        await self.get(scope, endpoint_id)
        # Messages still queued for it are canceled when the dispatcher reaches them.
        await self._store.delete_endpoint(endpoint_id)

    async def rotate(
        self, scope: Scope, endpoint_id: str, grace_seconds: int | None
    ) -> tuple[str, datetime]:
        """A new secret; the current one keeps signing until the returned time."""
        endpoint = await self.get(scope, endpoint_id)
        now = self._clock()
        grace = timedelta(
            seconds=self._settings.rotation_grace_seconds
            if grace_seconds is None
            else grace_seconds
        )
        expires = now + grace
        secret = new_secret()
        kept = [
            {**s, "expiresAt": expires if s["expiresAt"] is None else min(s["expiresAt"], expires)}
            for s in endpoint["secrets"]
            if s["expiresAt"] is None or s["expiresAt"] > now
        ]
        secrets = [{"sealed": self._sealer.seal(secret), "createdAt": now, "expiresAt": None}]
        await self._store.update_endpoint(
            endpoint_id, {"secrets": secrets + kept, "updatedAt": now}
        )
        return secret, expires

    def signing_secrets(self, endpoint: Document) -> list[str]:
        """The secrets that sign a message now: the current one, then any still in grace."""
        now = self._clock()
        return [
            self._sealer.open(s["sealed"])
            for s in endpoint["secrets"]
            if s["expiresAt"] is None or s["expiresAt"] > now
        ]
