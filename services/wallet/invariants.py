"""The ledger's invariants, checked over the whole database (for tests and operators).

Once every movement is finished: the entries of all wallets sum to zero (money only moves
between wallets, the funding wallets included); each wallet's chain is contiguous from seq 1
and every entry's balances are the running sums of the changes before it; no leg appears in
more than one entry; and no wallet but a system wallet is ever below zero.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from services.wallet.records import LedgerEntry
from services.wallet.store import LedgerStore, WalletStore


@dataclass
class LedgerReport:
    entries: int = 0
    total: int = 0
    unfinished: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def check_ledger(wallets: WalletStore, ledger: LedgerStore) -> LedgerReport:
    """Reads every entry; meant for tests and occasional audits, not for the request path."""
    entries = await ledger.all_entries()
    report = LedgerReport(entries=len(entries), unfinished=await ledger.count_unfinished())
    report.total = sum(entry.amount for entry in entries)
    if report.unfinished:
        report.problems.append(f"{report.unfinished} movements are unfinished")
    if report.total != 0:
        report.problems.append(f"entries sum to {report.total}, not 0")
    repeated = [leg for leg, count in Counter(e.leg for e in entries).items() if count > 1]
    if repeated:
        report.problems.append(f"legs applied more than once: {sorted(repeated)[:10]}")
    system = {w["_id"] for w in await wallets.all_wallets() if w.get("system")}
    chains: dict[str, list[LedgerEntry]] = defaultdict(list)
    for entry in entries:
        chains[entry.wallet_id].append(entry)
    for wallet_id, chain in chains.items():
        report.problems.extend(_chain_problems(wallet_id, chain, wallet_id in system))
    return report


def _chain_problems(wallet_id: str, chain: list[LedgerEntry], system: bool) -> list[str]:
    chain.sort(key=lambda entry: entry.seq)
    if [entry.seq for entry in chain] != list(range(1, len(chain) + 1)):
        return [f"{wallet_id}: the chain has gaps"]
    available = held = 0
    for entry in chain:
        available += entry.available_change
        held += entry.held_change
        if entry.amount != entry.available_change + entry.held_change:
            return [f"{entry.id}: amount is not the sum of its changes"]
        if (entry.available, entry.held) != (available, held):
            return [f"{entry.id}: balances are not the running sums"]
        if not system and (available < 0 or held < 0):
            return [f"{entry.id}: the wallet went below zero"]
    return []
