"""The sandbox processors: documented test card numbers and UPI QR payloads.

Test cards (any future expiry, any 3-4 digit CVC):
    4242 4242 4242 4242   succeeds (so does any other Luhn-valid number)
    4000 0000 0000 0002   card_declined
    4000 0000 0000 9995   insufficient_funds
    4000 0000 0000 0069   expired_card (as does any card whose expiry has passed)
    4000 0000 0000 0127   incorrect_cvc
    4000 0000 0000 0119   processing_error
    4000 0000 0000 0259   succeeds, then the card network opens a dispute (fraudulent)
A number failing the Luhn check is refused (400 card_number_invalid) without touching the payment.

The card's issuer country, which analytics reports, is the United States for every number but
these (each succeeds):
    4000 0035 6000 0008   IN        4000 0082 6000 0000   GB
    4000 0027 6000 0016   DE        4000 0039 2000 0003   JP
    4000 0007 6000 0002   BR        4000 0003 6000 0006   AU

Card numbers are used here and never stored: a payment keeps the brand, the last four digits
and a fingerprint (HMAC-SHA256 of the number with the internal secret).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from shared.money import to_major

SUCCESS = "4242424242424242"
# Numbers that decline, with their decline code.
DECLINING: dict[str, str] = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
}

# Numbers whose payments succeed and are then disputed, with the dispute's reason.
DISPUTING: dict[str, str] = {"4000000000000259": "fraudulent"}


# Issuer countries of the sandbox's test cards (ISO 3166-1 alpha-2).
ISSUER_COUNTRIES: dict[str, str] = {
    "4000003560000008": "IN",
    "4000008260000000": "GB",
    "4000002760000016": "DE",
    "4000003920000003": "JP",
    "4000000760000002": "BR",
    "4000000360000006": "AU",
}


def issuer_country(number: str) -> str:
    return ISSUER_COUNTRIES.get(number, "US")


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"34", "37"}:
        return "amex"
    if 51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720:
        return "mastercard"
    if number[:2] in {"60", "65", "81", "82"} or number.startswith("508"):
        return "rupay"
    return "unknown"


def fingerprint(number: str, secret: str) -> str:
    return hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()


def card_details(number: str, exp_month: int, exp_year: int, secret: str) -> dict[str, Any]:
    """What a payment, or a saved card, keeps of a card: never its number or security code."""
    return {
        "brand": brand_of(number),
        "last4": number[-4:],
        "expMonth": exp_month,
        "expYear": exp_year,
        "fingerprint": fingerprint(number, secret),
        "country": issuer_country(number),
    }


def card_expired(exp_month: int, exp_year: int, now: datetime) -> bool:
    """A card is good to the end of its expiry month."""
    return (exp_year, exp_month) < (now.year, now.month)


@dataclass(frozen=True)
class CardOutcome:
    approved: bool
    decline_code: str | None = None
    # The reason of the dispute the card network opens after the payment succeeds.
    dispute_reason: str | None = None


def charge_card(number: str, exp_month: int, exp_year: int, cvc: str, now: datetime) -> CardOutcome:
    """What the sandbox processor answers for a (Luhn-valid) card."""
    del cvc  # the sandbox declines a wrong code by card number only
    if card_expired(exp_month, exp_year, now):
        return CardOutcome(False, "expired_card")
    code = DECLINING.get(number)
    return CardOutcome(False, code) if code else CardOutcome(True, None, DISPUTING.get(number))


def upi_payload(*, payee: str, payment_id: str, amount: int, currency: str, note: str) -> str:
    """A `upi://pay` URI a UPI app scans: payee, amount in major units, reference, note."""
    query = urlencode(
        {
            "pa": payee,
            "pn": "Expe",
            "am": str(to_major(amount, currency)),
            "cu": currency,
            "tr": payment_id,
            "tn": note[:50],
        }
    )
    return f"upi://pay?{query}"
