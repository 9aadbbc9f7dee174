"""The campaign form: its values from a campaign, and every field checked with a message beside it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from shareback import campaigns, i18n, money, numbers
from shareback.campaigns import DEFAULT_PREFIX, InvalidCampaign
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.rewards import RewardSpec
from shareback.storage.base import Campaign, CampaignChanges, CampaignDraft
from shareback.urls import origin_of
from shareback.webhooks.standard import new_secret

T = TypeVar("T")
# Room for every origin a campaign may have, each as long as one may be, one per line.
MAX_ORIGINS_TEXT = campaigns.MAX_ORIGINS * 301
LOCAL_TIME = "%Y-%m-%dT%H:%M"  # what <input type=datetime-local> sends
SIDES = ("referrer", "friend")
# How the friend gets the offer (the API's friend_fulfilment values), as the form offers them.
# (title, hint, the technical detail behind it), marked here and translated in the template.
FULFILMENTS = {
    "link": (
        N_("Through the link"),
        N_("The discount follows the friend's referral link to your checkout."),
        N_("Your checkout reads the shareback_ref cookie the link sets."),
    ),
    "shared_code": (
        N_("One shared code"),
        N_("Every friend gets the same code, such as WELCOME10; create it once in your shop."),
        "",
    ),
    "pool": (
        N_("A code from your pool"),
        N_(
            "Each friend gets a code of their own from a list you upload below (create the "
            "same codes in your shop)."
        ),
        "",
    ),
    "generated": (
        N_("A generated code"),
        N_(
            "Shareback makes a code per friend, such as WELCOME-7KQ2XM; your shop then creates "
            "each one automatically."
        ),
        N_(
            "Your shop creates each code when the friend_code.issued event arrives (see Settings, "
            "Links to other tools)."
        ),
    ),
}
KEPT_WHEN_MISSING = (
    "friend_fulfilment",
    "friend_code",
    "friend_code_prefix",
    "validation_url",
    "min_order",
)


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
    friend_fulfilment: str = campaigns.DEFAULT_FULFILMENT
    friend_code: str | None = None
    friend_code_prefix: str = DEFAULT_PREFIX
    validation_url: str | None = None
    min_order_minor: int = campaigns.DEFAULT_MIN_ORDER_MINOR

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
            validation_secret=new_secret(),
            min_order_minor=self.min_order_minor,
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
            validation_secret=new_secret() if self.validation_url else None,
            min_order_minor=self.min_order_minor,
        )


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(i18n.current_zone()).strftime(LOCAL_TIME) if moment else ""


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
        "currency": campaigns.DEFAULT_CURRENCY,
        "attribution_days": str(campaigns.ATTRIBUTION_DAYS.default),
        "hold_days": str(campaigns.HOLD_DAYS.default),
        "min_order": "",
        "new_customers_only": "on" if campaigns.DEFAULT_NEW_CUSTOMERS_ONLY else "",
        "starts_at": "",
        "ends_at": "",
        "friend_fulfilment": campaigns.DEFAULT_FULFILMENT,
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
        # Blank is the default (the currency's smallest unit), shown as the field's placeholder.
        "min_order": ""
        if campaign.min_order_minor == campaigns.DEFAULT_MIN_ORDER_MINOR
        else money.from_minor(campaign.min_order_minor, campaign.currency),
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
    values = {
        name: str(form.get(name) or "")[: MAX_ORIGINS_TEXT if name == "allowed_origins" else 2000]
        for name in blank_values()
    }
    values = {name: value.strip() for name, value in values.items()}
    for name in KEPT_WHEN_MISSING:
        if form.get(name) is None:
            values[name] = kept[name]
    values["new_customers_only"] = "on" if form.get("new_customers_only") else ""
    return values


def split_origins(text: str) -> list[str]:
    """Origins one per line (commas and spaces also separate); a trailing slash is forgiven."""
    return [raw.removesuffix("/") for raw in text.replace(",", " ").split()]


def parse_origins(text: str, landing_url: str = "") -> tuple[tuple[str, ...], str | None]:
    try:
        return campaigns.allowed_origins(split_origins(text), landing_url or None), None
    except InvalidCampaign as exc:
        return (), exc.message


def whole_number(value: str) -> int | None:
    return numbers.whole_number(value, 999_999)


def parse_moment(value: str) -> tuple[datetime | None, str | None]:
    """<input type=datetime-local> sends a time without an offset: it is the shop's time zone's."""
    if not value:
        return None, None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, _("Pick a date and time (YYYY-MM-DD HH:MM).")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=i18n.current_zone())
    return moment.astimezone(UTC), None


class Checker:
    """Runs each rule of shareback.campaigns and keeps its message beside the field."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def __call__(self, rule: Callable[..., T], *args: Any, field: str | None = None) -> T | None:
        try:
            return rule(*args)
        except InvalidCampaign as exc:
            self.errors.setdefault(field or exc.field, exc.message)
            return None

    def note(self, field: str, error: str | None) -> None:
        if error:
            self.errors.setdefault(field, error)


def check_slug(value: str) -> str | None:
    check = Checker()
    check(campaigns.slug, value)
    return check.errors.get("slug")


def validate(
    values: Mapping[str, str], *, allow_http: bool = False
) -> tuple[ValidCampaign | None, dict[str, str]]:
    """Every field is checked, so the owner sees all problems at once."""
    check = Checker()
    name = check(campaigns.text, "name", values["name"])
    shop_name = check(campaigns.text, "shop_name", values["shop_name"])
    landing = check(campaigns.landing_url, values["landing_url"])
    origins = check(
        campaigns.allowed_origins,
        split_origins(values["allowed_origins"]),
        values["landing_url"] if landing else None,
    )
    currency = check(campaigns.currency, values["currency"]) or campaigns.DEFAULT_CURRENCY
    specs = {
        side: check(
            campaigns.reward,
            f"{side}_reward",
            values[f"{side}_reward_type"],
            values[f"{side}_reward_value"].replace(",", "."),  # 2,50 is how the Dutch write it
            currency,
            field=f"{side}_reward_value",
        )
        for side in SIDES
    }
    attribution = check(campaigns.ATTRIBUTION_DAYS.check, whole_number(values["attribution_days"]))
    hold = check(campaigns.HOLD_DAYS.check, whole_number(values["hold_days"]))
    least = check(campaigns.min_order, values["min_order"], currency)
    starts_at, error = parse_moment(values["starts_at"])
    check.note("starts_at", error)
    ends_at, error = parse_moment(values["ends_at"])
    check.note("ends_at", error)
    check(campaigns.period, starts_at, ends_at)
    mode = check(campaigns.fulfilment, values["friend_fulfilment"])
    shared_code = check(campaigns.friend_code, values["friend_code"])
    prefix = check(campaigns.code_prefix, values["friend_code_prefix"])
    if mode and "friend_code" not in check.errors:
        check(campaigns.shared_code_given, mode, shared_code)
    callback = check(campaigns.validation_url, values["validation_url"] or None, allow_http)
    referrer, friend = specs["referrer"], specs["friend"]
    if check.errors:
        return None, check.errors
    assert name and shop_name and landing and origins and referrer and friend and mode and prefix
    assert attribution is not None and hold is not None and least is not None
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
        friend_fulfilment=mode,
        friend_code=shared_code,
        friend_code_prefix=prefix,
        validation_url=callback,
        min_order_minor=least,
    ), {}
