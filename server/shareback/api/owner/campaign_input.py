"""A campaign from a JSON body, every field checked: a draft to create, or changes to make."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from shareback import codes, money
from shareback.api.owner.bodies import refuse_unknown_fields
from shareback.api.owner.params import iso_time
from shareback.code_pool import POOL_CODE
from shareback.errors import ApiError
from shareback.outgoing.validation import new_validation_secret
from shareback.rewards import REWARD_TYPES, InvalidReward, RewardSpec
from shareback.storage.base import Campaign, CampaignChanges, CampaignDraft

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ORIGIN = re.compile(r"^https?://([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$")
FIELDS = (
    "slug",
    "name",
    "shop_name",
    "landing_url",
    "allowed_origins",
    "currency",
    "referrer_reward",
    "friend_reward",
    "attribution_days",
    "hold_days",
    "new_customers_only",
    "starts_at",
    "ends_at",
    "friend_fulfilment",
    "friend_code",
    "friend_code_prefix",
    "validation_url",
)
MAX_ORIGINS = 50
FULFILMENTS = ("link", "shared_code", "pool", "generated")


def invalid(field: str, message: str, code: str | None = None) -> ApiError:
    return ApiError(422, code or f"invalid_{field}", message, field)


def text(body: dict[str, Any], name: str, max_length: int = 100) -> str:
    value = body[name]
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise invalid(name, f"{name} must be a non-empty string without control characters.")
    if len(value.strip()) > max_length:
        raise invalid(name, f"{name} is longer than {max_length} characters.")
    return value.strip()


def slug(body: dict[str, Any]) -> str:
    value = body["slug"]
    if not isinstance(value, str) or not SLUG.match(value):
        raise invalid(
            "slug",
            "slug must be 1 to 63 lowercase letters, digits and hyphens, starting with a letter "
            "or digit (it is the data-campaign of the script tag).",
        )
    return value


def landing_url(body: dict[str, Any], name: str = "landing_url") -> str:
    value = body[name]
    example = (
        "https://shop.example/welcome" if name == "landing_url" else "https://shop.example/hook"
    )
    message = f"{name} must be an absolute http:// or https:// URL, such as {example}."
    if not isinstance(value, str) or len(value) > 2000 or not value.isprintable() or " " in value:
        raise invalid(name, message)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise invalid(name, message) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid(name, message)
    if parts.username is not None or parts.password is not None:
        raise invalid(name, f"{name} may not carry a user name or password.")
    return value


def validation_url(body: dict[str, Any]) -> str | None:
    """The shop's endpoint that decides due rewards; null: approve when the hold period ends."""
    return None if body["validation_url"] is None else landing_url(body, "validation_url")


def origin(value: Any) -> str:
    found = ORIGIN.match(value.lower()) if isinstance(value, str) and len(value) <= 300 else None
    port = found.group(3) if found else None
    if found is None or (port is not None and not 0 < int(port[1:]) <= 65535):
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        raise invalid(
            "allowed_origins",
            "allowed_origins must be a list of origins as scheme://host[:port], such as "
            f"https://shop.example (no path, no trailing slash); {shown} is not one.",
        )
    return found.group(0)


def allowed_origins(body: dict[str, Any]) -> tuple[str, ...]:
    value = body["allowed_origins"]
    if not isinstance(value, list):
        raise invalid("allowed_origins", "allowed_origins must be a list of origins.")
    if len(value) > MAX_ORIGINS:
        raise invalid("allowed_origins", f"allowed_origins takes at most {MAX_ORIGINS} origins.")
    return tuple(dict.fromkeys(origin(item) for item in value))


def currency(body: dict[str, Any]) -> str:
    value = body["currency"]
    if not isinstance(value, str) or not money.CURRENCY_PATTERN.match(value.upper()):
        raise invalid("currency", "currency must be a three-letter ISO 4217 code, such as EUR.")
    return value.upper()


def reward(body: dict[str, Any], field: str, currency: str) -> RewardSpec:
    value = body[field]
    shape = f'{field} must be an object such as {{"type": "credit", "value": "5.00"}}.'
    if not isinstance(value, dict):
        raise invalid(field, shape)
    for key in value:
        if key not in ("type", "value", "currency"):
            raise invalid(field, f"{field} has an unknown field '{key}'; it takes type and value.")
    kind, amount = value.get("type"), value.get("value")
    if kind not in REWARD_TYPES:
        raise invalid(field, f"{field}.type must be one of {', '.join(REWARD_TYPES)}.")
    if isinstance(amount, int) and not isinstance(amount, bool):
        amount = str(amount)
    if not isinstance(amount, str) or len(amount) > 32:
        raise invalid(field, f'{field}.value must be a decimal string, such as "5.00" or "10".')
    if value.get("currency", currency) != currency:
        raise invalid(field, f"{field}.currency must be the campaign's currency, {currency}.")
    return spec(field, kind, amount.strip(), currency)


def spec(field: str, kind: str, amount: str, currency: str) -> RewardSpec:
    try:
        made = RewardSpec(kind, amount, currency)
        if kind in ("fixed_discount", "credit"):
            money.to_minor(amount, currency)
    except (InvalidReward, money.InvalidAmount) as exc:
        raise invalid(field, f"{field}: {exc}.") from None
    return made


def days(body: dict[str, Any], name: str, low: int, high: int) -> int:
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(name, f"{name} must be a whole number of days from {low} to {high}.")
    return value


def flag(body: dict[str, Any], name: str) -> bool:
    value = body[name]
    if not isinstance(value, bool):
        raise invalid(name, f"{name} must be true or false.")
    return value


def moment(body: dict[str, Any], name: str) -> datetime | None:
    value = body[name]
    if value is None:
        return None
    found = iso_time(value) if isinstance(value, str) and len(value) <= 40 else None
    if found is None:
        raise invalid(
            name, f"{name} must be an ISO 8601 time such as 2025-06-01T00:00:00Z, or null."
        )
    return found


def fulfilment(body: dict[str, Any]) -> str:
    value = body["friend_fulfilment"]
    if value not in FULFILMENTS:
        raise invalid(
            "friend_fulfilment", f"friend_fulfilment must be one of {', '.join(FULFILMENTS)}."
        )
    return str(value)


def friend_code(body: dict[str, Any]) -> str | None:
    value = body["friend_code"]
    if value is None:
        return None
    if not isinstance(value, str) or not POOL_CODE.match(value.strip()):
        raise invalid(
            "friend_code",
            "friend_code must be 3 to 64 letters, digits, - or _, such as WELCOME10, or null.",
        )
    return value.strip()


def code_prefix(body: dict[str, Any]) -> str:
    value = body["friend_code_prefix"]
    if not isinstance(value, str) or not codes.PREFIX_PATTERN.match(value.strip().upper()):
        raise invalid(
            "friend_code_prefix",
            "friend_code_prefix must be 1 to 12 letters and digits, starting with a letter, "
            "such as WELKOM (codes then look like WELKOM-7KQ2XM).",
        )
    return value.strip().upper()


def check_fulfilment(mode: str, shared: str | None) -> None:
    if mode == "shared_code" and shared is None:
        raise invalid(
            "friend_code",
            'friend_fulfilment "shared_code" needs friend_code: the code every friend gets.',
            "missing_friend_code",
        )


def check_period(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise invalid("ends_at", "ends_at must be after starts_at.")


def parse_draft(body: dict[str, Any], default_shop_name: str) -> CampaignDraft:
    refuse_unknown_fields(body, FIELDS)
    for name in ("slug", "name", "landing_url", "referrer_reward", "friend_reward"):
        if body.get(name) is None:
            raise invalid(name, f"{name} is required.", f"missing_{name}")
    given = {name for name, value in body.items() if value is not None}
    new_slug, name = slug(body), text(body, "name")
    shop_name = text(body, "shop_name") if "shop_name" in given else default_shop_name
    url = landing_url(body)
    parts = urlsplit(url)
    origins = (
        allowed_origins(body)
        if "allowed_origins" in given
        else (f"{parts.scheme}://{parts.netloc}".lower(),)
    )
    money_in = currency(body) if "currency" in given else "EUR"
    referrer = reward(body, "referrer_reward", money_in)
    friend = reward(body, "friend_reward", money_in)
    attribution = days(body, "attribution_days", 1, 365) if "attribution_days" in given else 30
    hold = days(body, "hold_days", 0, 365) if "hold_days" in given else 14
    new_only = flag(body, "new_customers_only") if "new_customers_only" in given else True
    starts_at = moment(body, "starts_at") if "starts_at" in given else None
    ends_at = moment(body, "ends_at") if "ends_at" in given else None
    check_period(starts_at, ends_at)
    mode = fulfilment(body) if "friend_fulfilment" in given else "link"
    shared = friend_code(body) if "friend_code" in given else None
    check_fulfilment(mode, shared)
    return CampaignDraft(
        slug=new_slug,
        name=name,
        shop_name=shop_name,
        landing_url=url,
        allowed_origins=origins,
        referrer_reward=referrer,
        friend_reward=friend,
        attribution_days=attribution,
        hold_days=hold,
        new_customers_only=new_only,
        starts_at=starts_at,
        ends_at=ends_at,
        friend_fulfilment=mode,
        friend_code=shared,
        friend_code_prefix=code_prefix(body) if "friend_code_prefix" in given else "WELCOME",
        validation_url=validation_url(body) if "validation_url" in given else None,
        validation_secret=new_validation_secret(),
    )


def parse_changes(body: dict[str, Any], current: Campaign) -> CampaignChanges:
    """Only the fields given change; starts_at/ends_at may be null to clear them."""
    refuse_unknown_fields(body, FIELDS)
    for name, value in body.items():
        if value is None and name not in ("starts_at", "ends_at", "friend_code", "validation_url"):
            raise invalid(name, f"{name} cannot be null; leave it out to keep it as it is.")
    if "slug" in body and body["slug"] != current.slug:
        raise invalid(
            "slug",
            "A campaign's slug cannot change: script tags name it. Create a new campaign instead.",
            "slug_immutable",
        )
    money_in = currency(body) if "currency" in body else current.referrer_reward.currency
    referrer = friend = None
    if "referrer_reward" in body or "currency" in body:
        referrer = (
            reward(body, "referrer_reward", money_in)
            if "referrer_reward" in body
            else spec(
                "currency", current.referrer_reward.type, current.referrer_reward.value, money_in
            )
        )
    if "friend_reward" in body or "currency" in body:
        friend = (
            reward(body, "friend_reward", money_in)
            if "friend_reward" in body
            else spec("currency", current.friend_reward.type, current.friend_reward.value, money_in)
        )
    starts_at = moment(body, "starts_at") if "starts_at" in body else current.starts_at
    ends_at = moment(body, "ends_at") if "ends_at" in body else current.ends_at
    check_period(starts_at, ends_at)
    mode = fulfilment(body) if "friend_fulfilment" in body else None
    shared = friend_code(body) if "friend_code" in body else current.friend_code
    check_fulfilment(mode or current.friend_fulfilment, shared)
    callback = validation_url(body) if "validation_url" in body else None
    return CampaignChanges(
        name=text(body, "name") if "name" in body else None,
        shop_name=text(body, "shop_name") if "shop_name" in body else None,
        landing_url=landing_url(body) if "landing_url" in body else None,
        allowed_origins=allowed_origins(body) if "allowed_origins" in body else None,
        referrer_reward=referrer,
        friend_reward=friend,
        attribution_days=days(body, "attribution_days", 1, 365)
        if "attribution_days" in body
        else None,
        hold_days=days(body, "hold_days", 0, 365) if "hold_days" in body else None,
        new_customers_only=flag(body, "new_customers_only")
        if "new_customers_only" in body
        else None,
        starts_at=starts_at if "starts_at" in body else None,
        ends_at=ends_at if "ends_at" in body else None,
        clear_starts_at="starts_at" in body and starts_at is None,
        clear_ends_at="ends_at" in body and ends_at is None,
        friend_fulfilment=mode,
        friend_code=shared if "friend_code" in body else None,
        clear_friend_code="friend_code" in body and shared is None,
        friend_code_prefix=code_prefix(body) if "friend_code_prefix" in body else None,
        validation_url=callback,
        clear_validation_url="validation_url" in body and callback is None,
        validation_secret=new_validation_secret() if callback else None,
    )
