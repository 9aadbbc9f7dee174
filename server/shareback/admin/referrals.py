"""The referrals page: every order a friend placed through an advocate, by campaign, order state,
shop days, channel and search, newest first; and the same list as the owner API's referrals CSV
(api/owner/exports.py builds both)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.admin.people_query import PAGE_SIZE, ReferralQuery, href, referral_query
from shareback.admin.render import SECURITY_HEADERS, render
from shareback.admin.sessions import admin_page, page_for
from shareback.api.owner.exports import referrals_csv
from shareback.api.owner.filters import ReferralFilter
from shareback.auth.roles import Permission
from shareback.channels import CHANNELS
from shareback.context import context
from shareback.people_search import ORDER_STATES, order_state
from shareback.storage.base import AdminSession

# Most-used first in the channel filter; the rest follow alphabetically.
CHANNEL_ORDER = ("whatsapp", "email", "facebook", "x", "qr", "copy", "code")


def referral_filter(chosen: ReferralQuery) -> ReferralFilter:
    return ReferralFilter(
        campaign_id=chosen.campaign.id if chosen.campaign else None,
        since=chosen.since,
        until=chosen.until,
        status=chosen.status,
        channel=chosen.channel,
        search=chosen.search,
    )


@admin_page
async def list_referrals(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    chosen = await referral_query(ctx.store, request.query_params)
    rows = await referral_filter(chosen).page(ctx.store, chosen.before, PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    channels = [*CHANNEL_ORDER, *sorted(CHANNELS - set(CHANNEL_ORDER))]
    return render(
        request,
        "referrals.html",
        {
            "session": session,
            "nav": "referrals",
            "campaigns": await ctx.store.campaigns(include_archived=True),
            "chosen": chosen,
            "rows": rows,
            "states": {r.id: order_state(r.order_status, r.refunded_minor) for r in rows},
            "order_states": ORDER_STATES,
            "channels": channels,
            "first_href": (
                href("/admin/referrals", chosen.link(before=None)) if chosen.before else None
            ),
            "next_href": (
                href("/admin/referrals", chosen.link(before=rows[-1].id)) if more and rows else None
            ),
            "csv_href": href("/admin/referrals.csv", chosen.link(before=None)),
        },
    )


@page_for(Permission.EXPORT)
async def download_referrals_csv(request: Request, session: AdminSession) -> Response:
    """The list as filtered, newest first, every page of it."""
    ctx = context(request)
    chosen = await referral_query(ctx.store, request.query_params)
    response = await referrals_csv(ctx.store, referral_filter(chosen))
    response.headers.update(SECURITY_HEADERS)
    return response


routes = [
    Route("/admin/referrals", list_referrals, methods=["GET"]),
    Route("/admin/referrals.csv", download_referrals_csv, methods=["GET"]),
]
