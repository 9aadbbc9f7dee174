"""GET /admin: a campaign's numbers over a date range, its top advocates and what just happened."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import kpis, shop_days, tokens
from shareback.admin import activity, charts, language, segment_comparison
from shareback.admin.campaign_choice import campaign_status, pick_campaign
from shareback.admin.ranges import PRESETS, last_days, parse_range
from shareback.admin.render import render
from shareback.admin.sessions import admin_page, current_session
from shareback.context import context
from shareback.storage.base import AdminSession, LeaderRow, Store

LEADERS = 10


async def coupon_codes(store: Store, leaders: list[LeaderRow]) -> dict[int, str]:
    """Each top advocate's personal coupon code (ANNA10), which shoppers type at the checkout:
    one look-up by the unique referral code per row, at most LEADERS of them."""
    found: dict[int, str] = {}
    for leader in leaders:
        advocate = await store.advocate_by_code(leader.code)
        if advocate is not None and advocate.coupon_code:
            found[leader.advocate_id] = advocate.coupon_code
    return found


@admin_page
async def show_overview(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    now = tokens.now_utc()
    campaigns = await ctx.store.campaigns(include_archived=True)
    campaign = pick_campaign(campaigns, request.query_params.get("campaign"))
    # The shop's days (SHAREBACK_TIMEZONE), as the store's rollups are cut.
    zone = ctx.store.zone
    today = shop_days.local_day(now, zone)
    span, range_error = parse_range(
        request.query_params.get("from"), request.query_params.get("to"), today, zone
    )
    page: dict[str, object] = {
        "session": session,
        "nav": "overview",
        "campaigns": campaigns,
        "campaign": campaign,
        "span": span,
        "range_error": range_error,
        "presets": [(days, last_days(days, today, zone)) for days in PRESETS],
        "now": now,
    }
    if campaign is not None:
        raw = await ctx.store.campaign_stats(campaign.id, span.start, span.end)
        leaders = await ctx.store.leaderboard(campaign.id, span.start, span.end, LEADERS)
        page.update(
            status=campaign_status(campaign, now),
            raw=raw,
            kpis=kpis.derive(raw),
            definitions=kpis.DEFINITIONS,
            currency=campaign.referrer_reward.currency,
            time_chart=charts.time_chart(raw.days, span),
            funnel=charts.funnel_chart(kpis.funnel(raw)),
            channels=charts.channel_rows(raw.shares_by_channel, raw.clicks_by_channel),
            leaders=leaders,
            coupons=await coupon_codes(ctx.store, leaders),
            activity=await activity.feed(ctx.store, campaign.id),
            comparison=await segment_comparison.compare(ctx.store, campaigns, span.start, span.end),
        )
    return render(request, "overview.html", page)


async def show_activity(request: Request) -> Response:
    """The feed alone, for the overview's script to refresh; 401 once the session has ended."""
    session = await current_session(request)
    if session is None:
        return Response("Sign in again.", status_code=401, media_type="text/plain")
    ctx = context(request)
    campaigns = await ctx.store.campaigns(include_archived=True)
    campaign = pick_campaign(campaigns, request.query_params.get("campaign"))
    with language.speaking(request, session):
        items = await activity.feed(ctx.store, campaign.id if campaign else None)
    return render(
        request, "_activity.html", {"activity": items, "now": tokens.now_utc(), "session": session}
    )


routes = [
    Route("/admin", show_overview, methods=["GET"]),
    Route("/admin/activity", show_activity, methods=["GET"]),
]
