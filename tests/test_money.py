"""Money parsing: minor units from CLDR/ISO 4217, Stripe's own integer rules, and refusals
(floats, overflowing or absurd decimals, codes that are not currencies), with Hypothesis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st
from shareback import money

EXPONENT_EXAMPLES = {"EUR": 2, "JPY": 0, "XOF": 0, "XAF": 0, "OMR": 3, "KWD": 3, "HUF": 2}
BY_EXPONENT = {0: "XOF", 2: "EUR", 3: "OMR", 4: "UYW"}
currencies = st.sampled_from(sorted(money.currencies()))


@pytest.mark.parametrize(("currency", "places"), EXPONENT_EXAMPLES.items())
def test_iso_minor_units(currency: str, places: int) -> None:
    assert money.exponent(currency) == places


def test_iso_corrections_are_only_where_cldr_has_fewer_digits() -> None:
    """The table above CLDR stays minimal: each entry still differs from Babel's data."""
    for code, places in money.ISO_MINOR_UNITS_ABOVE_CLDR.items():
        assert get_currency_precision(code) < places, code


@pytest.mark.parametrize(
    "code", ["XXX", "XTS", "XAU", "XDR", "USN", "BOV", "CLF", "UYI", "DEM", "ABC", "EU", "€€€"]
)
def test_codes_that_are_no_currency_are_refused(code: str) -> None:
    with pytest.raises(money.InvalidCurrency):
        money.currency_code(code)


def test_currencies_in_use_are_known_in_any_case() -> None:
    assert money.currency_code(" eur ") == "EUR"
    assert {"EUR", "USD", "HUF", "IDR", "XOF", "OMR", "ISK", "UGX", "TWD"} <= money.currencies()


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (5000, "XOF", 5000),  # Stripe's 5000 XOF is 5000 francs, not 50.00
        (12340, "OMR", 12340),  # 12.340 rials
        (500, "ISK", 5),  # ISK is two-decimal in Stripe's API, by backwards compatibility
        (500, "UGX", 5),
        (2500000, "HUF", 2500000),  # HUF and TWD are two-decimal for charges
        (199, "TWD", 199),
        (5000, "JPY", 5000),
        (5990, "EUR", 5990),
    ],
)
def test_stripe_amounts(amount: int, currency: str, minor: int) -> None:
    assert money.from_stripe(amount, currency) == minor


def test_a_stripe_amount_finer_than_the_currency_is_refused() -> None:
    with pytest.raises(money.InvalidAmount):
        money.from_stripe(550, "ISK")


def test_three_decimals_for_omr_from_a_decimal_string() -> None:
    assert money.to_minor("12.345", "OMR") == 12345
    assert money.from_minor(12345, "OMR") == "12.345"


@given(st.sampled_from(sorted(BY_EXPONENT)), st.integers(0, money.MAX_MINOR))
def test_from_minor_and_back_is_the_same_amount(places: int, minor: int) -> None:
    currency = BY_EXPONENT[places]
    text = money.from_minor(minor, currency)
    assert money.to_minor(text, currency) == minor
    assert len(text.partition(".")[2]) == places


@given(currencies, st.integers(0, money.MAX_MINOR))
def test_every_currency_round_trips(currency: str, minor: int) -> None:
    assert money.to_minor(money.from_minor(minor, currency), currency) == minor


@given(currencies, st.decimals(allow_nan=False, allow_infinity=False, min_value=0, places=6))
def test_to_minor_is_exact_or_refuses(currency: str, amount: Decimal) -> None:
    """Never rounds: either the amount is exactly representable, or it is refused."""
    try:
        minor = money.to_minor(str(amount), currency)
    except money.InvalidAmount:
        places = money.exponent(currency)
        too_large = amount.scaleb(places) > money.MAX_MINOR
        assert too_large or amount != amount.quantize(Decimal(1).scaleb(-places))
        return
    assert Decimal(minor).scaleb(-money.exponent(currency)) == amount


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_refused(amount: float) -> None:
    with pytest.raises(money.InvalidAmount):
        money.to_minor(amount, "EUR")


@given(st.integers(min_value=15, max_value=999_999_999), st.sampled_from(["", "-", "+"]))
def test_absurd_exponents_are_refused_not_overflowed(power: int, sign: str) -> None:
    """1e999999 once raised decimal.Overflow (a 500); now every such amount is InvalidAmount."""
    with pytest.raises(money.InvalidAmount):
        money.to_minor(f"1e{sign}{power}", "EUR")


@given(st.text(max_size=60))
def test_any_text_is_an_amount_or_invalid(text: str) -> None:
    try:
        minor = money.to_minor(text, "EUR")
    except money.InvalidAmount:
        return
    assert 0 <= minor <= money.MAX_MINOR


@given(st.integers(min_value=money.MAX_MINOR + 1))
def test_too_large_amounts_are_refused(minor: int) -> None:
    with pytest.raises(money.InvalidAmount):
        money.to_minor(minor, "JPY")


def test_overlong_decimals_given_as_json_numbers_are_refused() -> None:
    with pytest.raises(money.InvalidAmount):
        money.to_minor(Decimal("1." + "0" * 60 + "1"), "EUR")
    with pytest.raises(money.InvalidAmount):
        money.to_minor(Decimal("9" * 5000), "EUR")


@given(st.integers(0, 10**6), st.sampled_from(sorted(BY_EXPONENT.values())))
def test_a_minimum_in_another_currency_is_never_lower(minor: int, target: str) -> None:
    moved = money.minor_at_least(minor, "EUR", target)
    assert Decimal(moved).scaleb(-money.exponent(target)) >= Decimal(minor).scaleb(-2)
    assert money.minor_at_least(1, "EUR", target) >= 1
