"""Audit entries reported by the other services through their outboxes.

A change made in another service is audited from the event that service writes with it into its
own outbox (as `refund.issued` and `payment_link.*` are, and re-written by the payments sweeper
if the process died between the two; webhooks' `webhook_endpoint.changed`): once the change is
stored its event is, and the relay delivers it at least once. The event's `actor` names the
member or key that acted. An internal call to auth instead could be lost between the change and
the call, or fail the change while auth is down. Each event becomes one entry whose id derives
from the event's, so a redelivery appends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from services.auth.audit import service as audit
from services.auth.audit.store import AuditStore
from services.auth.settings import AuthSettings
from shared.app import Runtime
from shared.events.consumer import EventConsumer, PermanentEventError
from shared.events.envelope import (
    PAYMENT_LINK_CREATED,
    PAYMENT_LINK_DEACTIVATED,
    REFUND_ISSUED,
    WEBHOOK_ENDPOINT_CHANGED,
    EventEnvelope,
)
from shared.identity import Caller

REPORTED_TOPICS = (
    REFUND_ISSUED,
    WEBHOOK_ENDPOINT_CHANGED,
    PAYMENT_LINK_CREATED,
    PAYMENT_LINK_DEACTIVATED,
)
CONSUMER_GROUP = "expe-auth-audit"
# What the log keeps of what other services report: the action, and the fields of its target.
_REPORTED = {
    REFUND_ISSUED: (
        audit.REFUND_CREATED,
        ("refundId", "paymentId", "amount", "currency", "mode", "reason"),
    ),
    PAYMENT_LINK_CREATED: (
        audit.PAYMENT_LINK_CREATED,
        ("paymentLinkId", "amount", "minAmount", "maxAmount", "currency", "mode", "reusable"),
    ),
    PAYMENT_LINK_DEACTIVATED: (audit.PAYMENT_LINK_DEACTIVATED, ("paymentLinkId", "mode")),
}


_ENDPOINT_ACTIONS = {
    "created": audit.WEBHOOK_ENDPOINT_CREATED,
    "updated": audit.WEBHOOK_ENDPOINT_UPDATED,
    "secret_rotated": audit.WEBHOOK_ENDPOINT_SECRET_ROTATED,
    "deleted": audit.WEBHOOK_ENDPOINT_DELETED,
    "verification_requested": audit.WEBHOOK_ENDPOINT_VERIFICATION_REQUESTED,
}


class AuditReports:
    def __init__(self, store: AuditStore) -> None:
        self._store = store

    async def handle(self, event: EventEnvelope) -> None:
        if event.merchant_id is None:
            raise PermanentEventError(f"{event.id} names no merchant")
        if event.type == WEBHOOK_ENDPOINT_CHANGED:
            await self._endpoint_changed(event, event.merchant_id)
            return
        action, fields = _REPORTED[event.type]
        caller = _acting(event, event.merchant_id)
        await audit.record(
            self._store,
            action,
            caller=caller,
            # A change whose event names no actor (a refund reported before events named one,
            # an event the sweeper wrote again) is the producing service's.
            actor_type=None if caller else event.producer,
            merchant_id=event.merchant_id,
            target={name: event.data.get(name) for name in fields},
            event_id=f"aud_{event.id}",
        )

    async def _endpoint_changed(self, event: EventEnvelope, merchant_id: str) -> None:
        action = _ENDPOINT_ACTIONS.get(event.data.get("change", ""))
        if action is None:
            raise PermanentEventError(f"{event.id} reports an unknown change")
        caller = _acting(event, merchant_id)
        if caller is None:
            raise PermanentEventError(f"{event.id} names no member or key")
        target = {
            "endpointId": event.data.get("endpointId"),
            "mode": event.data.get("mode"),
            **(event.data.get("details") or {}),
        }
        await audit.record(
            self._store, action, caller=caller, target=target, event_id=f"aud_{event.id}"
        )


def _acting(event: EventEnvelope, merchant_id: str) -> Caller | None:
    """The member or API key the event names as its actor, if it names one."""
    actor = event.actor or {}
    kind, acting = actor.get("type"), actor.get("id")
    if kind not in ("user", "api_key") or not acting:
        return None
    return Caller(
        kind=kind,
        merchant_id=merchant_id,
        user_id=acting if kind == "user" else None,
        key_id=acting if kind == "api_key" else None,
    )


def build_audit_consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    settings = cast(AuthSettings, runtime.settings)
    # The same switch as the notices': off only for a process that serves the API alone.
    if not settings.notices.consume:
        return []
    return [
        EventConsumer(
            name="audit-reports",
            topics=REPORTED_TOPICS,
            handler=AuditReports(AuditStore(runtime.db)).handle,
            db=runtime.db,
            settings=settings.kafka,
            group_id=CONSUMER_GROUP,
        )
    ]
