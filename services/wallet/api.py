"""Wallet routes for users and merchants: wallets, top-ups, transfers, statements."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from services.wallet import examples
from services.wallet.deps import IdempotencyKeyDep, WalletServiceDep
from services.wallet.errors import (
    CurrencyMismatch,
    IdempotencyKeyRequired,
    InsufficientFunds,
    MovementNotFound,
    MovementReused,
    RecipientNotFound,
    RoleRequired,
    SameWallet,
    TopupDeclined,
    WalletBusy,
    WalletNotFound,
)
from services.wallet.schemas import (
    Entry,
    Movement,
    TopupCreate,
    TransferCreate,
    Wallet,
    WalletCreate,
    WalletList,
)
from shared.idempotency import IdempotentRoute
from shared.openapi import errors
from shared.paging import Page, PagingDep

router = APIRouter(route_class=IdempotentRoute, tags=["wallets"])


@router.post(
    "/api/v1/wallets",
    status_code=201,
    response_model_by_alias=True,
    summary="Create a wallet",
    responses={
        **errors(RoleRequired),
        201: examples.WALLET_CREATED,
        200: {"model": Wallet, **examples.WALLET_ALREADY_OPEN},
    },
    openapi_extra=examples.CREATE_WALLET,
)
async def create_wallet(
    body: WalletCreate, wallets: WalletServiceDep, response: Response
) -> Wallet:
    """Opens the caller's wallet in a currency (201), or returns the one already open (200)."""
    wallet, created = await wallets.create(body.currency)
    if not created:
        response.status_code = 200
    return wallet


@router.get("/api/v1/wallets", response_model_by_alias=True, summary="List wallets")
async def list_wallets(wallets: WalletServiceDep) -> WalletList:
    """The caller's wallets in the caller's mode, with their balances."""
    return WalletList(data=await wallets.owned_wallets())


@router.get(
    "/api/v1/wallets/{wallet_id}",
    response_model_by_alias=True,
    summary="Retrieve a wallet",
    responses=errors(WalletNotFound),
)
async def get_wallet(wallet_id: str, wallets: WalletServiceDep) -> Wallet:
    """One of the caller's wallets: available, held and total balance in minor units."""
    return await wallets.get(wallet_id)


@router.get(
    "/api/v1/wallets/{wallet_id}/entries",
    response_model=None,
    summary="List a wallet's entries",
    responses={
        **errors(WalletNotFound),
        200: {
            "model": Page[Entry],
            "description": "A page of entries, or with `format=csv` every entry as CSV.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
    },
)
async def list_entries(
    wallet_id: str,
    wallets: WalletServiceDep,
    paging: PagingDep,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Page[Entry] | StreamingResponse:
    """The wallet's statement, newest first (`?format=csv` streams every entry as CSV).

    Declined attempts (insufficient funds) appear with status `declined` and no change."""
    if format == "csv":
        rows = await wallets.statement_csv(wallet_id)
        return StreamingResponse(
            rows,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{wallet_id}.csv"'},
        )
    entries, total = await wallets.statement(wallet_id, paging.page, paging.limit)
    return Page.of(entries, paging, total)


@router.post(
    "/api/v1/topups",
    status_code=201,
    response_model_by_alias=True,
    summary="Top up a wallet",
    responses={
        **errors(
            IdempotencyKeyRequired,
            WalletNotFound,
            RoleRequired,
            TopupDeclined,
            MovementReused,
            WalletBusy,
        ),
        201: examples.TOPUP_CREATED,
    },
    openapi_extra=examples.CREATE_TOPUP,
)
async def create_topup(
    body: TopupCreate, key: IdempotencyKeyDep, wallets: WalletServiceDep
) -> Movement:
    """Adds money to a wallet from a sandbox bank or UPI source (needs Idempotency-Key).

    Sandbox outcomes: an amount whose last two digits of minor units are 99 (e.g. 10099) is
    declined with 402 `topup_declined` and moves nothing; every other amount succeeds at once."""
    return await wallets.topup(key, body)


@router.post(
    "/api/v1/transfers",
    status_code=201,
    response_model_by_alias=True,
    summary="Transfer between wallets",
    responses={
        **errors(
            IdempotencyKeyRequired,
            WalletNotFound,
            RecipientNotFound,
            RoleRequired,
            SameWallet,
            CurrencyMismatch,
            InsufficientFunds,
            MovementReused,
            WalletBusy,
        ),
        201: examples.TRANSFER_CREATED,
    },
    openapi_extra=examples.CREATE_TRANSFER,
)
async def create_transfer(
    body: TransferCreate, key: IdempotencyKeyDep, wallets: WalletServiceDep
) -> Movement:
    """Moves money from one of the caller's wallets to another wallet (needs Idempotency-Key).

    `to` is `{walletId}` or `{email}`: a verified user's email address, resolved through auth,
    pays into their wallet in the transfer's currency and mode (opened on first use); an unknown
    or unverified address is 404 `recipient_not_found`. Without enough available balance: 402
    `insufficient_funds`. Either way nothing moves."""
    return await wallets.transfer(key, body)


@router.get(
    "/api/v1/topups/{movement_id}",
    response_model_by_alias=True,
    summary="Retrieve a top-up",
    responses=errors(MovementNotFound),
)
async def get_topup(movement_id: str, wallets: WalletServiceDep) -> Movement:
    """A top-up of one of the caller's wallets, with its status."""
    return await wallets.movement("topup", movement_id)


@router.get(
    "/api/v1/transfers/{movement_id}",
    response_model_by_alias=True,
    summary="Retrieve a transfer",
    responses=errors(MovementNotFound),
)
async def get_transfer(movement_id: str, wallets: WalletServiceDep) -> Movement:
    """A transfer out of or into one of the caller's wallets, with its status."""
    return await wallets.movement("transfer", movement_id)
