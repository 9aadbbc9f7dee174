"""Gathers an advocate's page from the store (one reading per part, the verbs the dashboard's
profile uses too) and words it with portal/account.py: the one way both the standalone page
and the widget's account view get it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shareback import tokens
from shareback.api.loyalty_view import state_of
from shareback.context import Context
from shareback.portal.account import MAX_ROWS, Facts, account_document
from shareback.storage.records import Advocate, Campaign


async def loyalty_of(
    ctx: Context, campaign: Campaign, advocate: Advocate
) -> Mapping[str, Any] | None:
    """The advocate's loyalty object (tier, next milestone) where the campaign has a programme,
    exactly as the widget's advocate answer has it (loyalty/progress.py); None where it has none."""
    if campaign.loyalty.empty:
        return None
    standing = await ctx.store.loyalty_standing(advocate.id)
    return None if standing is None else state_of(campaign, standing).to_json()


async def account_for(
    ctx: Context, campaign: Campaign, advocate: Advocate, lang: str
) -> dict[str, Any] | None:
    profile = await ctx.store.advocate_profile(advocate.id)
    if profile is None:
        return None
    credit = await ctx.store.credit_balance(advocate.email_key, campaign.currency)
    facts = Facts(
        campaign=campaign,
        advocate=profile.advocate,
        profile=profile,
        referrals=await ctx.store.list_referrals(advocate_id=advocate.id, limit=MAX_ROWS),
        rewards=await ctx.store.list_rewards(
            advocate_id=advocate.id, side="referrer", limit=MAX_ROWS
        ),
        credit=credit,
        reward_coupons=await ctx.store.reward_coupons(advocate.id),
        loyalty=await loyalty_of(ctx, campaign, advocate),
        contest=await ctx.boards.widget_contest(
            ctx.store, campaign.id, advocate.id, tokens.now_utc(), fresh=True
        ),
    )
    return account_document(facts, ctx.settings.public_url, lang, ctx.store.zone)
