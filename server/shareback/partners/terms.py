"""A programme's and a partner's settings as the owner gives them (API and dashboard alike):
checked once here, and the terms a partner's commission is reckoned on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from shareback import money
from shareback.partners.commission import BASES, Terms

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PLACEMENT = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
MAX_DAYS = 3650


class InvalidTerms(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ProgrammeSettings:
    name: str
    currency: str
    rate_bp: int
    basis: str
    window_days: int
    attribution_days: int
    hold_days: int


@dataclass(frozen=True)
class PartnerTerms:
    """A partner's own terms; None: the programme's."""

    rate_bp: int | None = None
    basis: str | None = None
    window_days: int | None = None


def rate_bp(value: object, field: str = "commission_percent") -> int:
    """ "10" or "7.5" (a percentage, at most two decimals) as basis points: 1000, 750."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > 12:
        raise InvalidTerms(field, 'Give the commission as a percentage such as "10" or "7.5".')
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidTerms(field, 'Give the commission as a percentage such as "10".') from None
    scaled = number * 100
    if not number.is_finite() or not 0 <= number <= 100 or scaled != scaled.to_integral_value():
        raise InvalidTerms(field, "The commission is 0 to 100 %, with at most two decimals.")
    return int(scaled)


def percent_text(bp: int) -> str:
    """1000 -> "10", 750 -> "7.5": the percentage as the API gives it back."""
    text = f"{Decimal(bp) / 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def days(value: object, field: str, *, least: int = 1) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_DAYS:
        raise InvalidTerms(field, f"{field} is a whole number of days, {least} to {MAX_DAYS}.")
    return value


def basis(value: object, field: str = "basis") -> str:
    if value not in BASES:
        raise InvalidTerms(field, "basis is first_order or every_order.")
    assert isinstance(value, str)
    return value


def programme_settings(data: dict[str, object], current: ProgrammeSettings) -> ProgrammeSettings:
    """The given fields checked and laid over the current settings."""
    name = data.get("name", current.name)
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise InvalidTerms("name", "name is 1 to 100 characters.")
    try:
        currency = money.currency_code(data.get("currency", current.currency))
    except money.InvalidCurrency as exc:
        raise InvalidTerms("currency", f"currency is an ISO 4217 code: {exc}.") from None
    rate = data.get("commission_percent")
    return ProgrammeSettings(
        name=" ".join(name.split()),
        currency=currency,
        rate_bp=current.rate_bp if rate is None else rate_bp(rate),
        basis=basis(data.get("basis", current.basis)),
        window_days=days(data.get("window_days", current.window_days), "window_days"),
        attribution_days=days(
            data.get("attribution_days", current.attribution_days), "attribution_days"
        ),
        hold_days=days(data.get("hold_days", current.hold_days), "hold_days", least=0),
    )


def partner_terms(data: dict[str, object]) -> PartnerTerms:
    """A partner's own terms; a field given as null (or left out) follows the programme."""
    rate = data.get("commission_percent")
    chosen = data.get("basis")
    window = data.get("window_days")
    return PartnerTerms(
        rate_bp=None if rate in (None, "") else rate_bp(rate),
        basis=None if chosen in (None, "") else basis(chosen),
        window_days=None if window in (None, "") else days(window, "window_days"),
    )


def terms_for(programme: ProgrammeSettings, partner: PartnerTerms) -> Terms:
    return Terms(
        rate_bp=programme.rate_bp if partner.rate_bp is None else partner.rate_bp,
        basis=programme.basis if partner.basis is None else partner.basis,
        window_days=programme.window_days if partner.window_days is None else partner.window_days,
        hold_days=programme.hold_days,
        currency=programme.currency,
    )


DEFAULT = ProgrammeSettings(
    name="Partners",
    currency="EUR",
    rate_bp=1000,
    basis="first_order",
    window_days=90,
    attribution_days=30,
    hold_days=30,
)


def placement_key(value: object) -> str | None:
    """instagram-bio: lower-case letters, digits and dashes; None for anything else."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    return key if PLACEMENT.fullmatch(key) else None


def coupon(value: object) -> str | None:
    """A partner's checkout code, upper case (ANNA15); None for anything not shaped like one."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if re.fullmatch(r"[A-Z0-9][A-Z0-9_-]{2,31}", code) else None
