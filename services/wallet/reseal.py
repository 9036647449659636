"""`python -m services.wallet.reseal`: moves every value the wallet service sealed onto the
current sealing key (EXPE_SEALING_KEY_ID), printing what it did (shared/reseal.py)."""

from __future__ import annotations

from services.wallet.settings import WalletSettings
from shared import idempotency
from shared.reseal import command


def main() -> None:
    settings = WalletSettings()
    fields = [
        *idempotency.sealed_fields(settings),
    ]
    command(settings, "wallet", fields)


if __name__ == "__main__":
    main()
