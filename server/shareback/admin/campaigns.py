"""Campaigns: the list, the new-campaign form, editing (with the widget's live preview), archiving."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import campaigns as campaign_rules
from shareback import design, money, numbers, shop_days, tokens
from shareback.admin import campaign_form, segment_form
from shareback.admin.campaign_choice import campaign_status
from shareback.admin.ranges import last_days
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page, page_for
from shareback.admin.settings_page import embed_snippet
from shareback.auth.roles import Permission
from shareback.bootstrap import DEFAULT_SLUG
from shareback.campaigns import InvalidCampaign
from shareback.context import context
from shareback.crm import segment_rules
from shareback.crm.segments import Segment
from shareback.i18n import gettext as _
from shareback.rewards import REWARD_TYPES
from shareback.storage.base import AdminSession, Campaign, PoolStatus, WidgetSighting
from shareback.storage.segment_records import SegmentChange

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
    sightings: list[WidgetSighting] = []
    segment: Segment | None = None
    changes: list[SegmentChange] = []
    if campaign is not None:
        store = context(request).store
        pool = await store.pool_status(campaign.id)
        sightings = await store.widget_sightings(campaign.id)
        segment = await store.campaign_segment(campaign.id)
        changes = await store.segment_changes(campaign.id)
    # Pages that post elsewhere (the code pool's upload) show the saved segment.
    values = segment_form.segment_values(segment) | values
    public_url = context(request).settings.public_url
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
        # The snippet check: where the widget has loaded (its first load on each site).
        "sightings": sightings,
        "snippet": embed_snippet(public_url, campaign.slug) if campaign else "",
        "now": tokens.now_utc(),
        # Targeting (crm/segments.py): who it is for, in words, and who changed it when.
        "segment": segment,
        "segment_words": segment_form.describe(segment),
        "segment_changes": [
            (
                change,
                segment_form.describe_document(change.before),
                segment_form.describe_document(change.after),
            )
            for change in changes[:10]
        ],
        "score_bands": segment_form.MIN_BANDS,
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
            404,
            _("No such campaign"),
            _("There is no campaign with that slug; pick one from the list."),
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
    values |= segment_form.blank_values()
    return await form_page(request, session, values, {})


def form_currency(values: dict[str, str]) -> str:
    """The currency a segment's minimum spend is in: the form's, or the default while the
    form's is wrong (its own error says so)."""
    given = values["currency"].upper()
    return given if money.is_currency(given) else campaign_rules.DEFAULT_CURRENCY


async def save_segment(
    request: Request, session: AdminSession, campaign: Campaign, segment: Segment | None
) -> None:
    action = "remove" if segment is None or segment.empty else "set"
    await context(request).store.set_campaign_segment(
        campaign.id, segment, action, session.user.email, tokens.now_utc()
    )


@action_for(Permission.EDIT_CAMPAIGNS)
async def create_campaign(request: Request, session: AdminSession, form: FormData) -> Response:
    values = campaign_form.submitted_values(form)
    valid, errors = campaign_form.validate(
        values, allow_http=context(request).settings.allow_http_endpoints
    )
    values |= segment_form.submitted_values(form, segment_form.blank_values())
    segment, segment_errors = segment_form.validate(values, form_currency(values))
    errors |= segment_errors
    slug_error = campaign_form.check_slug(values["slug"])
    if slug_error:
        errors["slug"] = slug_error
    await check_friend_code(request, values["friend_code"], errors)
    if valid is None or errors:
        return await form_page(request, session, values, errors)
    # "Save as draft": the widget stays off the shop and orders earn nothing until "Go live".
    draft = form.get("save") == "draft"
    shop = await context(request).store.campaign(DEFAULT_SLUG)
    look = design.look_of(shop.design) if shop else design.DEFAULT
    new = dataclasses.replace(valid.draft(values["slug"]), draft=draft, design=look)
    created = await context(request).store.create_campaign(new)
    if created is None:
        errors["slug"] = _("Another campaign already uses this slug (archived ones count too).")
        return await form_page(request, session, values, errors)
    if segment is not None and not segment.empty:
        await save_segment(request, session, created, segment)
    notice = "campaign-draft" if draft else "campaign-created"
    return redirect(f"/admin/campaigns/{created.slug}?notice={notice}")


@admin_page
async def show_campaign(request: Request, session: AdminSession) -> Response:
    campaign = await campaign_or_404(request)
    values = campaign_form.campaign_values(campaign)
    saved = await context(request).store.campaign_segment(campaign.id)
    values |= segment_form.segment_values(saved)
    return await form_page(request, session, values, {}, campaign)


@action_for(Permission.EDIT_CAMPAIGNS)
async def update_campaign(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await campaign_or_404(request)
    values = campaign_form.submitted_values(form, campaign_form.campaign_values(campaign))
    values["slug"] = campaign.slug  # the slug is in every embed snippet: it never changes
    valid, errors = campaign_form.validate(
        values, allow_http=context(request).settings.allow_http_endpoints
    )
    saved = await context(request).store.campaign_segment(campaign.id)
    values |= segment_form.submitted_values(form, segment_form.segment_values(saved))
    segment, segment_errors = segment_form.validate(values, form_currency(values))
    errors |= segment_errors
    await check_friend_code(request, values["friend_code"], errors)
    if valid is None or errors:
        return await form_page(request, session, values, errors, campaign)
    await context(request).store.update_campaign(campaign.slug, valid.changes())
    if (segment != saved and not (segment is None or segment.empty)) or saved is not None:
        await save_segment(request, session, campaign, segment)
    return redirect(f"/admin/campaigns/{campaign.slug}?notice=campaign-saved")


@action_for(Permission.EDIT_CAMPAIGNS)
async def archive_campaign(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await campaign_or_404(request)
    await context(request).store.archive_campaign(campaign.slug, tokens.now_utc())
    return redirect("/admin/campaigns?notice=campaign-archived")


@action_for(Permission.EDIT_CAMPAIGNS)
async def widen_campaign(request: Request, session: AdminSession, form: FormData) -> Response:
    """The campaign page's "widen": open a regional campaign to every country, or replace its
    countries, keeping its other conditions; recorded with who and when."""
    campaign = await campaign_or_404(request)
    store = context(request).store
    current = await store.campaign_segment(campaign.id)
    if current is None or not current.countries:
        return redirect(f"/admin/campaigns/{campaign.slug}#targeting")
    if form.get("action") == "replace":
        raw = str(form.get("widen_countries") or "")[:4000]
        try:
            countries = segment_rules.countries(segment_rules.split_list(raw))
        except InvalidCampaign as exc:
            values = campaign_form.campaign_values(campaign) | segment_form.segment_values(current)
            values["widen_countries"] = raw
            return await form_page(
                request, session, values, {"widen_countries": exc.message}, campaign
            )
        wider = dataclasses.replace(current, countries=countries)
        action, notice = "replace", "segment-replaced"
    else:
        wider, action, notice = current.without_countries(), "widen", "segment-widened"
    await store.set_campaign_segment(
        campaign.id, wider, action, session.user.email, tokens.now_utc()
    )
    return redirect(f"/admin/campaigns/{campaign.slug}?notice={notice}#targeting")


routes = [
    Route("/admin/campaigns", list_campaigns, methods=["GET"]),
    Route("/admin/campaigns", create_campaign, methods=["POST"]),
    Route("/admin/campaigns/new", show_new_campaign, methods=["GET"]),
    Route("/admin/campaigns/{slug}", show_campaign, methods=["GET"]),
    Route("/admin/campaigns/{slug}", update_campaign, methods=["POST"]),
    Route("/admin/campaigns/{slug}/archive", archive_campaign, methods=["POST"]),
    Route("/admin/campaigns/{slug}/widen", widen_campaign, methods=["POST"]),
]
