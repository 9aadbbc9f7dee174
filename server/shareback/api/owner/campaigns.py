"""/api/v1/campaigns: list, create, show, change and archive the owner's campaigns."""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import design, tokens
from shareback.api.owner.bodies import read_object
from shareback.api.owner.campaign_input import flag, parse_changes, parse_draft
from shareback.api.owner.documents import campaign_document
from shareback.api.owner.filters import owned_campaign
from shareback.api.owner.params import bad_param, refuse_unknown
from shareback.api.owner.segment_input import parse_segment
from shareback.auth.guard import GUARDED, actor
from shareback.bootstrap import DEFAULT_SLUG
from shareback.context import context
from shareback.crm.segments import Segment
from shareback.errors import ApiError
from shareback.storage.base import Campaign

DEFAULT_SHOP_NAME = "our shop"


async def refuse_taken_friend_code(request: Request, code: str | None) -> None:
    """A shared code that is also an advocate's would credit that advocate with every friend."""
    owner = await context(request).store.code_owner(code.upper()) if code else None
    if owner is not None:
        raise ApiError(
            409,
            "friend_code_taken",
            f"{code} is an advocate's personal code; choose another friend_code.",
            "friend_code",
        )


async def list_campaigns(request: Request) -> Response:
    query = request.query_params
    refuse_unknown(query, {"include_archived"})
    raw = query.get("include_archived", "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise bad_param("include_archived", "include_archived must be true or false.")
    store = context(request).store
    campaigns = await store.campaigns(include_archived=raw in ("true", "1"))
    segments = await store.campaign_segments()
    return JSONResponse({"data": [campaign_document(c, segments.get(c.id)) for c in campaigns]})


async def documented(request: Request, campaign: Campaign) -> dict[str, object]:
    return campaign_document(campaign, await context(request).store.campaign_segment(campaign.id))


async def save_segment(request: Request, campaign: Campaign, segment: Segment | None) -> None:
    """A segment given in the body replaces the campaign's (null: for everyone), audited."""
    action = "set" if segment is not None and not segment.empty else "remove"
    await context(request).store.set_campaign_segment(
        campaign.id, segment, action, actor(request).name, tokens.now_utc()
    )


async def create_campaign(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request)
    # "draft": true keeps the widget off the shop and its orders unrewarded until go-live.
    held = flag(body, "draft") if "draft" in body else False
    body.pop("draft", None)
    targeted = "segment" in body
    segment_body = body.pop("segment", None)
    draft = parse_draft(
        body,
        ctx.settings.shop_name or DEFAULT_SHOP_NAME,
        allow_http=ctx.settings.allow_http_endpoints,
    )
    segment = parse_segment(segment_body, draft.currency)
    draft = dataclasses.replace(draft, draft=held)
    await refuse_taken_friend_code(request, draft.friend_code)
    # A new campaign looks like the shop's default one (the dashboard's designer changes it).
    shop = await ctx.store.campaign(DEFAULT_SLUG)
    if shop is not None:
        draft = dataclasses.replace(draft, design=design.look_of(shop.design))
    campaign = await ctx.store.create_campaign(draft)
    if campaign is None:
        raise ApiError(409, "slug_taken", f"A campaign '{draft.slug}' already exists.", "slug")
    if targeted and segment is not None:
        await save_segment(request, campaign, segment)
    location = f"/api/v1/campaigns/{campaign.slug}"
    return JSONResponse(
        await documented(request, campaign), status_code=201, headers={"Location": location}
    )


async def show_campaign(request: Request) -> Response:
    campaign = await owned_campaign(context(request).store, request.path_params["slug"])
    return JSONResponse(await documented(request, campaign))


async def update_campaign(request: Request) -> Response:
    ctx = context(request)
    current = await owned_campaign(ctx.store, request.path_params["slug"])
    body = await read_object(request)
    targeted = "segment" in body
    segment_body = body.pop("segment", None)
    changes = parse_changes(body, current, allow_http=ctx.settings.allow_http_endpoints)
    money_in = changes.referrer_reward.currency if changes.referrer_reward else current.currency
    segment = parse_segment(segment_body, money_in) if targeted else None
    await refuse_taken_friend_code(request, changes.friend_code)
    changed = await ctx.store.update_campaign(current.slug, changes)
    if changed is None:  # deleted meanwhile; campaigns are archived, not deleted, so hardly ever
        raise ApiError(404, "unknown_campaign", f"There is no campaign '{current.slug}'.")
    if targeted:
        await save_segment(request, changed, segment)
    return JSONResponse(await documented(request, changed))


async def archive_campaign(request: Request) -> Response:
    ctx = context(request)
    current = await owned_campaign(ctx.store, request.path_params["slug"])
    archived = await ctx.store.archive_campaign(current.slug, tokens.now_utc())
    if archived is None:
        raise ApiError(404, "unknown_campaign", f"There is no campaign '{current.slug}'.")
    return JSONResponse(await documented(request, archived))


async def go_live(request: Request) -> Response:
    """A draft goes live (idempotent: a live campaign is answered as it is)."""
    ctx = context(request)
    current = await owned_campaign(ctx.store, request.path_params["slug"])
    if current.archived_at is not None:
        raise ApiError(
            409, "campaign_archived", f"Campaign '{current.slug}' is archived.", "campaign"
        )
    live = await ctx.store.go_live(current.slug, tokens.now_utc())
    if live is None:
        raise ApiError(404, "unknown_campaign", f"There is no campaign '{current.slug}'.")
    return JSONResponse(await documented(request, live))


routes = [
    Route("/api/v1/campaigns", list_campaigns, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/campaigns", create_campaign, methods=["POST"], middleware=GUARDED),
    Route("/api/v1/campaigns/{slug}", show_campaign, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/campaigns/{slug}", update_campaign, methods=["PATCH"], middleware=GUARDED),
    Route(
        "/api/v1/campaigns/{slug}/archive", archive_campaign, methods=["POST"], middleware=GUARDED
    ),
    Route("/api/v1/campaigns/{slug}/go-live", go_live, methods=["POST"], middleware=GUARDED),
]
