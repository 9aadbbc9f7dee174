"""What the advocate's own page shows, as one document: their link and codes, clicks by
channel, the friends who ordered (masked), every reward with its state, the store-credit
balance, the tier and the progress to the next milestone, each worded in the page's language
(gettext, numbers and dates through formats.py). The standalone page and the widget's account
view both show this document. Pure: the store gathers the facts, no I/O here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from decimal import InvalidOperation
from typing import Any

from shareback import formats, money, people_search
from shareback.contest_board import contest_words
from shareback.i18n import N_, ngettext, use_locale
from shareback.i18n import gettext as _
from shareback.portal.access import mask_email
from shareback.rewards import InvalidReward, RewardSpec
from shareback.storage.records import (
    Advocate,
    AdvocateProfile,
    Campaign,
    CreditBalance,
    ReferralSummary,
    RewardSummary,
)
from shareback.times import rfc3339

MAX_ROWS = 100

NETWORKS = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X",
    "linkedin": "LinkedIn",
    "telegram": "Telegram",
    "messenger": "Messenger",
}
CHANNELS = {
    "email": N_("E-mail"),
    "sms": N_("Text message"),
    "copy": N_("Copied link"),
    "native": N_("Share menu"),
    "qr": N_("QR code"),
    "link": N_("Link"),
    "code": N_("Code"),
}
REWARD_STATES = {
    "pending": N_("Pending"),
    "approved": N_("Approved"),
    "fulfilled": N_("Received"),
    "revoked": N_("Cancelled"),
}
ORDER_STATES = {
    "paid": N_("Ordered"),
    "partly_refunded": N_("Partly returned"),
    "refunded": N_("Returned"),
}
LABELS = {
    "title": N_("My rewards"),
    "link": N_("Your referral link"),
    "codes": N_("Your codes"),
    "clicks": N_("Clicks on your link"),
    "friends": N_("Friends who ordered"),
    "rewards": N_("Your rewards"),
    "credit": N_("Store credit"),
    "tier": N_("Your level"),
    "none": N_("Nothing yet."),
    "back": N_("Back"),
}


@dataclass(frozen=True)
class Facts:
    """Everything the store found for one advocate's page."""

    campaign: Campaign
    advocate: Advocate
    profile: AdvocateProfile
    referrals: Sequence[ReferralSummary]
    rewards: Sequence[RewardSummary]
    credit: CreditBalance | None
    reward_coupons: Sequence[str]
    loyalty: Mapping[str, Any] | None  # the loyalty object (docs/advocate-page.md), or None
    contest: dict[str, Any] | None = None  # the campaign's contest on view (contest_board.py)


def channel_label(channel: str) -> str:
    return NETWORKS.get(channel) or _(CHANNELS.get(channel, CHANNELS["link"]))


def reward_words(spec: Mapping[str, Any] | None, lang: str) -> str | None:
    """A milestone's reward in words: "€ 25" for money, "10% korting" and so on as the
    campaign's rewards are described; None when the object is not one we know."""
    if not isinstance(spec, Mapping):
        return None
    kind, currency = str(spec.get("type", "")), str(spec.get("currency") or "EUR")
    amount = spec.get("amount", spec.get("value"))
    try:
        if kind in ("credit", "cash", "fixed_discount") and amount is not None:
            return formats.amount(money.to_minor(str(amount), currency), currency, lang)
        return RewardSpec(kind, str(amount if amount is not None else "0"), currency).describe(lang)
    except (InvalidReward, InvalidOperation, ValueError, TypeError):
        return None


def progress_words(loyalty: Mapping[str, Any] | None, lang: str) -> list[str]:
    """ "Nog 2 vrienden tot € 25", "Nog 1 vriend tot Goud": the next milestone and tier, in
    the page's language; nothing when the cap is reached or there is no programme."""
    if not isinstance(loyalty, Mapping):
        return []
    lines = []
    milestone = loyalty.get("next_milestone")
    if isinstance(milestone, Mapping):
        needed = _count(milestone.get("friends_needed"))
        reward = reward_words(milestone.get("reward"), lang)
        if needed and reward:
            lines.append(
                ngettext(
                    "%(num)d more friend to %(reward)s",
                    "%(num)d more friends to %(reward)s",
                    needed,
                )
                % {"num": needed, "reward": reward}
            )
    tier = loyalty.get("next_tier")
    name = tier.get("name") if isinstance(tier, Mapping) else None
    if isinstance(tier, Mapping) and isinstance(name, str) and name:
        needed = _count(tier.get("friends_needed"))
        # Tiers by spend say how much more to spend: "Nog € 40 tot Goud".
        spend = (
            reward_words({**tier["spend_needed"], "type": "credit"}, lang)
            if isinstance(tier.get("spend_needed"), Mapping)
            else None
        )
        if needed:
            lines.append(
                ngettext(
                    "%(num)d more friend to %(tier)s",
                    "%(num)d more friends to %(tier)s",
                    needed,
                )
                % {"num": needed, "tier": name}
            )
        elif spend:
            lines.append(_("%(amount)s more to %(tier)s") % {"amount": spend, "tier": name})
    return lines


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _reward(reward: RewardSummary, lang: str, zone: tzinfo) -> dict[str, Any]:
    try:
        described = RewardSpec(reward.type, reward.value, reward.currency).describe(lang)
    except InvalidReward:
        described = reward.type
    amount: str | None = None
    if reward.amount_minor is not None and reward.type in ("credit", "cash", "fixed_discount"):
        # What this reward came to (a share of a partly refunded order, say), not the promise.
        amount = money.from_minor(reward.amount_minor, reward.currency)
        if reward.type == "fixed_discount":
            described = formats.amount(reward.amount_minor, reward.currency, lang)
        else:
            described = RewardSpec(reward.type, amount, reward.currency).describe(lang)
    if reward.kind == "milestone":
        # A bonus for reaching a number of friends (loyalty/milestones.py), not for one friend.
        described = _("Milestone bonus: %(reward)s") % {"reward": described}
    if reward.status == "pending":
        when = _("approves on %(day)s") % {"day": formats.day(reward.approve_after, lang, zone)}
    elif reward.status == "approved" and reward.approved_at:
        when = _("approved on %(day)s") % {"day": formats.day(reward.approved_at, lang, zone)}
    elif reward.status == "fulfilled" and reward.fulfilled_at:
        when = _("received on %(day)s") % {"day": formats.day(reward.fulfilled_at, lang, zone)}
    elif reward.status == "revoked" and reward.revoked_at:
        when = _("cancelled on %(day)s") % {"day": formats.day(reward.revoked_at, lang, zone)}
    else:
        when = ""
    return {
        "id": reward.id,
        "kind": reward.kind,
        "type": reward.type,
        "amount": amount,
        "currency": reward.currency,
        "status": reward.status,
        "description": described,
        "state": _(REWARD_STATES.get(reward.status, REWARD_STATES["pending"])),
        "when": when,
        "created_at": rfc3339(reward.created_at),
    }


def _friend(referral: ReferralSummary, lang: str, zone: tzinfo) -> dict[str, Any]:
    state = people_search.order_state(referral.order_status, referral.refunded_minor)
    return {
        # Never the address itself: the advocate recognises "j***@g***.com", nobody can write to it.
        "friend": mask_email(referral.friend_email),
        "state": state,
        "state_text": _(ORDER_STATES[state]),
        "day": formats.day(referral.created_at, lang, zone),
        "ordered_at": rfc3339(referral.created_at),
    }


def account_document(facts: Facts, public_url: str, lang: str, zone: tzinfo) -> dict[str, Any]:
    """The page as JSON (AdvocateAccount in /openapi.json): data, and its words in `lang`."""
    advocate, campaign = facts.advocate, facts.campaign
    with use_locale(lang):
        clicks = [
            {"channel": channel, "label": channel_label(channel), "clicks": count}
            for channel, count in facts.profile.clicks_by_channel
        ]
        credit = None
        if facts.credit is not None and facts.credit.entries:
            balance = facts.credit
            credit = {
                "balance": money.from_minor(balance.balance_minor, balance.currency),
                "currency": balance.currency,
                "text": formats.amount(balance.balance_minor, balance.currency, lang),
            }
        loyalty = dict(facts.loyalty) if isinstance(facts.loyalty, Mapping) else None
        tier = loyalty.get("tier") if loyalty else None
        return {
            "campaign": campaign.slug,
            "shop": campaign.shop_name,
            "lang": lang,
            "name": (advocate.name or "").split(" ")[0][:40] or None,
            "link": f"{public_url}/r/{advocate.code}",
            "code": advocate.code,
            "coupon_code": advocate.coupon_code,
            "link_codes": list(facts.profile.link_codes[:MAX_ROWS]),
            "reward_coupons": list(facts.reward_coupons[:MAX_ROWS]),
            "clicks": clicks,
            "clicks_total": sum(c["clicks"] for c in clicks),
            "friends": [_friend(r, lang, zone) for r in facts.referrals[:MAX_ROWS]],
            "rewards": [_reward(r, lang, zone) for r in facts.rewards[:MAX_ROWS]],
            "credit": credit,
            "loyalty": loyalty,
            "tier_text": tier.get("name") if isinstance(tier, Mapping) else None,
            "progress": progress_words(loyalty, lang),
            "labels": {key: _(text) for key, text in LABELS.items()},
            "contest": contest_words(facts.contest, lang, zone),
        }
