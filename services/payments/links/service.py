"""Payment links: made by a merchant, opened by anyone, each press of Pay giving a payment.

A link with a limit (one-time, or reusable with `maxUses`) hands out its uses (`store.py`): a
press takes a use never made yet, else a use whose live payment ended unpaid, else shares a use's
open payment of the same amount, so two customers at once get one payment and only one can pay
it. A link without a limit gives each press a payment of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.payments.errors import (
    PaymentLinkBusy,
    PaymentLinkExpired,
    PaymentLinkInactive,
    PaymentLinkNotFound,
    PaymentLinkUsed,
)
from services.payments.events import PRODUCER, derived_event_id
from services.payments.links.schemas import LinkStatus, PaymentLinkCreate
from services.payments.links.store import LinkRecord, LinkStore, Use, list_query
from services.payments.records import PaymentRecord
from services.payments.schemas import PaymentCreate
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from shared.clock import instant_text, now_ms, to_ms
from shared.errors import InvalidRequest
from shared.events.envelope import PAYMENT_LINK_CREATED, PAYMENT_LINK_DEACTIVATED
from shared.events.outbox import Outbox, new_event
from shared.idempotency import IdempotencyKeyReused
from shared.ids import derived_id, id_for_request, new_id
from shared.paging import Paging
from shared.scopes import Scope

# Uses looked at per press for one that is free; past them the link answers busy.
_USES_LOOKED_AT = 20
# Presses racing for the same use retry this often before answering busy.
_RACES = 5
_CUSTOMER = {"type": "customer", "id": None}


@dataclass(frozen=True)
class LinkTotals:
    started: int
    paid: int
    revenue: int


@dataclass(frozen=True)
class LinkView:
    """A link with what its payments say of it, as the API shows it."""

    link: LinkRecord
    status: LinkStatus
    totals: LinkTotals
    url: str


def status_of(link: LinkRecord, paid: int, now: datetime) -> LinkStatus:
    if link.deactivated_at is not None:
        return "inactive"
    if link.expires_at is not None and link.expires_at <= now:
        return "expired"
    if link.uses is not None and paid >= link.uses:
        return "completed"
    return "active"


def use_payment_id(link_id: str, use: Use) -> str:
    return derived_id("pay", link_id, str(use.n), str(use.attempt))


class LinkService:
    def __init__(
        self,
        links: LinkStore,
        payments: PaymentService,
        payment_store: PaymentStore,
        outbox: Outbox,
        settings: PaymentsSettings,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._links = links
        self._payments = payments
        self._payment_store = payment_store
        self._outbox = outbox
        self._settings = settings
        self._clock = clock

    # The merchant's side.

    async def create(
        self, scope: Scope, body: PaymentLinkCreate, idempotency_key: str | None = None
    ) -> LinkView:
        now = self._clock()
        if body.expires_at is not None and body.expires_at <= now:
            raise InvalidRequest("expiresAt must be in the future.", param="expiresAt")
        link_id = id_for_request("plink", scope.merchant_id, scope.mode, idempotency_key)
        made = await self._links.insert(
            LinkRecord(
                id=link_id,
                slug=secrets.token_urlsafe(12),
                merchant_id=scope.merchant_id,
                mode=scope.mode,
                amount=body.amount,
                min_amount=body.min_amount,
                max_amount=body.max_amount,
                currency=body.currency,
                description=body.description,
                reusable=body.reusable,
                max_uses=body.max_uses,
                expires_at=to_ms(body.expires_at) if body.expires_at else None,
                metadata=body.metadata or {},
                views=0,
                created_at=now,
                updated_at=now,
            )
        )
        if (made.amount, made.currency, made.description) != (
            body.amount,
            body.currency,
            body.description,
        ):
            raise IdempotencyKeyReused(
                "This Idempotency-Key made another payment link; use a new key for a new one."
            )
        await self._publish(made, PAYMENT_LINK_CREATED, scope.actor)
        return await self._view(made)

    async def get(self, scope: Scope, link_id: str) -> LinkView:
        return await self._view(await self._owned(scope, link_id))

    async def page(
        self, scope: Scope, statuses: Sequence[str], paging: Paging
    ) -> tuple[list[LinkView], int]:
        query = list_query(scope.merchant_id, scope.mode, statuses, self._clock())
        found, total = await self._links.page(query, skip=paging.skip, limit=paging.limit)
        return [await self._view(link) for link in found], total

    async def deactivate(self, scope: Scope, link_id: str) -> LinkView:
        """Deactivates the link (again: a no-op). Its open payments stay payable until they
        expire; no new one is made."""
        link = await self._owned(scope, link_id)
        if link.deactivated_at is None:
            await self._links.deactivate(link.id, self._clock())
            link = await self._owned(scope, link_id)
        await self._publish(link, PAYMENT_LINK_DEACTIVATED, scope.actor)
        return await self._view(link)

    async def republish(self, since: datetime, until: datetime) -> None:
        """Writes the events of links changed in [since, until) again (by their derived ids a
        no-op unless the request writing one died first)."""
        for link in await self._links.changed_between(since, until):
            await self._publish(link, PAYMENT_LINK_CREATED, None)
            if link.deactivated_at is not None:
                await self._publish(link, PAYMENT_LINK_DEACTIVATED, None)

    # The customer's side.

    async def open(self, slug: str) -> tuple[LinkRecord, LinkStatus]:
        """The link this slug opens, with its status; counted as viewed while it takes
        payments (a visit to a paid or closed link is no chance to convert)."""
        link = await self._links.by_slug(slug)
        if link is None:
            raise PaymentLinkNotFound(f"No payment link {slug}.")
        status = await self._status(link, await self._totals(link))
        if status == "active":
            await self._links.count_view(link.id)
        return link, status

    async def pay(self, slug: str, amount: int | None, press: str | None) -> PaymentRecord:
        """The payment the customer pays on the hosted checkout; `press` (the request's
        Idempotency-Key) names one press of Pay on a link without a limit."""
        link = await self._links.by_slug(slug)
        if link is None:
            raise PaymentLinkNotFound(f"No payment link {slug}.")
        now = self._clock()
        if link.deactivated_at is not None:
            raise PaymentLinkInactive("This payment link is no longer active.")
        if link.expires_at is not None and link.expires_at <= now:
            raise PaymentLinkExpired("This payment link has expired.")
        body = PaymentCreate.model_validate(
            {
                "amount": self._amount(link, amount),
                "currency": link.currency,
                "orderId": link.id,
                "description": link.description,
                "metadata": link.metadata or None,
            }
        )
        expires_at = now + timedelta(seconds=self._settings.default_expiry_seconds)
        if link.expires_at is not None:
            expires_at = min(expires_at, link.expires_at)
        scope = Scope(link.merchant_id, link.mode, _CUSTOMER)
        if link.uses is None:
            payment_id = derived_id("pay", link.id, press) if press else new_id("pay")
            payment = await self._payments.open_payment(
                scope, body, payment_id, expires_at, link.id
            )
            if payment.amount != body.amount:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key made a payment of another amount; use a new key."
                )
            return payment
        return await self._pay_a_use(link, scope, body, expires_at)

    @staticmethod
    def _amount(link: LinkRecord, amount: int | None) -> int:
        if link.amount is not None:
            if amount is not None and amount != link.amount:
                raise InvalidRequest("This link's amount is fixed; send no amount.", param="amount")
            return link.amount
        if amount is None:
            raise InvalidRequest("amount: enter the amount to pay.", param="amount")
        if link.min_amount is not None and amount < link.min_amount:
            raise InvalidRequest(f"amount must be at least {link.min_amount}.", param="amount")
        if link.max_amount is not None and amount > link.max_amount:
            raise InvalidRequest(f"amount must be at most {link.max_amount}.", param="amount")
        return amount

    async def _pay_a_use(
        self, link: LinkRecord, scope: Scope, body: PaymentCreate, expires_at: datetime
    ) -> PaymentRecord:
        assert link.uses is not None
        for _ in range(_RACES):
            use = await self._use_for(link, body.amount)
            if use is None:
                continue  # another press took the use first: look again
            payment = await self._open(link, use, scope, body, expires_at)
            # A press of another amount made the use's payment first: look again.
            if payment.amount == body.amount:
                return payment
        raise PaymentLinkBusy(
            "Many customers are paying this link at once; try again.", headers={"Retry-After": "1"}
        )

    async def _use_for(self, link: LinkRecord, amount: int) -> Use | None:
        """The use (at its attempt) a press of `amount` is paid by; None when another press
        raced this one to it."""
        assert link.uses is not None
        made = await self._links.uses_made(link.id)
        if made < link.uses:
            return Use(made + 1, 1) if await self._links.add_use(link.id, made + 1) else None
        found, use = await self._free_use(link, amount)
        if found == "share":
            return use
        if found == "pass":
            return Use(use.n, use.attempt + 1) if await self._links.pass_on(link.id, use) else None
        if found == "used":
            await self._links.mark_completed(link.id, self._clock())
            raise PaymentLinkUsed("This payment link has been paid; it takes no more payments.")
        raise PaymentLinkBusy(
            "This payment link is being paid just now; try again in a minute.",
            headers={"Retry-After": "30"},
        )

    async def _free_use(self, link: LinkRecord, amount: int) -> tuple[str, Use]:
        """What a press of `amount` gets among the link's uses not known paid: ("share", use)
        when the use's open payment (or none yet: its maker died) is of that amount; ("pass",
        use) when its payment ended unpaid, or gave way to another amount; ("busy", _) when
        some use's payment may still be paid; ("used", _) when every use is paid."""
        busy = False
        for use in await self._links.unpaid_uses(link.id, _USES_LOOKED_AT):
            payment = await self._payment_store.get(use_payment_id(link.id, use))
            if payment is None or (payment.status == "created" and payment.amount == amount):
                return "share", use
            if payment.status == "created":
                # Another amount: the open payment gives way, unless it is being paid.
                if await self._payments.move(payment, "canceled", "payment_link_replaced", None):
                    return "pass", use
                busy = True
            elif payment.status == "processing":
                busy = True
            elif payment.status == "succeeded":
                await self._links.mark_paid(link.id, use)
            else:  # failed, canceled or expired: the use is free again
                return "pass", use
        return ("busy" if busy else "used"), Use(0, 0)

    async def _open(
        self, link: LinkRecord, use: Use, scope: Scope, body: PaymentCreate, expires_at: datetime
    ) -> PaymentRecord:
        """The use's payment at its attempt, made now unless a press before made it (of
        whatever amount: racing presses of several amounts share the first one's)."""
        return await self._payments.open_payment(
            scope, body, use_payment_id(link.id, use), expires_at, link.id
        )

    # Both.

    async def _owned(self, scope: Scope, link_id: str) -> LinkRecord:
        link = await self._links.get(link_id)
        if link is None or (link.merchant_id, link.mode) != (scope.merchant_id, scope.mode):
            raise PaymentLinkNotFound(f"No payment link {link_id} in {scope.mode} mode.")
        return link

    async def _totals(self, link: LinkRecord) -> LinkTotals:
        started = paid = revenue = 0
        async for payment in self._payment_store.of_link(link.merchant_id, link.mode, link.id):
            started += 1
            if payment["status"] == "succeeded":
                paid += 1
                revenue += payment["amount"]
        return LinkTotals(started, paid, revenue)

    async def _status(self, link: LinkRecord, totals: LinkTotals) -> LinkStatus:
        status = status_of(link, totals.paid, self._clock())
        if status == "completed" and link.completed_at is None:
            await self._links.mark_completed(link.id, self._clock())
        return status

    async def _view(self, link: LinkRecord) -> LinkView:
        totals = await self._totals(link)
        return LinkView(link, await self._status(link, totals), totals, self.url_of(link))

    def url_of(self, link: LinkRecord) -> str:
        return f"{self._settings.public_url.rstrip('/')}/pay/{link.slug}"

    async def _publish(
        self, link: LinkRecord, event_type: str, actor: dict[str, Any] | None
    ) -> None:
        """The link's event of `event_type`; `actor` None when no one's request caused it."""
        data = {
            "paymentLinkId": link.id,
            "url": self.url_of(link),
            "amount": link.amount,
            "minAmount": link.min_amount,
            "maxAmount": link.max_amount,
            "currency": link.currency,
            "description": link.description,
            "reusable": link.reusable,
            "maxUses": link.max_uses,
            "mode": link.mode,
            "expiresAt": instant_text(link.expires_at) if link.expires_at else None,
            "createdAt": instant_text(link.created_at),
        }
        happened = link.created_at if event_type == PAYMENT_LINK_CREATED else link.deactivated_at
        assert happened is not None
        data["occurredAt"] = instant_text(happened)
        event = new_event(
            event_type,
            data,
            producer=PRODUCER,
            merchant_id=link.merchant_id,
            event_id=derived_event_id(f"{link.id}:{event_type}"),
            actor=actor,
        )
        await self._outbox.add(event, key=link.merchant_id)
