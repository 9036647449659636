"""Endpoints: create, read, change, delete, rotate secrets. Secrets are sealed at rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from services.webhooks.addresses import UrlRefused, check_on_save, parse
from services.webhooks.errors import (
    URL_ERRORS,
    EndpointNotFound,
    EndpointNotVerified,
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

# The disabledReason of an endpoint that waits for its verification challenge to be echoed.
PENDING_VERIFICATION = "pending_verification"


def _not_verified(endpoint_id: str) -> EndpointNotVerified:
    return EndpointNotVerified(
        f"Endpoint {endpoint_id} has not echoed its verification challenge yet; nothing is sent "
        "to it until it does (POST its /verify to send the challenge again)."
    )


def refuse_unverified(endpoint: Document) -> None:
    """Raises EndpointNotVerified while the endpoint waits for its challenge to be echoed."""
    if endpoint.get("disabledReason") == PENDING_VERIFICATION:
        raise _not_verified(endpoint["_id"])


def _pending_handshake() -> Document:
    return {
        "status": "pending",
        "challengedAt": None,
        "verifiedAt": None,
        "attemptId": None,
        "failure": None,
    }


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
        """The new endpoint and its secret (shown this once). One that asks for verification
        starts pending: the caller sends it the challenge."""
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
        secret = body.secret or new_secret()
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
            "verification": body.verification,
            "handshake": None,
            "createdAt": now,
            "updatedAt": now,
        }
        if body.verification == "challenge":
            endpoint.update(
                enabled=False,
                disabledReason=PENDING_VERIFICATION,
                disabledAt=now,
                handshake=_pending_handshake(),
            )
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

    async def update(
        self, scope: Scope, endpoint_id: str, body: EndpointUpdate
    ) -> tuple[Document, bool]:
        """The changed endpoint, and whether it now needs a challenge (a new URL, or the
        handshake just turned on): it is pending until the caller's challenge is echoed."""
        endpoint = await self.get(scope, endpoint_id)
        now = self._clock()
        changes: dict[str, Any] = {"updatedAt": now}
        unset: list[str] = []
        if body.url is not None:
            changes["url"] = await _checked_url(body.url, scope.mode, self._settings)
        if body.enabled_events is not None:
            changes["enabledEvents"] = _checked_events(body.enabled_events)
        if "description" in body.model_fields_set:
            changes["description"] = body.description
        was_checked = endpoint.get("verification", "none") == "challenge"
        checked = (body.verification or endpoint.get("verification", "none")) == "challenge"
        challenge_due = checked and (
            not was_checked or changes.get("url", endpoint["url"]) != endpoint["url"]
        )
        pending = endpoint.get("disabledReason") == PENDING_VERIFICATION
        # Whether the endpoint is to receive events once any handshake allows it.
        wanted = (endpoint["enabled"] or pending) if body.enabled is None else body.enabled

        def enable() -> None:
            # Enabling again starts the failure clock afresh.
            changes.update(enabled=True, failingSince=None)
            unset.extend(["disabledReason", "disabledAt"])

        if body.verification is not None:
            changes["verification"] = body.verification
        if not checked:
            changes["handshake"] = None
            if wanted and (pending or body.enabled is True):
                enable()
        elif challenge_due:
            changes["handshake"] = _pending_handshake()
            if wanted:
                changes.update(enabled=False, disabledReason=PENDING_VERIFICATION, disabledAt=now)
        elif body.enabled is True:
            if (endpoint.get("handshake") or {}).get("status") != "verified":
                raise _not_verified(endpoint_id)
            enable()
        if body.enabled is False:
            changes.update(enabled=False, disabledReason="by_merchant", disabledAt=now)
        await self._store.update_endpoint(endpoint_id, changes, unset)
        updated = {**endpoint, **changes}
        for field in unset:
            updated.pop(field, None)
        return updated, challenge_due

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
