"""The public payloads of outgoing events, built from typed records: one place, one time format.

Their shape is part of the public contract (docs/events.md, /openapi.json); the
store only gathers the facts in the transaction that makes the change and calls these.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shareback import money
from shareback.loyalty.plan import Tier
from shareback.rewards import RewardSpec
from shareback.storage.records import Advocate, Campaign, PayoutBatch, RewardFacts
from shareback.times import rfc3339


def _amount(minor: int | None, currency: str) -> str | None:
    return None if minor is None else money.from_minor(minor, currency)


def _descriptions(spec: RewardSpec) -> dict[str, str]:
    return {"en": spec.describe("en"), "nl": spec.describe("nl")}


def advocate_event(campaign_slug: str, advocate: Advocate) -> dict[str, Any]:
    """advocate.created / advocate.updated"""
    return {
        "campaign": campaign_slug,
        "advocate": {
            "code": advocate.code,
            "coupon_code": advocate.coupon_code,
            "email": advocate.email,
            "name": advocate.name,
            "verified": advocate.verified,
        },
    }


def referral_event(facts: RewardFacts) -> dict[str, Any]:
    """referral.converted"""
    return {
        "campaign": facts.campaign_slug,
        "referral": {"id": facts.referral_id, "via": facts.via},
        "advocate": {
            "code": facts.advocate_code,
            "coupon_code": facts.advocate_coupon_code,
            "email": facts.advocate_email,
            "name": facts.advocate_name,
        },
        "friend": {"email": facts.friend_email, "name": facts.friend_name},
        "order": {
            "id": facts.order_id,
            "source": facts.order_source,
            "total": _amount(facts.order_total_minor, facts.order_currency),
            "currency": facts.order_currency,
        },
    }


def coupon_of(facts: RewardFacts) -> str | None:
    """The single-use code a coupon reward was issued as: the shop creates it in its checkout."""
    ref = facts.fulfilled_ref or ""
    return ref.removeprefix("coupon:") if ref.startswith("coupon:") else None


def reward_event(facts: RewardFacts) -> dict[str, Any]:
    """reward.created / approved / fulfilled / revoked, and the body of a validation request."""
    spec = RewardSpec(facts.type, facts.value, facts.currency)
    referrer = facts.side == "referrer"
    return {
        **referral_event(facts),
        "reward": {
            "id": facts.reward_id,
            "side": facts.side,
            "status": facts.status,
            "recipient": {
                "email": facts.recipient_email,
                "name": facts.advocate_name if referrer else facts.friend_name,
            },
            "type": facts.type,
            "value": facts.value,
            "currency": facts.currency,
            "amount": _amount(facts.amount_minor, facts.currency),
            "description": _descriptions(spec),
            "approve_after": rfc3339(facts.approve_after),
            "revoke_reason": facts.revoke_reason,
            "fulfilment": facts.fulfilment,
            "fulfilled_at": None if facts.fulfilled_at is None else rfc3339(facts.fulfilled_at),
            "coupon_code": coupon_of(facts),
            "kind": facts.kind,
        },
    }


def tier_changed_event(
    campaign_slug: str,
    advocate: Advocate,
    before: Tier | None,
    after: Tier | None,
    direction: str,
    friends_converted: int,
    at: datetime,
) -> dict[str, Any]:
    """advocate.tier_changed: promoted or demoted (loyalty/tiers.py), with the tiers' names."""

    def named(tier: Tier | None) -> dict[str, str] | None:
        return None if tier is None else {"key": tier.key, "name": tier.name}

    return {
        **advocate_event(campaign_slug, advocate),
        "tier": named(after),
        "previous_tier": named(before),
        "direction": direction,
        "friends_converted": friends_converted,
        "changed_at": rfc3339(at),
    }


def clawback_event(facts: RewardFacts, reason: str, amount_minor: int | None) -> dict[str, Any]:
    """reward.clawed_back: the reward as it stands and what it is owed back (None: all of it)."""
    return {
        **reward_event(facts),
        "clawback": {"reason": reason, "amount": _amount(amount_minor, facts.currency)},
    }


def friend_code_event(
    campaign: Campaign, code: str, advocate: Advocate, at: datetime
) -> dict[str, Any]:
    """friend_code.issued: what a shop needs to create the code in its checkout."""
    reward = campaign.friend_reward
    return {
        "campaign": campaign.slug,
        "friend_code": {
            "code": code,
            "single_use": True,
            "issued_at": rfc3339(at),
            "reward": {**reward.as_dict(), "description": _descriptions(reward)},
        },
        "advocate": {
            "code": advocate.code,
            "coupon_code": advocate.coupon_code,
            "email": advocate.email,
            "name": advocate.name,
        },
    }


def pool_exhausted_event(campaign: Campaign) -> dict[str, Any]:
    """friend_code.pool_exhausted: said once, when the last code of the pool goes."""
    return {"campaign": campaign.slug, "remaining": 0, "fallback_code": campaign.friend_code}


def payout_batch_event(batch: PayoutBatch) -> dict[str, Any]:
    """payout_batch.created / payout_batch.paid: who is paid what; no IBAN leaves Shareback."""
    return {
        "payout_batch": {
            "id": batch.id,
            "status": batch.status,
            "currency": batch.currency,
            "total": _amount(batch.total_minor, batch.currency),
            "transfers": len(batch.items),
            "created_at": rfc3339(batch.created_at),
            "paid_at": None if batch.paid_at is None else rfc3339(batch.paid_at),
        },
        "rewards": [
            {
                "id": item.reward_id,
                "advocate_code": item.advocate_code,
                "email": item.email,
                "amount": _amount(item.amount_minor, batch.currency),
            }
            for item in batch.items
        ],
    }
