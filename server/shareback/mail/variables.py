"""What a journey's template shows, from the message's stored facts, the campaign and the
advocate: one function per journey's names (journeys.VARIABLES), no I/O."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_date

from shareback import money, wording
from shareback.api.loyalty_view import with_tier_offer
from shareback.kpis import RawStats
from shareback.mail import journeys
from shareback.storage.records import Advocate, Campaign


def referral_link(public_url: str, code: str) -> str:
    return f"{public_url}/r/{code}?ch=email"


def _day(value: str | None, lang: str) -> str | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return format_date(moment.date(), format="long", locale=lang)


REACHES = {
    "credit": {
        "nl": "Het staat als tegoed voor je klaar bij {shop}: je saldo is nu {balance}. Het gaat "
        "van je volgende bestelling af als je met dit e-mailadres bestelt.",
        "en": "It is waiting for you as store credit at {shop}: your balance is now {balance}. It "
        "comes off your next order when you order with this e-mail address.",
    },
    "coupon": {
        "nl": "Je kortingscode is {code}: vul hem in bij het afrekenen bij {shop}.",
        "en": "Your coupon code is {code}: enter it at the checkout of {shop}.",
    },
    "payout": {
        "nl": "We maken {amount} over naar je rekening {account} bij onze volgende uitbetaling.",
        "en": "We transfer {amount} to your account {account} with our next payout.",
    },
    "payout_no_account": {
        "nl": "Laat ons weten waarheen we {amount} mogen overmaken: vul je rekeningnummer (IBAN) "
        "in via de link hieronder.",
        "en": "Tell us where to transfer {amount}: enter your bank account (IBAN) with the link "
        "below.",
    },
    "shop": {
        "nl": "{shop} neemt contact met je op over je beloning.",
        "en": "{shop} gets in touch with you about your reward.",
    },
}


def fulfilment(facts: dict[str, Any], lang: str, shop: str) -> str:
    """How an approved reward reaches the referrer, from what the sender found when writing the
    message (facts["reaches"]: the coupon code, the credit balance, the payout account); empty
    where the message was planned before any of that was known."""
    how = facts.get("reaches") or {}
    method = how.get("method")
    currency = str(how.get("currency") or "EUR")
    if method == "payout" and how.get("account") is None:
        method = "payout_no_account"
    words = REACHES.get(str(method))
    if words is None:
        return ""
    return words[lang if lang in words else "en"].format(
        shop=shop,
        code=how.get("code", ""),
        account=how.get("account", ""),
        balance=money.format_money(int(how.get("balance_minor") or 0), currency, lang),
        amount=money.format_money(int(how.get("amount_minor") or 0), currency, lang),
    )


def summary_numbers(stats: RawStats) -> dict[str, int]:
    """The week's numbers the owners' summary shows, from the dashboard's own counts."""
    return {
        "new_advocates": stats.new_advocates,
        "shares": sum(stats.shares_by_channel.values()),
        "clicks": sum(stats.clicks_by_channel.values()),
        "referred_orders": stats.referred_orders,
        "revenue_minor": stats.referred_order_total_minor,
        "pending_rewards": stats.pending_rewards,
        "approved_rewards": stats.approved_rewards,
    }


def _summary(
    facts: dict[str, Any], lang: str, public_url: str, campaign: Campaign
) -> dict[str, Any]:
    numbers = dict(facts.get("stats") or {})
    start = datetime.fromisoformat(facts["start"]).date()
    last = datetime.fromisoformat(facts["end"]).date() - timedelta(days=1)
    week = (
        format_date(start, "d MMM", locale=lang)
        + " \u2013 "
        + format_date(last, "d MMM y", locale=lang)
    )
    revenue = money.format_money(int(numbers.pop("revenue_minor", 0)), campaign.currency, lang)
    return {
        **numbers,
        "campaign": campaign.name,
        "week": week,
        "revenue": revenue,
        "dashboard_link": f"{public_url}/admin",
    }


def template_variables(
    journey: str,
    lang: str,
    public_url: str,
    campaign: Campaign,
    advocate: Advocate | None,
    facts: dict[str, Any],
    name: str | None,
) -> dict[str, Any]:
    offers = wording.offers(campaign, lang)
    everything: dict[str, Any] = {
        "shop": campaign.shop_name,
        "name": wording.first_name(name if advocate is None else advocate.name or name),
        "friend_offer": offers["friend"],
        "referrer_offer": offers["referrer"],
        "link": None if advocate is None else referral_link(public_url, advocate.code),
        "code": None if advocate is None else advocate.coupon_code or advocate.code,
    }
    if journey == journeys.WELCOME:
        everything.update(
            code=facts.get("code"),
            link=campaign.landing_url,
            referrer_name=wording.first_name(facts.get("referrer_name")),
        )
    if journey == journeys.SUMMARY:
        everything.update(_summary(facts, lang, public_url, campaign))
    if journey == journeys.ADVOCATE_LINK:
        everything.update(page_link=facts.get("page_link"), minutes=facts.get("minutes"))
    if journey in (journeys.REWARD_PENDING, journeys.REWARD_APPROVED):
        description = facts.get("description") or {}
        everything.update(
            friend_name=wording.first_name(facts.get("friend_name")),
            reward=description.get(lang) or description.get("en") or "",
            amount=facts.get("amount"),
            approve_after=_day(facts.get("approve_after"), lang),
            fulfilment=fulfilment(facts, lang, campaign.shop_name),
            payout_link=(facts.get("reaches") or {}).get("link"),
        )
    if journey == journeys.TIER_CHANGED:
        # The offers the new tier gives (loyalty/plan.py), over the campaign's.
        tier_offers = wording.offers(with_tier_offer(campaign, facts.get("tier_key")), lang)
        everything.update(
            tier=facts.get("tier"),
            previous_tier=facts.get("previous_tier"),
            promoted=facts.get("direction") == "promoted",
            friend_offer=tier_offers["friend"],
            referrer_offer=tier_offers["referrer"],
        )
    return {key: everything.get(key) for key in journeys.VARIABLES[journey]}
