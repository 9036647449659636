"""`python -m services.webhooks.reseal`: moves every value the webhooks service sealed onto the
current sealing key (EXPE_SEALING_KEY_ID), printing what it did (shared/reseal.py)."""

from __future__ import annotations

from services.webhooks.endpoints import SEALED_FIELDS, sealer_for
from services.webhooks.settings import WebhooksSettings
from shared import idempotency
from shared.reseal import command


def main() -> None:
    settings = WebhooksSettings()
    fields = [
        *((field, sealer_for(settings)) for field in SEALED_FIELDS),
        *idempotency.sealed_fields(settings),
    ]
    command(settings, "webhooks", fields)


if __name__ == "__main__":
    main()
