"""Routes for other services of the mesh (payments): holds, captures, releases, refund credits."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from services.wallet.deps import HoldServiceDep
from services.wallet.schemas import Hold, HoldCapture, HoldCreate, Movement, RefundCreditCreate
from shared.identity import require_service

router = APIRouter(
    prefix="/internal/v1", tags=["internal"], dependencies=[Depends(require_service)]
)


@router.post("/holds", status_code=201, response_model_by_alias=True)
async def create_hold(body: HoldCreate, holds: HoldServiceDep) -> Hold:
    """Moves the amount from available to held; once per reference (402 without the funds)."""
    return await holds.hold(body)


@router.get("/holds/{hold_id}", response_model_by_alias=True)
async def get_hold(hold_id: str, holds: HoldServiceDep) -> Hold:
    """The hold and its outcome."""
    return await holds.get(hold_id)


@router.post("/holds/{hold_id}/capture", response_model_by_alias=True)
async def capture_hold(hold_id: str, body: HoldCapture, holds: HoldServiceDep) -> Hold:
    """Pays the held amount to another wallet; again with the same wallet returns the same."""
    return await holds.capture(hold_id, body)


@router.post("/holds/{hold_id}/release", response_model_by_alias=True)
async def release_hold(hold_id: str, holds: HoldServiceDep) -> Hold:
    """Returns the held amount to available; again returns the same."""
    return await holds.release(hold_id)


@router.post("/refund-credits", status_code=201, response_model_by_alias=True)
async def create_refund_credit(body: RefundCreditCreate, holds: HoldServiceDep) -> Movement:
    """Moves a refund from the merchant's wallet to the customer's; once per reference."""
    return await holds.refund_credit(body)
