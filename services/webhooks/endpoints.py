"""Endpoints: create, read, change, delete, rotate secrets. Secrets are sealed at rest.

Each change a merchant makes is reported to auth's audit log by an event (who made it, and what
changed, never a secret). The event is kept in the endpoint's `pendingEvents` by the write that
makes the change, then added to the outbox and pulled: a request that dies in between leaves it
pending, and `release_pending` (run in the background) adds it later. A delete marks the endpoint
`deletedAt` with its event first, and deletes the document once the event is in the outbox."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from services.webhooks.events import DELIVERABLE, PRODUCER, endpoint_changed, is_known_filter
from services.webhooks.schemas import EndpointCreate, EndpointUpdate
from services.webhooks.settings import WebhooksSettings
from services.webhooks.signing import new_secret
from services.webhooks.store import ENDPOINTS, WebhookStore
from shared.clock import instant_text, now_ms
from shared.events.envelope import EventEnvelope
from shared.events.outbox import Outbox
from shared.ids import derived_id, new_id
from shared.mongo import Document
from shared.paging import Paging
from shared.reseal import SealedField
from shared.scopes import Scope
from shared.sealing import Sealer

# The disabledReason of an endpoint that waits for its verification challenge to be echoed.
PENDING_VERIFICATION = "pending_verification"


def _not_verified(endpoint_id: str) -> EndpointNotVerified:
    return EndpointNotVerified(
        f"Endpoint {endpoint_id} has not echoed its verification challenge yet; nothing is sent "
        "to it until it does (POST its /verify to send the challenge again)."
    )


def _not_found(endpoint_id: str, mode: str) -> EndpointNotFound:
    return EndpointNotFound(f"No webhook endpoint {endpoint_id} in {mode} mode.")


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


SECRET_PURPOSE = "webhook-endpoint-secret"
# Where the sealed secrets are, for the re-seal job (shared/reseal.py).
SEALED_FIELDS = (SealedField(ENDPOINTS, "secrets[].sealed", SECRET_PURPOSE),)


def sealer_for(settings: WebhooksSettings) -> Sealer:
    # EXPE_SEALING_KEY sealed every secret stored before the keyring: it still opens them.
    legacy = settings.legacy_sealing_key
    return settings.sealing_keyring().sealer(SECRET_PURPOSE, legacy_key=legacy)


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


# What the audit log is told of an endpoint's settings; its secrets never.
_AUDITED_FIELDS = ("url", "description", "enabledEvents", "enabled", "verification", "projectId")


def _described(endpoint: Document) -> dict[str, Any]:
    return {name: endpoint.get(name) for name in _AUDITED_FIELDS}


class EndpointService:
    def __init__(
        self,
        store: WebhookStore,
        settings: WebhooksSettings,
        outbox: Outbox,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._outbox = outbox
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
        event = self._pending(scope, endpoint, "created", _described(endpoint))
        await self._store.insert_endpoint({**endpoint, "pendingEvents": [event]})
        await self._release(endpoint["_id"], event)
        return endpoint, secret

    async def get(self, scope: Scope, endpoint_id: str) -> Document:
        endpoint = await self._store.endpoint(endpoint_id)
        if (
            endpoint is None
            or endpoint["merchantId"] != scope.merchant_id
            or endpoint["mode"] != scope.mode
        ):
            raise _not_found(endpoint_id, scope.mode)
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
        updated = {**endpoint, **changes}
        for field in unset:
            updated.pop(field, None)
        changed = {
            name: updated.get(name)
            for name in _AUDITED_FIELDS
            if updated.get(name) != endpoint.get(name)
        }
        event = self._pending(scope, updated, "updated", {"changed": changed})
        await self._change(scope, endpoint_id, changes, event, unset)
        return updated, challenge_due

    async def delete(self, scope: Scope, endpoint_id: str) -> None:
        endpoint = await self.get(scope, endpoint_id)
        # Named after the endpoint: a delete run again after a crash writes the same event.
        event_id = derived_id("evt", PRODUCER, "endpoint-deleted", endpoint_id)
        event = self._pending(scope, endpoint, "deleted", _described(endpoint), event_id)
        if not await self._store.mark_endpoint_deleted(endpoint_id, self._clock(), event):
            raise _not_found(endpoint_id, scope.mode)
        await self._add(event)
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
        details = {"previousSecretExpiresAt": instant_text(expires)}
        event = self._pending(scope, endpoint, "secret_rotated", details)
        await self._change(scope, endpoint_id, {"secrets": secrets + kept, "updatedAt": now}, event)
        return secret, expires

    async def verification_requested(self, scope: Scope, endpoint: Document) -> None:
        """Records that the merchant asked for the endpoint to be challenged again."""
        await self._report(scope, endpoint, "verification_requested", {"url": endpoint["url"]})

    async def release_pending(self, before: datetime) -> None:
        """Adds to the outbox the events pending since before `before` (their request died after
        its write), and deletes the endpoints marked deleted. Idempotent: replicas may race."""
        for endpoint in await self._store.with_pending_events(before):
            if endpoint.get("deletedAt") is None:
                for event in endpoint["pendingEvents"]:
                    if event["at"] < before:
                        await self._release(endpoint["_id"], event)
                continue
            # Every event of a deleted endpoint is past its write; the document goes after them.
            for event in endpoint["pendingEvents"]:
                await self._add(event)
            await self._store.delete_endpoint(endpoint["_id"])

    async def _report(
        self, scope: Scope, endpoint: Document, change: str, details: dict[str, Any]
    ) -> None:
        event = endpoint_changed(endpoint, change, details, scope.actor)
        await self._outbox.add(event, key=scope.merchant_id)

    def _pending(
        self,
        scope: Scope,
        endpoint: Document,
        change: str,
        details: dict[str, Any],
        event_id: str | None = None,
    ) -> Document:
        """The audit event of a change, as the endpoint keeps it until it is in the outbox."""
        envelope = endpoint_changed(endpoint, change, details, scope.actor)
        if event_id is not None:
            envelope = envelope.model_copy(update={"id": event_id})
        return {
            "_id": envelope.id,
            "at": self._clock(),
            "key": scope.merchant_id,
            "envelope": envelope.model_dump(mode="json", by_alias=True),
        }

    async def _change(
        self,
        scope: Scope,
        endpoint_id: str,
        fields: Document,
        event: Document,
        unset: Sequence[str] = (),
    ) -> None:
        if not await self._store.change_endpoint(endpoint_id, fields, unset, event=event):
            raise _not_found(endpoint_id, scope.mode)  # deleted since it was read
        await self._release(endpoint_id, event)

    async def _release(self, endpoint_id: str, event: Document) -> None:
        await self._add(event)
        await self._store.pull_pending_event(endpoint_id, event["_id"])

    async def _add(self, event: Document) -> None:
        await self._outbox.add(EventEnvelope.model_validate(event["envelope"]), key=event["key"])

    def signing_secrets(self, endpoint: Document) -> list[str]:
        """The secrets that sign a message now: the current one, then any still in grace."""
        now = self._clock()
        return [
            self._sealer.open(s["sealed"])
            for s in endpoint["secrets"]
            if s["expiresAt"] is None or s["expiresAt"] > now
        ]
