"""Money: an integer count of minor units plus an ISO-4217 currency code. Never a float.

`Money(amount=10050, currency="INR")` is ₹100.50; `Money(amount=500, currency="JPY")` is ¥500.
"""

from __future__ import annotations

from decimal import (
    Context,
    Decimal,
    DecimalException,
    Inexact,
    InvalidOperation,
    Overflow,
    Underflow,
)
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

# ISO-4217 minor-unit exponents of the circulating currencies. Fund codes and metals are left out:
# nobody pays with them.
_ZERO_DECIMAL = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE_DECIMAL = "BHD IQD JOD KWD LYD OMR TND"
_TWO_DECIMAL = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD "
    "CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP "
    "GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD "
    "LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB "
    "PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC "
    "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
)

CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_TWO_DECIMAL.split(), 2),
    **dict.fromkeys(_ZERO_DECIMAL.split(), 0),
    **dict.fromkeys(_THREE_DECIMAL.split(), 3),
}

# Large enough for any real payment in any currency, small enough to stay exact in a JSON
# number read by JavaScript (2**53) and in a MongoDB int64.
MAX_MINOR_UNITS = 10**15

# Scaling that would round, overflow or underflow raises rather than parse a nearby amount.
_EXACT = Context(traps=[InvalidOperation, Overflow, Underflow, Inexact])

MinorUnits = Annotated[StrictInt, Field(ge=0, le=MAX_MINOR_UNITS)]
PositiveMinorUnits = Annotated[StrictInt, Field(gt=0, le=MAX_MINOR_UNITS)]


class UnknownCurrency(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r} is not a supported ISO-4217 currency code")
        self.code = code


def currency_exponent(code: str) -> int:
    try:
        return CURRENCY_EXPONENTS[code]
    except KeyError:
        raise UnknownCurrency(code) from None


def normalize_currency(code: str) -> str:
    upper = code.strip().upper()
    currency_exponent(upper)
    return upper


def to_major(amount: int, currency: str) -> Decimal:
    """The amount as an exact decimal in major units, for display: 10050 INR -> 100.50."""
    exponent = currency_exponent(currency)
    return Decimal(amount).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


def from_major(value: str | Decimal, currency: str) -> int:
    """Parses a major-unit decimal ("100.50") into minor units, refusing sub-minor precision."""
    exponent = currency_exponent(currency)
    try:
        minor = _EXACT.scaleb(Decimal(value), exponent)
    except DecimalException:
        raise ValueError(f"{value!r} is not an exact decimal amount") from None
    if not minor.is_finite() or abs(minor) > MAX_MINOR_UNITS:
        raise ValueError(f"{value!r} is not an amount Expe can hold in {currency}")
    if minor != minor.to_integral_value():
        raise ValueError(f"{value} has more than {exponent} decimal places for {currency}")
    return int(minor)


def format_money(amount: int, currency: str) -> str:
    return f"{to_major(amount, currency)} {currency}"


class Money(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: MinorUnits
    currency: str

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        return normalize_currency(value)

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)
