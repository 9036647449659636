"""`python -m services.auth.reseal`: moves every value the auth service sealed onto the
current sealing key (EXPE_SEALING_KEY_ID), printing what it did (shared/reseal.py)."""

from __future__ import annotations

from services.auth.settings import AuthSettings
from services.auth.twofactor.store import SEALED_FIELDS, totp_sealer
from shared import idempotency
from shared.reseal import command


def main() -> None:
    settings = AuthSettings()
    fields = [
        *((field, totp_sealer(settings)) for field in SEALED_FIELDS),
        *idempotency.sealed_fields(settings),
    ]
    command(settings, "auth", fields)


if __name__ == "__main__":
    main()
