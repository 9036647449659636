from decimal import Decimal

import pytest
from pydantic import ValidationError

from shared.money import (
    MAX_MINOR_UNITS,
    Money,
    UnknownCurrency,
    currency_exponent,
    format_money,
    from_major,
    to_major,
)


@pytest.mark.parametrize(
    ("currency", "exponent"), [("INR", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3)]
)
def test_currency_exponents_follow_iso_4217(currency: str, exponent: int) -> None:
    assert currency_exponent(currency) == exponent


def test_display_is_exact_to_the_last_minor_unit() -> None:
    assert to_major(10050, "INR") == Decimal("100.50")
    assert format_money(1, "INR") == "0.01 INR"
    assert format_money(500, "JPY") == "500 JPY"
    assert format_money(1234, "BHD") == "1.234 BHD"


def test_parsing_major_units_refuses_sub_minor_precision() -> None:
    assert from_major("100.50", "INR") == 10050
    assert from_major("0.1", "INR") + from_major("0.2", "INR") == from_major("0.3", "INR")
    with pytest.raises(ValueError, match="decimal places"):
        from_major("1.005", "INR")
    with pytest.raises(ValueError, match="decimal places"):
        from_major("1.5", "JPY")


def test_money_accepts_integer_minor_units_and_normalizes_currency() -> None:
    money = Money(amount=10050, currency="inr")
    assert (money.amount, money.currency, str(money)) == (10050, "INR", "100.50 INR")


@pytest.mark.parametrize("amount", [10.5, 10.0, "100", True, -1, MAX_MINOR_UNITS + 1], ids=repr)
def test_money_refuses_floats_strings_booleans_negative_and_huge(amount: object) -> None:
    with pytest.raises(ValidationError):
        Money(amount=amount, currency="INR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["XYZ", "", "RUPEE", "US"])
def test_unknown_currency_is_refused(currency: str) -> None:
    with pytest.raises(ValidationError, match="not a supported ISO-4217"):
        Money(amount=1, currency=currency)
    with pytest.raises(UnknownCurrency):
        currency_exponent(currency)
