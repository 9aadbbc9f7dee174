"""The JSON documents of the owner's API: rows as dicts, money as minor units and decimal strings,
times as RFC 3339 UTC (shareback.times)."""

from __future__ import annotations

from typing import Any

from shareback import money
from shareback.rewards import RewardSpec
from shareback.storage.base import (
    AdvocateSummary,
    Campaign,
    ReferralSummary,
    RewardChange,
    RewardSummary,
)
from shareback.times import rfc3339_or_none


def money_document(minor: int, currency: str) -> dict[str, Any]:
    return {
        "amount_minor": minor,
        "amount": money.from_minor(minor, currency),
        "currency": currency,
    }


def reward_spec_document(spec: RewardSpec) -> dict[str, str]:
    return {"type": spec.type, "value": spec.value}


def campaign_document(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "slug": campaign.slug,
        "name": campaign.name,
        "shop_name": campaign.shop_name,
        "landing_url": campaign.landing_url,
        "allowed_origins": list(campaign.allowed_origins),
        "currency": campaign.referrer_reward.currency,
        "referrer_reward": reward_spec_document(campaign.referrer_reward),
        "friend_reward": reward_spec_document(campaign.friend_reward),
        "min_order": money.from_minor(campaign.min_order_minor, campaign.currency),
        "attribution_days": campaign.attribution_days,
        "hold_days": campaign.hold_days,
        "new_customers_only": campaign.new_customers_only,
        "starts_at": rfc3339_or_none(campaign.starts_at),
        "ends_at": rfc3339_or_none(campaign.ends_at),
        "friend_fulfilment": campaign.friend_fulfilment,
        "friend_code": campaign.friend_code,
        "friend_code_prefix": campaign.friend_code_prefix,
        "validation_url": campaign.validation_url,
        # Shown while a callback is set: the shop verifies our requests with it.
        "validation_secret": campaign.validation_secret if campaign.validation_url else None,
        "archived_at": rfc3339_or_none(campaign.archived_at),
        "created_at": rfc3339_or_none(campaign.created_at),
        "draft": campaign.draft,
        "went_live_at": rfc3339_or_none(campaign.went_live_at),
    }


def advocate_document(advocate: AdvocateSummary, public_url: str) -> dict[str, Any]:
    return {
        "id": advocate.id,
        "campaign": advocate.campaign_slug,
        "email": advocate.email,
        "name": advocate.name,
        "code": advocate.code,
        "coupon_code": advocate.coupon_code,
        "link": f"{public_url}/r/{advocate.code}",
        "verified": advocate.verified,
        "clicks": advocate.clicks,
        "referrals": advocate.referrals,
        "created_at": rfc3339_or_none(advocate.created_at),
    }


def referral_document(referral: ReferralSummary) -> dict[str, Any]:
    return {
        "id": referral.id,
        "campaign": referral.campaign_slug,
        "advocate": {
            "id": referral.advocate_id,
            "code": referral.advocate_code,
            "email": referral.advocate_email,
        },
        "friend_email": referral.friend_email,
        "order": {
            "source": referral.order_source,
            "id": referral.order_id,
            "total": money_document(referral.order_total_minor, referral.currency),
            "status": referral.order_status,
        },
        "via": referral.via,
        "channel": referral.channel,
        "no_reward_reason": referral.no_reward_reason,
        "created_at": rfc3339_or_none(referral.created_at),
    }


def reward_document(reward: RewardSummary) -> dict[str, Any]:
    amount = None
    if reward.amount_minor is not None:
        amount = money_document(reward.amount_minor, reward.currency)
    return {
        "id": reward.id,
        "campaign": reward.campaign_slug,
        "referral_id": reward.referral_id,
        "order_id": reward.order_id,
        "advocate_code": reward.advocate_code,
        "side": reward.side,
        "email": reward.email,
        "type": reward.type,
        "value": reward.value,
        "amount": amount,
        "status": reward.status,
        "approve_after": rfc3339_or_none(reward.approve_after),
        "approved_at": rfc3339_or_none(reward.approved_at),
        "revoked_at": rfc3339_or_none(reward.revoked_at),
        "revoke_reason": reward.revoke_reason,
        "clawed_back": None
        if reward.clawed_back_minor is None
        else money_document(reward.clawed_back_minor, reward.currency),
        "fulfilment": reward.fulfilment,
        "fulfilled_at": rfc3339_or_none(reward.fulfilled_at),
        "created_at": rfc3339_or_none(reward.created_at),
        "kind": reward.kind,
    }


def change_document(change: RewardChange) -> dict[str, Any]:
    return {
        "from_status": change.from_status,
        "to_status": change.to_status,
        "reason": change.reason,
        "actor": change.actor,
        "at": rfc3339_or_none(change.at),
    }
