"""The wallet service's parts wired together, for requests, the sweep and tests alike."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from services.wallet.errors import WalletBusy
from services.wallet.holds import HoldService
from services.wallet.ledger import Heads, Ledger
from services.wallet.movements import Movements
from services.wallet.service import Wallets
from services.wallet.store import LedgerStore, WalletStore
from shared.events.outbox import Outbox
from shared.mongo import Document

logger = logging.getLogger("expe.wallet.sweep")


@dataclass(frozen=True)
class WalletCore:
    wallet_store: WalletStore
    ledger_store: LedgerStore
    ledger: Ledger
    wallets: Wallets
    movements: Movements

    @classmethod
    def build(cls, db: AsyncDatabase[Document], heads: Heads, outbox: Outbox | None) -> WalletCore:
        wallet_store, ledger_store = WalletStore(db), LedgerStore(db)
        ledger = Ledger(ledger_store, wallet_store, outbox, heads)
        return cls(
            wallet_store,
            ledger_store,
            ledger,
            Wallets(wallet_store, ledger),
            Movements(ledger_store, ledger),
        )

    def holds(self) -> HoldService:
        return HoldService(self.wallets, self.ledger_store, self.movements)


async def run_sweep(movements: Movements, interval: float, older_than: float) -> None:
    """Forever: drives movements left unfinished (by a crash, a timeout) to their end."""
    while True:
        try:
            driven = await movements.sweep_once(timedelta(seconds=older_than))
            if driven:
                logger.info("recovered unfinished movements", extra={"count": driven})
        except (PyMongoError, WalletBusy) as error:
            logger.warning("wallet sweep paused", extra={"error": repr(error)})
        await asyncio.sleep(interval)
