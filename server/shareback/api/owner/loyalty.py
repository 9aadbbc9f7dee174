"""/api/v1/campaigns/{slug}/loyalty (the cap, milestones and tiers) and
/api/v1/advocates/{id}/loyalty (an advocate's count, tier, progress and milestone awards)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback.api.loyalty_view import state_of
from shareback.api.owner.bodies import read_object
from shareback.api.owner.campaign_input import as_api_errors
from shareback.api.owner.filters import owned_campaign
from shareback.auth.guard import GUARDED
from shareback.context import context
from shareback.errors import ApiError
from shareback.loyalty import plan, progress
from shareback.rewards import RewardSpec
from shareback.storage.records import Campaign, MilestoneAward
from shareback.times import rfc3339, rfc3339_or_none


def plan_document(campaign: Campaign) -> dict[str, Any]:
    return plan.to_document(campaign.loyalty, campaign.currency)


def award_document(award: MilestoneAward) -> dict[str, Any]:
    spec = RewardSpec(award.reward_type, award.reward_value, award.currency)
    return {
        "friends": award.friends,
        "reward_id": award.reward_id,
        "referral_id": award.referral_id,
        "reward": progress.reward_json(spec),
        "reward_status": award.reward_status,
        "awarded_at": rfc3339(award.awarded_at),
        "withdrawn_at": rfc3339_or_none(award.withdrawn_at),
        "withdrawn_reason": award.withdrawn_reason,
    }


async def show_loyalty(request: Request) -> Response:
    campaign = await owned_campaign(context(request).store, request.path_params["slug"])
    return JSONResponse(plan_document(campaign))


async def change_loyalty(request: Request) -> Response:
    ctx = context(request)
    campaign = await owned_campaign(ctx.store, request.path_params["slug"])
    body = await read_object(request)
    with as_api_errors():
        loyalty = plan.parse(body, campaign.currency)
    changed = await ctx.store.update_campaign_loyalty(campaign.slug, loyalty)
    if changed is None:
        raise ApiError(404, "unknown_campaign", f"There is no campaign '{campaign.slug}'.")
    return JSONResponse(plan_document(changed))


async def show_advocate_loyalty(request: Request) -> Response:
    ctx = context(request)
    raw = request.path_params["advocate_id"]
    advocate_id = int(raw) if raw.isdigit() and len(raw) <= 18 else 0
    standing = await ctx.store.loyalty_standing(advocate_id) if advocate_id else None
    if standing is None:
        raise ApiError(404, "unknown_advocate", f"There is no advocate {raw}.", "advocate_id")
    campaign = await ctx.store.campaign_by_id(standing.campaign_id)
    assert campaign is not None
    return JSONResponse(
        {
            **state_of(campaign, standing).to_json(),
            "spend": progress.money_json(standing.spend_minor, campaign.currency),
            "tier_changed_at": rfc3339_or_none(standing.tier_changed_at),
            "milestones": [award_document(award) for award in standing.milestones],
        }
    )


routes = [
    Route("/api/v1/campaigns/{slug}/loyalty", show_loyalty, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/campaigns/{slug}/loyalty", change_loyalty, methods=["PUT"], middleware=GUARDED),
    Route(
        "/api/v1/advocates/{advocate_id}/loyalty",
        show_advocate_loyalty,
        methods=["GET"],
        middleware=GUARDED,
    ),
]
