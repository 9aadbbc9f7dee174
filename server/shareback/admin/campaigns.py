"""Campaigns: the list, the new-campaign form, editing (with the widget's live preview), archiving."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, shop_days, tokens
from shareback.admin import campaign_form
from shareback.admin.campaign_choice import campaign_status
from shareback.admin.ranges import last_days
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page, page_for
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.rewards import REWARD_TYPES
from shareback.storage.base import AdminSession, Campaign, PoolStatus

UPLOAD_COUNTS = ("added", "duplicates", "conflicts")


def upload_counts(query: dict[str, str]) -> dict[str, int] | None:
    """What the last pool upload did, carried in the redirect's query."""
    counts = {name: numbers.whole_number(query.get(name)) for name in UPLOAD_COUNTS}
    if any(n is None for n in counts.values()):
        return None
    return {name: n for name, n in counts.items() if n is not None}


async def form_page(
    request: Request,
    session: AdminSession,
    values: dict[str, str],
    errors: dict[str, str],
    campaign: Campaign | None = None,
    *,
    pool_error: str | None = None,
) -> Response:
    pool: PoolStatus | None = None
    if campaign is not None:
        pool = await context(request).store.pool_status(campaign.id)
    page: dict[str, Any] = {
        "session": session,
        "nav": "campaigns",
        "campaign": campaign,
        "status": campaign_status(campaign, tokens.now_utc()) if campaign else None,
        "values": values,
        "errors": errors,
        "reward_types": REWARD_TYPES,
        "fulfilments": campaign_form.FULFILMENTS,
        "pool": pool,
        "pool_error": pool_error,
        "upload": upload_counts(dict(request.query_params)),
    }
    failed = errors or pool_error
    return render(request, "campaign_form.html", page, status_code=400 if failed else 200)


async def check_friend_code(request: Request, code: str | None, errors: dict[str, str]) -> None:
    """A shared code that is also an advocate's would credit that advocate with every friend."""
    if code and await context(request).store.code_owner(code.upper()) is not None:
        errors["friend_code"] = (
            "This is already an advocate's or a friend's personal code; choose another."
        )


async def campaign_or_404(request: Request) -> Campaign:
    campaign = await context(request).store.campaign(request.path_params["slug"])
    if campaign is None:
        raise PageError(
            404, "No such campaign", "There is no campaign with that slug; pick one from the list."
        )
    return campaign


@admin_page
async def list_campaigns(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    now = tokens.now_utc()
    show_archived = request.query_params.get("archived") == "1"
    campaigns = await ctx.store.campaigns(include_archived=True)
    span = last_days(30, shop_days.local_day(now, ctx.store.zone), ctx.store.zone)
    rows = []
    for campaign in campaigns:
        if campaign.archived_at is not None and not show_archived:
            continue
        stats = await ctx.store.campaign_stats(campaign.id, span.start, span.end)
        rows.append((campaign, campaign_status(campaign, now), stats))
    return render(
        request,
        "campaigns.html",
        {
            "session": session,
            "nav": "campaigns",
            "rows": rows,
            "show_archived": show_archived,
            "archived_count": sum(1 for c in campaigns if c.archived_at is not None),
        },
    )


@page_for(Permission.EDIT_CAMPAIGNS)
async def show_new_campaign(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    default = await ctx.store.campaign("default")
    values = campaign_form.blank_values(
        default.shop_name if default else "", default.landing_url if default else ""
    )
    if default:
        values["allowed_origins"] = "\n".join(default.allowed_origins)
    return await form_page(request, session, values, {})


@action_for(Permission.EDIT_CAMPAIGNS)
async def create_campaign(request: Request, session: AdminSession, form: FormData) -> Response:
    values = campaign_form.submitted_values(form)
    valid, errors = campaign_form.validate(
        values, allow_http=context(request).settings.allow_http_endpoints
    )
    slug_error = campaign_form.check_slug(values["slug"])
    if slug_error:
        errors["slug"] = slug_error
    await check_friend_code(request, values["friend_code"], errors)
    if valid is None or errors:
        return await form_page(request, session, values, errors)
    created = await context(request).store.create_campaign(valid.draft(values["slug"]))
    if created is None:
        errors["slug"] = "Another campaign already uses this slug (archived ones count too)."
        return await form_page(request, session, values, errors)
    return redirect(f"/admin/campaigns/{created.slug}?notice=campaign-created")


@admin_page
async def show_campaign(request: Request, session: AdminSession) -> Response:
    campaign = await campaign_or_404(request)
    values = campaign_form.campaign_values(campaign)
    return await form_page(request, session, values, {}, campaign)


@action_for(Permission.EDIT_CAMPAIGNS)
async def update_campaign(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await campaign_or_404(request)
    values = campaign_form.submitted_values(form, campaign_form.campaign_values(campaign))
    values["slug"] = campaign.slug  # the slug is in every embed snippet: it never changes
    valid, errors = campaign_form.validate(
        values, allow_http=context(request).settings.allow_http_endpoints
    )
    await check_friend_code(request, values["friend_code"], errors)
    if valid is None or errors:
        return await form_page(request, session, values, errors, campaign)
    await context(request).store.update_campaign(campaign.slug, valid.changes())
    return redirect(f"/admin/campaigns/{campaign.slug}?notice=campaign-saved")


@action_for(Permission.EDIT_CAMPAIGNS)
async def archive_campaign(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await campaign_or_404(request)
    await context(request).store.archive_campaign(campaign.slug, tokens.now_utc())
    return redirect("/admin/campaigns?notice=campaign-archived")


routes = [
    Route("/admin/campaigns", list_campaigns, methods=["GET"]),
    Route("/admin/campaigns", create_campaign, methods=["POST"]),
    Route("/admin/campaigns/new", show_new_campaign, methods=["GET"]),
    Route("/admin/campaigns/{slug}", show_campaign, methods=["GET"]),
    Route("/admin/campaigns/{slug}", update_campaign, methods=["POST"]),
    Route("/admin/campaigns/{slug}/archive", archive_campaign, methods=["POST"]),
]
