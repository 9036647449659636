"""Wallets, top-ups, transfers and statements for the caller (user or merchant)."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from services.wallet.auth_client import AuthClient
from services.wallet.errors import (
    CurrencyMismatch,
    InsufficientFunds,
    MovementNotFound,
    RecipientNotFound,
    RoleRequired,
    SameWallet,
    TopupDeclined,
    WalletNotFound,
    WalletOwnerUnknown,
)
from services.wallet.ledger import Head, Ledger
from services.wallet.movements import INSUFFICIENT_FUNDS, Movements, leg_plan, new_movement
from services.wallet.records import LedgerEntry, MovementRecord
from services.wallet.schemas import (
    Entry,
    Movement,
    Owner,
    TopupCreate,
    TransferCreate,
    Wallet,
)
from services.wallet.store import LedgerStore, WalletStore
from shared.clock import instant_text, now_ms
from shared.errors import ServiceUnavailable
from shared.idempotency import key_scope
from shared.identity import Caller
from shared.ids import derived_id, new_id
from shared.mongo import Document

TOPUP_DECLINED = "topup_declined"


@dataclass(frozen=True)
class Owned:
    """Who owns the wallets a request may see and move, and in which mode."""

    type: str
    id: str
    mode: str
    # Whether the caller may move this owner's money, not only read it.
    may_move: bool

    @classmethod
    def of(cls, caller: Caller) -> Owned:
        mode = caller.mode or "test"
        if caller.merchant_id is not None:
            if caller.kind == "api_key":
                return cls("merchant", caller.merchant_id, mode, caller.key_type == "secret")
            return cls("merchant", caller.merchant_id, mode, caller.role == "owner")
        if caller.kind == "user" and caller.user_id is not None:
            return cls("user", caller.user_id, mode, True)
        raise WalletOwnerUnknown(
            "Log in, or use a secret key or a dashboard session with an Expe-Merchant header."
        )

    def require_mover(self) -> None:
        if not self.may_move:
            raise RoleRequired("Only the merchant's owners or its secret keys may move its money.")


class Wallets:
    """Wallet documents and their balances, for any owner (the system's funding wallets too)."""

    def __init__(self, store: WalletStore, ledger: Ledger) -> None:
        self.store = store
        self._ledger = ledger

    async def open(
        self, owner_type: str, owner_id: str, mode: str, currency: str
    ) -> tuple[Document, bool]:
        """The owner's wallet in this currency and mode, created on first use (True)."""
        system = owner_type == "system"
        slot_id = f"{mode}:{owner_type}:{owner_id}:{currency}"
        wallet_id = derived_id("wal", slot_id) if system else new_id("wal")
        wallet = {
            "_id": wallet_id,
            "ownerType": owner_type,
            "ownerId": owner_id,
            "currency": currency,
            "mode": mode,
            "system": system,
            "headSeq": 0,
            "createdAt": now_ms(),
        }
        slot = await self.store.claim_owner_slot({"_id": slot_id, "wallet": wallet})
        # The wallet document follows its slot; a crash in between is repaired by the next open.
        await self.store.insert_wallet(slot["wallet"])
        stored = await self.store.get(slot["wallet"]["_id"])
        assert stored is not None
        return stored, stored["_id"] == wallet_id

    async def funding(self, currency: str, mode: str) -> Document:
        """The sandbox funding wallet money enters from: the only kind that may go negative."""
        return (await self.open("system", "funding", mode, currency))[0]

    async def head(self, wallet_id: str) -> Head:
        return await self._ledger.head(wallet_id)

    async def view(self, wallet: Document) -> Wallet:
        head = await self._ledger.head(wallet["_id"])
        return Wallet(
            id=wallet["_id"],
            currency=wallet["currency"],
            mode=wallet["mode"],
            available=head.available,
            held=head.held,
            total=head.available + head.held,
            owner=Owner(type=wallet["ownerType"], id=wallet["ownerId"]),
            created_at=wallet["createdAt"],
        )


def movement_view(movement: MovementRecord) -> Movement:
    return Movement.model_validate(movement, from_attributes=True)


def raise_failure(movement: MovementRecord) -> None:
    """A failed top-up or transfer answers with its error, on the first call and on retries."""
    if movement.status != "failed":
        return
    assert movement.failure_message is not None  # a failed movement always says why
    if movement.failure_code == INSUFFICIENT_FUNDS:
        raise InsufficientFunds(movement.failure_message)
    if movement.failure_code == TOPUP_DECLINED:
        raise TopupDeclined(movement.failure_message)


class WalletService:
    """What the caller may do with their own wallets."""

    def __init__(
        self,
        wallets: Wallets,
        ledger_store: LedgerStore,
        movements: Movements,
        caller: Caller,
        auth: AuthClient | None = None,
    ) -> None:
        self._wallets = wallets
        self._ledger_store = ledger_store
        self._movements = movements
        self._caller = caller
        self._owner = Owned.of(caller)
        self._auth = auth

    async def create(self, currency: str) -> tuple[Wallet, bool]:
        owner = self._owner
        owner.require_mover()
        wallet, created = await self._wallets.open(owner.type, owner.id, owner.mode, currency)
        return await self._wallets.view(wallet), created

    async def owned_wallets(self) -> list[Wallet]:
        owner = self._owner
        docs = await self._wallets.store.owned_by(owner.type, owner.id, owner.mode)
        return [await self._wallets.view(doc) for doc in docs]

    async def get(self, wallet_id: str) -> Wallet:
        return await self._wallets.view(await self.owned(wallet_id))

    async def owned(self, wallet_id: str, *, to_move: bool = False) -> Document:
        wallet = await self._wallets.store.get(wallet_id)
        owner = self._owner
        if to_move:
            owner.require_mover()
        if (
            wallet is None
            or wallet["ownerType"] != owner.type
            or wallet["ownerId"] != owner.id
            or wallet["mode"] != owner.mode
        ):
            raise WalletNotFound(f"No wallet {wallet_id} belongs to you.", param="walletId")
        return wallet

    def movement_id(self, kind: str, idempotency_key: str) -> str:
        return derived_id("txn", kind, key_scope(self._caller), self._owner.mode, idempotency_key)

    async def topup(self, idempotency_key: str, body: TopupCreate) -> Movement:
        """Adds money from a sandbox funding source. Amounts ending in 99 minor units are
        declined by the sandbox source; every other amount succeeds."""
        wallet = await self.owned(body.wallet_id, to_move=True)
        funding = await self._wallets.funding(wallet["currency"], wallet["mode"])
        declined = body.amount % 100 == 99
        source = body.source.model_dump(by_alias=True)
        movement = new_movement(
            self.movement_id("topup", idempotency_key),
            "topup",
            params={"walletId": wallet["_id"], "amount": body.amount, "source": source},
            amount=body.amount,
            currency=wallet["currency"],
            mode=wallet["mode"],
            legs=[]
            if declined
            else [
                leg_plan("debit", funding, available=-body.amount),
                leg_plan("credit", wallet, available=body.amount),
            ],
            to_wallet_id=wallet["_id"],
            from_wallet_id=funding["_id"],
            source=source,
        )
        if declined:
            movement = dataclasses.replace(
                movement,
                status="failed",
                failure_code=TOPUP_DECLINED,
                failure_message="The funding source declined the top-up (sandbox: ends in 99).",
                finished_at=movement.created_at,
            )
        stored = await self._movements.drive(await self._movements.start(movement))
        raise_failure(stored)
        return movement_view(stored)

    async def _recipient_wallet(self, email: str, currency: str, mode: str) -> Document:
        """The wallet of the verified user `email` belongs to, in this currency and mode,
        opened on first use; the same wallet on every retry (one slot per owner and currency)."""
        if self._auth is None:
            raise ServiceUnavailable("Transfers to an email address are not available.")
        owner = await self._auth.user_by_email(email)
        if owner is None or not owner.email_verified:
            raise RecipientNotFound(
                "No user with a verified email address can receive this transfer.",
                param="to.email",
            )
        wallet, _ = await self._wallets.open("user", owner.user_id, mode, currency)
        return wallet

    async def transfer(self, idempotency_key: str, body: TransferCreate) -> Movement:
        source = await self.owned(body.from_wallet_id, to_move=True)
        params = body.model_dump(by_alias=True)
        if body.to.email is not None:
            param = "to.email"
            if body.currency != source["currency"]:
                raise CurrencyMismatch(
                    f"The wallet holds {source['currency']}, not {body.currency}.",
                    param="currency",
                )
            target = await self._recipient_wallet(body.to.email, body.currency, source["mode"])
        else:
            assert body.to.wallet_id is not None
            param = "to.walletId"
            # The same fingerprint as before transfers to emails existed.
            params["to"] = {"walletId": body.to.wallet_id}
            found = await self._wallets.store.get(body.to.wallet_id)
            if found is None or found["mode"] != source["mode"] or found.get("system"):
                raise WalletNotFound(f"No wallet {body.to.wallet_id} exists.", param=param)
            target = found
        if target["_id"] == source["_id"]:
            raise SameWallet("A transfer needs two different wallets.", param=param)
        if body.currency != source["currency"] or body.currency != target["currency"]:
            raise CurrencyMismatch(
                f"Both wallets must hold {body.currency}: they hold {source['currency']} "
                f"and {target['currency']}.",
                param="currency",
            )
        movement = new_movement(
            self.movement_id("transfer", idempotency_key),
            "transfer",
            params=params,
            amount=body.amount,
            currency=body.currency,
            mode=source["mode"],
            legs=[
                leg_plan("debit", source, available=-body.amount),
                leg_plan("credit", target, available=body.amount),
            ],
            from_wallet_id=source["_id"],
            to_wallet_id=target["_id"],
            note=body.note,
        )
        stored = await self._movements.drive(await self._movements.start(movement))
        raise_failure(stored)
        return movement_view(stored)

    async def movement(self, kind: str, movement_id: str) -> Movement:
        """A top-up or transfer into or out of one of the caller's wallets."""
        movement = await self._ledger_store.movement(movement_id)
        if movement is not None and movement.type == kind:
            for wallet_id in (movement.from_wallet_id, movement.to_wallet_id):
                if wallet_id is not None and await self._is_mine(wallet_id):
                    return movement_view(movement)
        raise MovementNotFound(f"No {kind} {movement_id} touches your wallets.")

    async def _is_mine(self, wallet_id: str) -> bool:
        try:
            await self.owned(wallet_id)
        except WalletNotFound:
            return False
        return True

    async def statement(self, wallet_id: str, page: int, limit: int) -> tuple[list[Entry], int]:
        """Entries newest first, read by `_id` from the head down; the total is the head's seq."""
        await self.owned(wallet_id)
        head = (await self._wallets.head(wallet_id)).seq
        top = head - (page - 1) * limit
        seqs = list(range(top, max(top - limit, 0), -1))
        entries = await self._ledger_store.entries(wallet_id, seqs) if seqs else []
        return [entry_view(entry) for entry in entries], head

    async def statement_csv(self, wallet_id: str) -> AsyncIterator[str]:
        wallet = await self.owned(wallet_id)
        head = (await self._wallets.head(wallet_id)).seq

        async def rows() -> AsyncIterator[str]:
            yield _csv_line(
                [
                    "id",
                    "seq",
                    "createdAt",
                    "kind",
                    "status",
                    "movementId",
                    "amount",
                    "availableChange",
                    "heldChange",
                    "available",
                    "held",
                    "currency",
                ]
            )
            top = head
            while top > 0:
                seqs = list(range(top, max(top - 100, 0), -1))
                for stored in await self._ledger_store.entries(wallet_id, seqs):
                    entry = entry_view(stored)
                    yield _csv_line(
                        [
                            entry.id,
                            entry.seq,
                            instant_text(entry.created_at),
                            entry.kind,
                            entry.status,
                            entry.movement_id,
                            entry.amount,
                            entry.available_change,
                            entry.held_change,
                            entry.available,
                            entry.held,
                            wallet["currency"],
                        ]
                    )
                top -= 100

        return rows()


def entry_view(entry: LedgerEntry) -> Entry:
    return Entry(
        id=entry.id,
        seq=entry.seq,
        movement_id=entry.movement_id,
        kind=entry.kind,
        status="declined" if entry.declined else "posted",
        amount=entry.amount,
        available_change=entry.available_change,
        held_change=entry.held_change,
        available=entry.available,
        held=entry.held,
        created_at=entry.created_at,
    )


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()
