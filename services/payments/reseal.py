"""`python -m services.payments.reseal`: moves every value the payments service sealed onto the
current sealing key (EXPE_SEALING_KEY_ID), printing what it did (shared/reseal.py)."""

from __future__ import annotations

from services.payments.disputes.store import SEALED_FIELDS as DISPUTE_FIELDS
from services.payments.methods.store import SEALED_FIELDS as METHOD_FIELDS
from services.payments.settings import PaymentsSettings
from services.payments.store import SEALED_FIELDS as PAYMENT_FIELDS
from shared import idempotency
from shared.reseal import command


def main() -> None:
    settings = PaymentsSettings()
    keyring = settings.sealing_keyring()
    fields = [
        *(
            (field, keyring.sealer(field.purpose))
            for field in (*PAYMENT_FIELDS, *METHOD_FIELDS, *DISPUTE_FIELDS)
        ),
        *idempotency.sealed_fields(settings),
    ]
    command(settings, "payments", fields)


if __name__ == "__main__":
    main()
