"""Wallets, their statements, top-ups and transfers."""

from __future__ import annotations

from expe._calls import (
    Call,
    ModeT,
    PagedCall,
    Resource,
    as_file,
    as_items,
    as_model,
    endpoint,
    item_of,
    paged,
    wire,
)
from expe._files import ExportedFile
from expe._pagination import ItemList
from expe.models import Entry, Movement, Wallet
from expe.params import TopupSourceParams, TransferTargetParams

_WALLETS = "/api/v1/wallets"


class Wallets(Resource[ModeT]):
    @endpoint
    def create(self, *, currency: str, idempotency_key: str | None = None) -> Call[Wallet]:
        """Opens the merchant's wallet in a currency, or returns the one already open."""
        return Call(
            "POST",
            _WALLETS,
            as_model(Wallet),
            body={"currency": currency},
            idempotency_key=idempotency_key,
        )

    @endpoint
    def retrieve(self, wallet_id: str) -> Call[Wallet]:
        """One wallet: available, held and total balance in minor units."""
        return Call("GET", f"{_WALLETS}/{wallet_id}", as_model(Wallet))

    @endpoint
    def list(self) -> Call[ItemList[Wallet]]:
        """The key's wallets in its mode, with their balances."""
        return Call("GET", _WALLETS, as_items(Wallet))

    @paged
    def entries(
        self, wallet_id: str, *, page: int | None = None, limit: int | None = None
    ) -> PagedCall[Entry]:
        """The wallet's statement, newest first."""
        return PagedCall(
            f"{_WALLETS}/{wallet_id}/entries", item_of(Entry), {"page": page, "limit": limit}
        )

    @endpoint
    def export_entries(self, wallet_id: str) -> Call[ExportedFile]:
        """The whole statement as CSV."""
        return Call("GET", f"{_WALLETS}/{wallet_id}/entries", as_file, query={"format": "csv"})


class Topups(Resource[ModeT]):
    @endpoint
    def create(
        self,
        *,
        wallet_id: str,
        amount: int,
        source: TopupSourceParams,
        idempotency_key: str | None = None,
    ) -> Call[Movement]:
        """Adds money from a sandbox bank or UPI source; an amount ending in 99 minor units is
        declined (`PaymentError`, code `topup_declined`)."""
        return Call(
            "POST",
            "/api/v1/topups",
            as_model(Movement),
            body=wire({"wallet_id": wallet_id, "amount": amount, "source": source}),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def retrieve(self, topup_id: str) -> Call[Movement]:
        """A top-up and its status."""
        return Call("GET", f"/api/v1/topups/{topup_id}", as_model(Movement))


class Transfers(Resource[ModeT]):
    @endpoint
    def create(
        self,
        *,
        from_wallet_id: str,
        to: TransferTargetParams,
        amount: int,
        currency: str,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[Movement]:
        """Moves money from one of the key's wallets to `{"wallet_id": …}` or to a verified
        user's `{"email": …}`; without enough balance nothing moves (`PaymentError`)."""
        body = wire(
            {
                "from_wallet_id": from_wallet_id,
                "to": to,
                "amount": amount,
                "currency": currency,
                "note": note,
            }
        )
        return Call(
            "POST",
            "/api/v1/transfers",
            as_model(Movement),
            body=body,
            idempotency_key=idempotency_key,
        )

    @endpoint
    def retrieve(self, transfer_id: str) -> Call[Movement]:
        """A transfer and its status."""
        return Call("GET", f"/api/v1/transfers/{transfer_id}", as_model(Movement))
