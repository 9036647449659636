"""Dispute routes: the merchant's disputes, their evidence and its submission, and in test mode
a dispute opened by hand on a payment."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from services.payments.deps import Payments
from services.payments.disputes.schemas import (
    Dispute,
    DisputeFile,
    DisputeOpen,
    DisputeStatus,
    Evidence,
    FileUpload,
)
from services.payments.disputes.service import DisputeService
from services.payments.disputes.store import DisputeRecord, DisputeStore
from services.payments.errors import (
    DisputeAmountTooLarge,
    DisputeNotFound,
    DisputeNotOpen,
    EvidenceFileInvalid,
    EvidenceFilesFull,
    EvidenceFileTooLarge,
    PaymentAlreadyDisputed,
    PaymentNotDisputable,
    PaymentNotFound,
    SandboxOnly,
)
from services.payments.settings import PaymentsSettings
from shared.app import RuntimeDep
from shared.errors import PermissionDenied
from shared.idempotency import IdempotentRoute
from shared.mongo import Document
from shared.openapi import errors
from shared.paging import Page, PagingDep
from shared.scopes import Reader, Writer

router = APIRouter(tags=["disputes"], route_class=IdempotentRoute)


def dispute_service(runtime: RuntimeDep, payments: Payments) -> DisputeService:
    settings = runtime.settings
    assert isinstance(settings, PaymentsSettings)
    store = DisputeStore(runtime.db, settings.sealing_keyring())
    return DisputeService(store, payments, runtime.outbox, settings, payments.wallet)


Disputes = Annotated[DisputeService, Depends(dispute_service)]


def _view(dispute: DisputeRecord, files: list[Document]) -> Dispute:
    return Dispute.model_validate(
        {
            **dataclasses.asdict(dispute),
            "files": [_file(doc) for doc in files],
        }
    )


def _file(doc: Document) -> DisputeFile:
    return DisputeFile.model_validate({**doc, "id": doc["_id"]})


async def _one(disputes: DisputeService, dispute: DisputeRecord) -> Dispute:
    return _view(dispute, (await disputes.files([dispute]))[dispute.id])


@router.post(
    "/api/v1/payments/{payment_id}/disputes",
    status_code=201,
    response_model_by_alias=True,
    summary="Simulate a dispute (test mode)",
    responses=errors(
        PaymentNotFound,
        PaymentAlreadyDisputed,
        PaymentNotDisputable,
        DisputeAmountTooLarge,
        SandboxOnly,
        PermissionDenied,
    ),
)
async def simulate_dispute(
    payment_id: str, scope: Writer, disputes: Disputes, body: DisputeOpen | None = None
) -> Dispute:
    """Opens a dispute on a succeeded test-mode payment, as the card network would: its amount
    and a fee are withheld from the merchant's wallet until it is decided."""
    return await _one(disputes, await disputes.simulate(scope, payment_id, body or DisputeOpen()))


@router.get(
    "/api/v1/disputes",
    response_model_by_alias=True,
    summary="List disputes",
    responses=errors(PermissionDenied),
)
async def list_disputes(
    scope: Reader,
    disputes: Disputes,
    paging: PagingDep,
    status: Annotated[list[DisputeStatus], Query()] = [],  # noqa: B006
) -> Page[Dispute]:
    """The merchant's disputes in the caller's mode (in any of the `status` given), newest
    first; those that need a response (`status=needs_response` alone) soonest due first."""
    found, total = await disputes.page(scope, status, paging)
    files = await disputes.files(found)
    return Page[Dispute].of([_view(d, files[d.id]) for d in found], paging, total)


@router.get(
    "/api/v1/disputes/{dispute_id}",
    response_model_by_alias=True,
    summary="Retrieve a dispute",
    responses=errors(DisputeNotFound, PermissionDenied),
)
async def get_dispute(dispute_id: str, scope: Reader, disputes: Disputes) -> Dispute:
    """One dispute with its evidence and files."""
    return await _one(disputes, await disputes.get(scope, dispute_id))


@router.post(
    "/api/v1/disputes/{dispute_id}/evidence",
    response_model_by_alias=True,
    summary="Add evidence to a dispute",
    responses=errors(DisputeNotFound, DisputeNotOpen, PermissionDenied),
)
async def add_evidence(
    dispute_id: str, body: Evidence, scope: Writer, disputes: Disputes
) -> Dispute:
    """Sets the evidence's text fields given (the others stay as they were) while the dispute
    needs a response; nothing reaches the network until it is submitted."""
    return await _one(disputes, await disputes.add_evidence(scope, dispute_id, body))


@router.post(
    "/api/v1/disputes/{dispute_id}/files",
    status_code=201,
    response_model_by_alias=True,
    summary="Upload an evidence file",
    responses=errors(
        DisputeNotFound,
        DisputeNotOpen,
        EvidenceFileInvalid,
        EvidenceFileTooLarge,
        EvidenceFilesFull,
        PermissionDenied,
    ),
)
async def upload_file(
    dispute_id: str, body: FileUpload, scope: Writer, disputes: Disputes
) -> DisputeFile:
    """A PDF, PNG or JPEG of at most 512 KiB, in base64; at most 10 files a dispute."""
    return _file(await disputes.add_file(scope, dispute_id, body))


@router.get(
    "/api/v1/disputes/{dispute_id}/files/{file_id}",
    summary="Download an evidence file",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}},
        **errors(DisputeNotFound, PermissionDenied),
    },
)
async def download_file(
    dispute_id: str, file_id: str, scope: Reader, disputes: Disputes
) -> Response:
    """The file's bytes, as uploaded."""
    found = await disputes.file(scope, dispute_id, file_id)
    disposition = f'attachment; filename="{found["_id"]}"'
    return Response(
        found["content"],
        media_type=found["contentType"],
        headers={"Content-Disposition": disposition},
    )


@router.post(
    "/api/v1/disputes/{dispute_id}/submit",
    response_model_by_alias=True,
    summary="Submit a dispute's evidence",
    responses=errors(DisputeNotFound, DisputeNotOpen, PermissionDenied),
)
async def submit_dispute(dispute_id: str, scope: Writer, disputes: Disputes) -> Dispute:
    """Sends the evidence to the card network, once: the dispute is `under_review` until the
    network decides it `won` or `lost`."""
    return await _one(disputes, await disputes.submit(scope, dispute_id))
