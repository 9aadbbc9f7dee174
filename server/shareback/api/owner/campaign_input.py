"""A campaign from a JSON body: each field's JSON type checked here, its rules in
shareback.campaigns (the dashboard's form uses the same ones); a draft to create, or changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from shareback import campaigns, money
from shareback.api.owner.bodies import refuse_unknown_fields
from shareback.api.owner.params import iso_time
from shareback.campaigns import FULFILMENTS, InvalidCampaign
from shareback.errors import ApiError
from shareback.numbers import json_integer
from shareback.rewards import RewardSpec
from shareback.storage.base import Campaign, CampaignChanges, CampaignDraft
from shareback.urls import origin_of
from shareback.webhooks.standard import new_secret

__all__ = ["FULFILMENTS", "parse_changes", "parse_draft"]
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
    "min_order",
    "new_customers_only",
    "starts_at",
    "ends_at",
    "friend_fulfilment",
    "friend_code",
    "friend_code_prefix",
    "validation_url",
)
NULLABLE = ("starts_at", "ends_at", "friend_code", "validation_url")
REQUIRED = ("slug", "name", "landing_url", "referrer_reward", "friend_reward")


def invalid(field: str, message: str, code: str | None = None) -> ApiError:
    return ApiError(422, code or f"invalid_{field}", message, field)


@contextmanager
def as_api_errors(prefix: str = "") -> Iterator[None]:
    """A rule's problem becomes the API's 422 with its public code and the field (a segment's
    fields, segment_countries in the form, are segment.countries in JSON)."""
    try:
        yield
    except InvalidCampaign as exc:
        field = prefix + exc.field.removeprefix("segment_") if prefix else exc.field
        raise invalid(field, exc.message, exc.code) from None


def string(body: dict[str, Any], name: str, message: str | None = None) -> str:
    value = body[name]
    if not isinstance(value, str):
        raise invalid(name, message or f"{name} must be a string.")
    return value


def ruled(rule: Callable[[str], str], body: dict[str, Any], name: str) -> str:
    with as_api_errors():
        return rule(string(body, name))


def text(body: dict[str, Any], name: str) -> str:
    with as_api_errors():
        return campaigns.text(name, string(body, name))


def allowed_origins(body: dict[str, Any]) -> tuple[str, ...]:
    value = body["allowed_origins"]
    if not isinstance(value, list):
        raise invalid("allowed_origins", "allowed_origins must be a list of origins.")
    with as_api_errors():
        return campaigns.allowed_origins([item if isinstance(item, str) else "" for item in value])


def reward(body: dict[str, Any], field: str, currency: str) -> RewardSpec:
    value = body[field]
    if not isinstance(value, dict):
        raise invalid(
            field, f'{field} must be an object such as {{"type": "credit", "value": "5.00"}}.'
        )
    for key in value:
        if key not in ("type", "value", "currency"):
            raise invalid(field, f"{field} has an unknown field '{key}'; it takes type and value.")
    kind, amount = value.get("type"), value.get("value")
    if isinstance(amount, int) and not isinstance(amount, bool):
        amount = str(amount)
    if not isinstance(kind, str) or not isinstance(amount, str):
        raise invalid(field, f'{field} needs a type and a decimal string value, such as "5.00".')
    if value.get("currency", currency) != currency:
        raise invalid(field, f"{field}.currency must be the campaign's currency, {currency}.")
    with as_api_errors():
        return campaigns.reward(field, kind, amount, currency)


def respec(field: str, spec: RewardSpec, currency: str) -> RewardSpec:
    """A saved reward in a new currency, checked again (2 decimals may not fit JPY)."""
    with as_api_errors():
        return campaigns.reward(field, spec.type, spec.value, currency)


def min_order(body: dict[str, Any], currency: str) -> int:
    value = body["min_order"]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise invalid("min_order", 'min_order must be a decimal string such as "10.00".')
    with as_api_errors():
        return campaigns.min_order(value, currency)


def days(body: dict[str, Any], rule: campaigns.DayRange) -> int:
    with as_api_errors():
        return rule.check(json_integer(body[rule.field]))


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
    with as_api_errors():
        return campaigns.fulfilment(value if isinstance(value, str) else "")


def friend_code(body: dict[str, Any]) -> str | None:
    value = body["friend_code"]
    if value is None:
        return None
    with as_api_errors():
        # "" is no code at all: null clears it.
        return campaigns.friend_code(string(body, "friend_code").strip() or "-")


def validation_url(body: dict[str, Any], allow_http: bool) -> str | None:
    if body["validation_url"] is None:
        return None
    with as_api_errors():
        return campaigns.validation_url(string(body, "validation_url"), allow_http)


def period(starts_at: datetime | None, ends_at: datetime | None) -> None:
    with as_api_errors():
        campaigns.period(starts_at, ends_at)


def shared_code_given(mode: str, shared: str | None) -> None:
    with as_api_errors():
        campaigns.shared_code_given(mode, shared)


def parse_draft(
    body: dict[str, Any], default_shop_name: str, *, allow_http: bool = False
) -> CampaignDraft:
    refuse_unknown_fields(body, FIELDS)
    for name in REQUIRED:
        if body.get(name) is None:
            raise invalid(name, f"{name} is required.", f"missing_{name}")
    given = {name for name, value in body.items() if value is not None}
    new_slug, name = ruled(campaigns.slug, body, "slug"), text(body, "name")
    shop_name = text(body, "shop_name") if "shop_name" in given else default_shop_name
    url = ruled(campaigns.landing_url, body, "landing_url")
    origins = allowed_origins(body) if "allowed_origins" in given else (origin_of(url).lower(),)
    money_in = (
        ruled(campaigns.currency, body, "currency")
        if "currency" in given
        else campaigns.DEFAULT_CURRENCY
    )
    referrer = reward(body, "referrer_reward", money_in)
    friend = reward(body, "friend_reward", money_in)
    attribution = (
        days(body, campaigns.ATTRIBUTION_DAYS)
        if "attribution_days" in given
        else campaigns.ATTRIBUTION_DAYS.default
    )
    hold = days(body, campaigns.HOLD_DAYS) if "hold_days" in given else campaigns.HOLD_DAYS.default
    new_only = (
        flag(body, "new_customers_only")
        if "new_customers_only" in given
        else campaigns.DEFAULT_NEW_CUSTOMERS_ONLY
    )
    starts_at = moment(body, "starts_at") if "starts_at" in given else None
    ends_at = moment(body, "ends_at") if "ends_at" in given else None
    period(starts_at, ends_at)
    mode = fulfilment(body) if "friend_fulfilment" in given else campaigns.DEFAULT_FULFILMENT
    shared = friend_code(body) if "friend_code" in given else None
    shared_code_given(mode, shared)
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
        friend_code_prefix=ruled(campaigns.code_prefix, body, "friend_code_prefix")
        if "friend_code_prefix" in given
        else campaigns.DEFAULT_PREFIX,
        validation_url=validation_url(body, allow_http) if "validation_url" in given else None,
        validation_secret=new_secret(),
        min_order_minor=min_order(body, money_in)
        if "min_order" in given
        else campaigns.DEFAULT_MIN_ORDER_MINOR,
    )


def parse_changes(
    body: dict[str, Any], current: Campaign, *, allow_http: bool = False
) -> CampaignChanges:
    """Only the fields given change; starts_at/ends_at may be null to clear them."""
    refuse_unknown_fields(body, FIELDS)
    for name, value in body.items():
        if value is None and name not in NULLABLE:
            raise invalid(name, f"{name} cannot be null; leave it out to keep it as it is.")
    if "slug" in body and body["slug"] != current.slug:
        raise invalid(
            "slug",
            "A campaign's slug cannot change: script tags name it. Create a new campaign instead.",
            "slug_immutable",
        )
    money_in = (
        ruled(campaigns.currency, body, "currency")
        if "currency" in body
        else current.referrer_reward.currency
    )
    referrer = friend = None
    if "referrer_reward" in body or "currency" in body:
        referrer = (
            reward(body, "referrer_reward", money_in)
            if "referrer_reward" in body
            else respec("currency", current.referrer_reward, money_in)
        )
    if "friend_reward" in body or "currency" in body:
        friend = (
            reward(body, "friend_reward", money_in)
            if "friend_reward" in body
            else respec("currency", current.friend_reward, money_in)
        )
    starts_at = moment(body, "starts_at") if "starts_at" in body else current.starts_at
    ends_at = moment(body, "ends_at") if "ends_at" in body else current.ends_at
    period(starts_at, ends_at)
    mode = fulfilment(body) if "friend_fulfilment" in body else None
    shared = friend_code(body) if "friend_code" in body else current.friend_code
    shared_code_given(mode or current.friend_fulfilment, shared)
    callback = validation_url(body, allow_http) if "validation_url" in body else None
    least = None
    if "min_order" in body:
        least = min_order(body, money_in)
    elif money_in != current.currency:
        least = money.minor_at_least(current.min_order_minor, current.currency, money_in)
    return CampaignChanges(
        name=text(body, "name") if "name" in body else None,
        shop_name=text(body, "shop_name") if "shop_name" in body else None,
        landing_url=ruled(campaigns.landing_url, body, "landing_url")
        if "landing_url" in body
        else None,
        allowed_origins=allowed_origins(body) if "allowed_origins" in body else None,
        referrer_reward=referrer,
        friend_reward=friend,
        attribution_days=days(body, campaigns.ATTRIBUTION_DAYS)
        if "attribution_days" in body
        else None,
        hold_days=days(body, campaigns.HOLD_DAYS) if "hold_days" in body else None,
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
        friend_code_prefix=ruled(campaigns.code_prefix, body, "friend_code_prefix")
        if "friend_code_prefix" in body
        else None,
        validation_url=callback,
        clear_validation_url="validation_url" in body and callback is None,
        validation_secret=new_secret() if callback else None,
        min_order_minor=least,
    )
