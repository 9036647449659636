"""The customer's personal data (`customer.email`, and any field `Customer` gains), sealed at
rest field by field wherever payments keeps it: on payments and on saved cards, each collection's
fields under purposes of their own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.payments.schemas import Customer
from shared.reseal import SealedField
from shared.sealing import Keyring


def sealed_customer_fields(collection: str, purpose: str) -> tuple[SealedField, ...]:
    """Where `collection` keeps the customer's fields, for the re-seal job (shared/reseal.py)."""
    return tuple(
        SealedField(collection, f"customer.{name}", f"{purpose}-{name}")
        for name in Customer.model_fields
    )


class CustomerSeal:
    """Seals a document's `customer` for storing and opens it when read."""

    def __init__(self, keyring: Keyring, fields: Sequence[SealedField]) -> None:
        self._sealers = {
            field.path.removeprefix("customer."): keyring.sealer(field.purpose) for field in fields
        }

    def seal(self, customer: dict[str, Any] | None) -> dict[str, Any] | None:
        if not customer:
            return customer
        return {name: self._sealers[name].seal(value) for name, value in customer.items()}

    def open(self, customer: dict[str, Any] | None) -> dict[str, Any] | None:
        """The customer as given; a value stored before it was sealed is read as it is."""
        if not customer:
            return customer
        return {name: self._sealers[name].open_field(value) for name, value in customer.items()}
