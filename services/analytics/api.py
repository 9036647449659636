"""Analytics routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.analytics.schemas import CurrencyTotal, PaymentSummary
from services.analytics.store import PaymentFacts
from shared.app import Database
from shared.errors import PermissionDenied
from shared.identity import CallerDep

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@router.get("/payments/summary", response_model=PaymentSummary, response_model_by_alias=True)
async def payment_summary(
    db: Database,
    caller: CallerDep,
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
) -> PaymentSummary:
    """Payments created per currency for the caller's merchant and mode, within [from, to)."""
    if caller.merchant_id is None or caller.mode is None:
        raise PermissionDenied(
            "Use a secret key, or a dashboard session with an Expe-Merchant header."
        )
    totals = await PaymentFacts(db).created_totals(caller.merchant_id, caller.mode, since, until)
    return PaymentSummary(
        merchant_id=caller.merchant_id,
        mode=caller.mode,
        payments_created=[CurrencyTotal.model_validate(row) for row in totals],
    )
