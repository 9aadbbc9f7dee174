"""The campaign form: its values from a campaign, and every field checked with a message beside it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from shareback import codes, money
from shareback.code_pool import POOL_CODE
from shareback.outgoing.validation import new_validation_secret
from shareback.rewards import REWARD_TYPES, InvalidReward, RewardSpec
from shareback.settings import origin_of
from shareback.storage.base import Campaign, CampaignChanges, CampaignDraft

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MAX_ORIGINS = 20
LOCAL_TIME = "%Y-%m-%dT%H:%M"  # what <input type=datetime-local> sends
SIDES = ("referrer", "friend")
# How the friend gets the offer (the API's friend_fulfilment values), as the form offers them.
FULFILMENTS = {
    "link": (
        "Through the link",
        "The discount follows the friend's referral link; your checkout reads the "
        "shareback_ref cookie.",
    ),
    "shared_code": (
        "One shared code",
        "Every friend gets the same code, such as WELCOME10; create it once in your shop.",
    ),
    "pool": (
        "A code from your pool",
        "Each friend gets a code of their own from a list you upload below (create the same "
        "codes in your shop).",
    ),
    "generated": (
        "A generated code",
        "Shareback makes a code per friend, such as WELCOME-7KQ2XM; create each one when the "
        "friend_code.issued event arrives.",
    ),
}
DEFAULT_PREFIX = "WELCOME"
KEPT_WHEN_MISSING = ("friend_fulfilment", "friend_code", "friend_code_prefix", "validation_url")


@dataclass(frozen=True)
class ValidCampaign:
    name: str
    shop_name: str
    landing_url: str
    allowed_origins: tuple[str, ...]
    referrer_reward: RewardSpec
    friend_reward: RewardSpec
    attribution_days: int
    hold_days: int
    new_customers_only: bool
    starts_at: datetime | None
    ends_at: datetime | None
    friend_fulfilment: str = "link"
    friend_code: str | None = None
    friend_code_prefix: str = DEFAULT_PREFIX
    validation_url: str | None = None

    def draft(self, slug: str) -> CampaignDraft:
        return CampaignDraft(
            slug=slug,
            name=self.name,
            shop_name=self.shop_name,
            landing_url=self.landing_url,
            allowed_origins=self.allowed_origins,
            referrer_reward=self.referrer_reward,
            friend_reward=self.friend_reward,
            attribution_days=self.attribution_days,
            hold_days=self.hold_days,
            new_customers_only=self.new_customers_only,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            friend_fulfilment=self.friend_fulfilment,
            friend_code=self.friend_code,
            friend_code_prefix=self.friend_code_prefix,
            validation_url=self.validation_url,
            validation_secret=new_validation_secret(),
        )

    def changes(self) -> CampaignChanges:
        return CampaignChanges(
            name=self.name,
            shop_name=self.shop_name,
            landing_url=self.landing_url,
            allowed_origins=self.allowed_origins,
            referrer_reward=self.referrer_reward,
            friend_reward=self.friend_reward,
            attribution_days=self.attribution_days,
            hold_days=self.hold_days,
            new_customers_only=self.new_customers_only,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            clear_starts_at=self.starts_at is None,
            clear_ends_at=self.ends_at is None,
            friend_fulfilment=self.friend_fulfilment,
            friend_code=self.friend_code,
            clear_friend_code=self.friend_code is None,
            friend_code_prefix=self.friend_code_prefix,
            validation_url=self.validation_url,
            clear_validation_url=self.validation_url is None,
            # Only used when the campaign has none yet: the shop already checks with the old one.
            validation_secret=new_validation_secret() if self.validation_url else None,
        )


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime(LOCAL_TIME) if moment else ""


def blank_values(shop_name: str = "", landing_url: str = "") -> dict[str, str]:
    return {
        "slug": "",
        "name": "",
        "shop_name": shop_name,
        "landing_url": landing_url,
        "allowed_origins": origin_of(landing_url) if landing_url else "",
        "referrer_reward_type": "credit",
        "referrer_reward_value": "5.00",
        "friend_reward_type": "percent_discount",
        "friend_reward_value": "10",
        "currency": "EUR",
        "attribution_days": "30",
        "hold_days": "14",
        "new_customers_only": "on",
        "starts_at": "",
        "ends_at": "",
        "friend_fulfilment": "link",
        "friend_code": "",
        "friend_code_prefix": DEFAULT_PREFIX,
        "validation_url": "",
    }


def campaign_values(campaign: Campaign) -> dict[str, str]:
    return {
        "slug": campaign.slug,
        "name": campaign.name,
        "shop_name": campaign.shop_name,
        "landing_url": campaign.landing_url,
        "allowed_origins": "\n".join(campaign.allowed_origins),
        "referrer_reward_type": campaign.referrer_reward.type,
        "referrer_reward_value": campaign.referrer_reward.value,
        "friend_reward_type": campaign.friend_reward.type,
        "friend_reward_value": campaign.friend_reward.value,
        "currency": campaign.referrer_reward.currency,
        "attribution_days": str(campaign.attribution_days),
        "hold_days": str(campaign.hold_days),
        "new_customers_only": "on" if campaign.new_customers_only else "",
        "starts_at": local_time(campaign.starts_at),
        "ends_at": local_time(campaign.ends_at),
        "friend_fulfilment": campaign.friend_fulfilment,
        "friend_code": campaign.friend_code or "",
        "friend_code_prefix": campaign.friend_code_prefix,
        "validation_url": campaign.validation_url or "",
    }


def submitted_values(
    form: Mapping[str, object], saved: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What the owner typed, to show again beside the errors (never more than a field holds).
    The friend's code and validation fields keep their saved values when a form leaves them out."""
    kept = saved or blank_values()
    values = {name: str(form.get(name) or "")[:2000].strip() for name in blank_values()}
    for name in KEPT_WHEN_MISSING:
        if form.get(name) is None:
            values[name] = kept[name]
    values["new_customers_only"] = "on" if form.get("new_customers_only") else ""
    return values


def check_slug(value: str) -> str | None:
    if not SLUG_PATTERN.match(value):
        return "Use 1 to 64 lower-case letters, digits and dashes, such as summer-2025."
    return None


def check_text(value: str, what: str, max_length: int = 100) -> str | None:
    if not value:
        return f"Enter {what}."
    if len(value) > max_length:
        return f"Keep it to {max_length} characters."
    return None


def check_url(value: str, example: str = "https://shop.example/") -> str | None:
    message = f"Enter a full address that starts with https://, such as {example}."
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return message
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(value) > 2000
        or not value.isprintable()
        or " " in value
    ):
        return message
    if parts.username or parts.password:
        return "Leave out the user name and password."
    return None


def parse_origins(text: str, landing_url: str = "") -> tuple[tuple[str, ...], str | None]:
    """Origins one per line (commas and spaces also separate); a trailing slash is forgiven."""
    found: list[str] = []
    for raw in text.replace(",", " ").split():
        candidate = raw.rstrip("/")
        parts = urlsplit(candidate)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
        ):
            return (), (
                f"“{raw[:80]}” is not an origin: give the scheme and host only, "
                "such as https://shop.example."
            )
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in found:
            found.append(origin)
    if not found:
        example = origin_of(landing_url) if landing_url else "https://shop.example"
        return (), f"Add the origin of every site that shows the widget, such as {example}."
    if len(found) > MAX_ORIGINS:
        return (), f"At most {MAX_ORIGINS} origins per campaign."
    return tuple(found), None


def check_days(value: str, lowest: int, highest: int) -> tuple[int, str | None]:
    if not value.isdigit() or not lowest <= int(value) <= highest:
        return 0, f"Enter a whole number of days from {lowest} to {highest}."
    return int(value), None


def check_reward(kind: str, value: str, currency: str) -> tuple[RewardSpec | None, str | None]:
    if kind not in REWARD_TYPES:
        return None, "Choose a kind of reward."
    if not value:
        return None, "Enter the reward's value."
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        examples = {
            "percent_discount": "10 for 10% off",
            "fixed_discount": "5.00 for 5.00 off",
            "credit": "5.00 for 5.00 credit",
            "coupon": "the coupon's value, such as 10",
            "points": "100 for 100 points",
        }
        return None, f"Enter a number, such as {examples[kind]}."
    text = value.replace(",", ".")
    try:
        spec = RewardSpec(kind, text, currency)
        if kind in ("fixed_discount", "credit"):
            money.to_minor(text, currency)
    except InvalidReward as exc:
        return None, str(exc)[0].upper() + str(exc)[1:] + "."
    except money.InvalidAmount:
        return None, f"Use at most {money.exponent(currency)} decimals for {currency}."
    return spec, None


def check_fulfilment(
    mode: str, shared_code: str, prefix: str
) -> tuple[str | None, str, dict[str, str]]:
    """The friend's code fields, as the owner's API checks them: (shared code, prefix, errors)."""
    errors: dict[str, str] = {}
    if mode not in FULFILMENTS:
        errors["friend_fulfilment"] = "Choose how friends get their offer."
    if shared_code and not POOL_CODE.match(shared_code):
        errors["friend_code"] = "Use 3 to 64 letters, digits, - or _, such as WELCOME10."
    elif not shared_code and mode == "shared_code":
        errors["friend_code"] = "Enter the code every friend gets, such as WELCOME10."
    if not codes.PREFIX_PATTERN.match(prefix.upper()):
        errors["friend_code_prefix"] = (
            "Use 1 to 12 letters and digits, starting with a letter, such as WELKOM."
        )
    return shared_code or None, prefix.upper(), errors


def check_moment(value: str) -> tuple[datetime | None, str | None]:
    if not value:
        return None, None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, "Pick a date and time (YYYY-MM-DD HH:MM, in UTC)."
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)), None


def validate(values: Mapping[str, str]) -> tuple[ValidCampaign | None, dict[str, str]]:
    """Every field is checked, so the owner sees all problems at once."""
    errors: dict[str, str] = {}

    def note(field: str, error: str | None) -> None:
        if error:
            errors[field] = error

    name, shop_name, landing = values["name"], values["shop_name"], values["landing_url"]
    note("name", check_text(name, "a name for the campaign"))
    note("shop_name", check_text(shop_name, "your shop's name as shoppers know it"))
    note("landing_url", check_url(landing))
    origins, origin_error = parse_origins(values["allowed_origins"], landing)
    note("allowed_origins", origin_error)
    currency = values["currency"].upper()
    if not money.CURRENCY_PATTERN.match(currency):
        errors["currency"] = "Use a three-letter currency code, such as EUR."
        currency = "EUR"
    specs: dict[str, RewardSpec | None] = {}
    for side in SIDES:
        spec, error = check_reward(
            values[f"{side}_reward_type"], values[f"{side}_reward_value"], currency
        )
        specs[side] = spec
        note(f"{side}_reward_value", error)
    attribution, error = check_days(values["attribution_days"], 1, 365)
    note("attribution_days", error)
    hold, error = check_days(values["hold_days"], 0, 365)
    note("hold_days", error)
    starts_at, error = check_moment(values["starts_at"])
    note("starts_at", error)
    ends_at, error = check_moment(values["ends_at"])
    note("ends_at", error)
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "The end must be after the start."
    shared_code, prefix, code_errors = check_fulfilment(
        values["friend_fulfilment"], values["friend_code"], values["friend_code_prefix"]
    )
    errors.update(code_errors)
    callback = values["validation_url"] or None
    if callback:
        note("validation_url", check_url(callback, "https://shop.example/shareback/validate"))
    referrer, friend = specs["referrer"], specs["friend"]
    if errors or referrer is None or friend is None:
        return None, errors
    return ValidCampaign(
        name=name,
        shop_name=shop_name,
        landing_url=landing,
        allowed_origins=origins,
        referrer_reward=referrer,
        friend_reward=friend,
        attribution_days=attribution,
        hold_days=hold,
        new_customers_only=values["new_customers_only"] == "on",
        starts_at=starts_at,
        ends_at=ends_at,
        friend_fulfilment=values["friend_fulfilment"],
        friend_code=shared_code,
        friend_code_prefix=prefix,
        validation_url=callback,
    ), {}
