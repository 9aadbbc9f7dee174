"""Every rule a campaign's settings obey, with the one wording of each problem: the dashboard's
form and the owner API parse their own input, then call these, so they accept the same campaigns.
Pure: no Starlette, no storage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from shareback import codes, fraud, money
from shareback.code_pool import POOL_CODE
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.rewards import REWARD_TYPES, InvalidReward, RewardSpec
from shareback.urls import endpoint_problem, origin_of, url_message, url_problem

# 1 to 64 of a-z, 0-9 and "-", not starting or ending with "-": it is the script tag's data-campaign.
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED_SLUGS = frozenset({"new"})  # /admin/campaigns/new is the dashboard's form
MAX_TEXT = 100
MAX_ORIGINS = 50
# scheme://host[:port] as browsers send it in the Origin header: lower case, no path.
ORIGIN_PATTERN = re.compile(
    r"^https?://([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$"
)
FULFILMENTS = ("link", "shared_code", "pool", "generated")
DEFAULT_SHOP_NAME = "our shop"
DEFAULT_CURRENCY = "EUR"
DEFAULT_NEW_CUSTOMERS_ONLY = True
DEFAULT_FULFILMENT = "link"
DEFAULT_PREFIX = "WELCOME"
DEFAULT_MIN_ORDER_MINOR = 1  # one cent (or yen): an order worth nothing earns nothing
LANDING_EXAMPLE = "https://shop.example/"
VALIDATION_EXAMPLE = "https://shop.example/shareback/validate"
TEXTS = {
    "name": N_("Enter a name for the campaign."),
    "shop_name": N_("Enter your shop's name as shoppers know it."),
}
REWARD_EXAMPLES = {
    "percent_discount": N_("10 for 10 percent off"),
    "fixed_discount": N_("5.00 for 5.00 off"),
    "credit": N_("5.00 for 5.00 credit"),
    "coupon": N_("the coupon's value, such as 10"),
    "points": N_("100 for 100 points"),
    "cash": N_("5.00 for 5.00 paid out"),
    "custom": N_("what the gift is worth, such as 0"),
}


class InvalidCampaign(ValueError):
    """One field's problem; `code` is the API's public error code."""

    def __init__(self, field: str, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code or f"invalid_{field}"


@dataclass(frozen=True)
class DayRange:
    field: str
    lowest: int
    highest: int
    default: int

    @property
    def message(self) -> str:
        return _("Enter a whole number of days from %(lowest)s to %(highest)s.") % {
            "lowest": self.lowest,
            "highest": self.highest,
        }

    def check(self, days: int | None) -> int:
        """None is what an adapter passes for input that is no whole number at all."""
        if days is None or not self.lowest <= days <= self.highest:
            raise InvalidCampaign(self.field, self.message)
        return days


ATTRIBUTION_DAYS = DayRange("attribution_days", 1, 365, 30)
HOLD_DAYS = DayRange("hold_days", 0, 365, 14)


def slug(value: str) -> str:
    if not SLUG_PATTERN.fullmatch(value):
        raise InvalidCampaign(
            "slug",
            _(
                "Use 1 to 64 lower-case letters, digits and dashes, starting and ending with a "
                "letter or digit, such as summer-2025."
            ),
        )
    if value in RESERVED_SLUGS:
        raise InvalidCampaign(
            "slug", _("“%(value)s” is reserved; choose another slug.") % {"value": value}
        )
    return value


def text(field: str, value: str) -> str:
    """A name shoppers or the owner read: one line of at most MAX_TEXT characters."""
    found = value.strip()
    if not found:
        raise InvalidCampaign(field, _(TEXTS[field]))
    if len(found) > MAX_TEXT:
        raise InvalidCampaign(field, _("Keep it to %(num)s characters.") % {"num": MAX_TEXT})
    if not found.isprintable():
        raise InvalidCampaign(field, _("Keep it to one line, without control characters."))
    return found


def landing_url(value: str) -> str:
    """Where referral links land; its own query and #fragment are kept by the redirect."""
    problem = url_problem(value, fragment_allowed=True)
    if problem:
        raise InvalidCampaign("landing_url", url_message(problem, LANDING_EXAMPLE))
    return value


def validation_url(value: str | None, allow_http: bool = False) -> str | None:
    """The shop's endpoint that decides each due reward; None approves when the hold ends."""
    problem = endpoint_problem(value, allow_http=allow_http) if value is not None else None
    if problem:
        raise InvalidCampaign("validation_url", url_message(problem, VALIDATION_EXAMPLE))
    return value


def origin(value: str) -> str:
    """One origin, in lower case as browsers send it."""
    candidate = value.lower()
    found = ORIGIN_PATTERN.fullmatch(candidate) if len(candidate) <= 300 else None
    port = found.group(3) if found else None
    if found is None or (port is not None and not 0 < int(port[1:]) <= 65535):
        shown = value[:77] + "..." if len(value) > 80 else value
        raise InvalidCampaign(
            "allowed_origins",
            _(
                "“%(value)s” is not an origin: give the scheme, host and port (if any) only, "
                "with no path or trailing slash, such as https://shop.example."
            )
            % {"value": shown},
        )
    return candidate


def allowed_origins(values: Sequence[str], landing: str | None = None) -> tuple[str, ...]:
    """The sites that may embed the widget: at least one, at most MAX_ORIGINS given, each kept
    once."""
    if len(values) > MAX_ORIGINS:
        raise InvalidCampaign(
            "allowed_origins", _("At most %(num)s origins per campaign.") % {"num": MAX_ORIGINS}
        )
    found = tuple(dict.fromkeys(origin(value) for value in values))
    if not found:
        example = origin_of(landing) if landing else "https://shop.example"
        raise InvalidCampaign(
            "allowed_origins",
            _("Add the origin of every site that shows the widget, such as %(example)s.")
            % {"example": example},
        )
    return found


def currency(value: str) -> str:
    """A currency in use (CLDR's data): XXX, XTS, funds codes and metals cannot book rewards."""
    found = value.strip().upper()
    if not money.CURRENCY_PATTERN.fullmatch(found):
        raise InvalidCampaign("currency", _("Use a three-letter currency code, such as EUR."))
    if not money.is_currency(found):
        raise InvalidCampaign(
            "currency",
            _("%(code)s is not a currency in use; use one such as EUR, USD or GBP.")
            % {"code": found},
        )
    return found


def min_order(value: str, currency: str) -> int:
    """The smallest order, in the campaign's currency, that earns rewards, as minor units.
    Blank is the default: one minor unit (0.01 EUR, 1 JPY), so a zero-value order earns
    nothing; 0 lets every order earn."""
    amount = value.strip().replace(",", ".")  # 2,50 is how the Dutch write it
    if not amount:
        return DEFAULT_MIN_ORDER_MINOR
    try:
        return money.to_minor(amount, currency)
    except money.InvalidAmount:
        raise InvalidCampaign(
            "min_order",
            _(
                "Enter the smallest order that earns rewards as an amount in %(currency)s with "
                "at most %(places)s decimals, such as %(example)s; 0 lets every order earn."
            )
            % {
                "currency": currency,
                "places": money.exponent(currency),
                "example": money.from_minor(1, currency),
            },
        ) from None


def reward(field: str, kind: str, value: str, currency: str) -> RewardSpec:
    """A side's reward; a fixed amount must fit the currency's minor unit."""
    if kind not in REWARD_TYPES:
        raise InvalidCampaign(
            field, _("Choose a kind of reward: %(kinds)s.") % {"kinds": ", ".join(REWARD_TYPES)}
        )
    if kind == "cash" and field == "friend_reward":
        raise InvalidCampaign(
            field,
            _(
                "Cash is paid to advocates' bank accounts; give the friend a discount, credit, "
                "a coupon or a gift."
            ),
        )
    amount = value.strip()
    if not amount:
        raise InvalidCampaign(field, _("Enter the reward's value."))
    try:
        number = Decimal(amount) if len(amount) <= 32 else Decimal("NaN")
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InvalidCampaign(
            field, _("Enter a number, such as %(example)s.") % {"example": _(REWARD_EXAMPLES[kind])}
        )
    try:
        spec = RewardSpec(kind, amount, currency)
        if kind in ("fixed_discount", "credit", "cash"):
            money.to_minor(amount, currency)
    except InvalidReward as exc:
        raise InvalidCampaign(field, str(exc)[0].upper() + str(exc)[1:] + ".") from None
    except money.InvalidAmount:
        raise InvalidCampaign(
            field,
            _("Use at most %(places)s decimals for %(currency)s.")
            % {"places": money.exponent(currency), "currency": currency},
        ) from None
    return spec


def period(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise InvalidCampaign("ends_at", _("The end must be after the start."))


def fulfilment(value: str) -> str:
    if value not in FULFILMENTS:
        raise InvalidCampaign(
            "friend_fulfilment",
            _("Choose how friends get their offer: %(modes)s.") % {"modes": ", ".join(FULFILMENTS)},
        )
    return value


def friend_code(value: str | None) -> str | None:
    """The code every friend gets with shared_code; the stand-in of pool and generated."""
    found = (value or "").strip()
    if found and not POOL_CODE.fullmatch(found):
        raise InvalidCampaign(
            "friend_code", _("Use 3 to 64 letters, digits, - or _, such as WELCOME10.")
        )
    return found or None


def code_prefix(value: str) -> str:
    found = value.strip().upper()
    if not codes.PREFIX_PATTERN.fullmatch(found):
        raise InvalidCampaign(
            "friend_code_prefix",
            _(
                "Use 1 to 12 letters and digits, starting with a letter, such as WELKOM (codes "
                "then look like WELKOM-7KQ2XM)."
            ),
        )
    return found


def shared_code_given(mode: str, code: str | None) -> None:
    """shared_code without a code would give friends nothing to type."""
    if mode == "shared_code" and code is None:
        raise InvalidCampaign(
            "friend_code",
            _("Enter the code every friend gets, such as WELCOME10."),
            "missing_friend_code",
        )


FRAUD_LIMITS = {"daily_limit": fraud.MAX_DAILY_LIMIT, "reward_cap": fraud.MAX_REWARD_CAP}
FRAUD_FIELDS = (*fraud.ACTION_RULES, *FRAUD_LIMITS)


def fraud_action(field: str, value: str) -> str:
    """What a fraud rule does when it fires: allow (the rule is off), review or refuse."""
    if value not in fraud.ACTIONS:
        raise InvalidCampaign(field, _("Choose allow (off), review (hold for a person) or refuse."))
    return value


def fraud_limit(field: str, value: int | None) -> int:
    """None is what an adapter passes for input that is no whole number at all."""
    highest = FRAUD_LIMITS[field]
    if value is None or not 0 <= value <= highest:
        raise InvalidCampaign(
            field,
            _("Enter a whole number from 0 (no limit) to %(highest)s.") % {"highest": highest},
        )
    return value
