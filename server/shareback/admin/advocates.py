"""The advocates page: everyone who asked for a link, found by name, e-mail or code, per campaign,
newest first or most referred orders first, a page at a time; and the same list as the owner
API's advocates CSV (api/owner/exports.py builds both)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.admin.people_query import MAX_PAGE, PAGE_SIZE, advocate_query, href
from shareback.admin.render import SECURITY_HEADERS, PageError, render
from shareback.admin.sessions import admin_page, page_for
from shareback.api.owner.exports import advocates_csv
from shareback.api.owner.filters import AdvocateFilter
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.people_search import NAME_SCAN, search_terms
from shareback.storage.base import AdminSession


@admin_page
async def list_advocates(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    chosen = await advocate_query(ctx.store, request.query_params)
    found = await ctx.store.find_advocates(
        campaign_id=chosen.campaign.id if chosen.campaign else None,
        search=search_terms(chosen.search),
        sort=chosen.sort,
        offset=(chosen.page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE + 1,
    )
    rows = found.rows[:PAGE_SIZE]
    if chosen.page > 1 and not rows:
        raise PageError(
            404,
            _("There is no such page"),
            _("The list is shorter than that. Go back to its first page."),
        )
    more = len(found.rows) > PAGE_SIZE and chosen.page < MAX_PAGE
    campaigns = await ctx.store.campaigns(include_archived=True)
    # Each campaign's tier names by key (loyalty/plan.py): the column shows only when any has tiers.
    tiers = {(c.id, t.key): t.name for c in campaigns for t in c.loyalty.tiers}
    return render(
        request,
        "advocates.html",
        {
            "session": session,
            "nav": "advocates",
            "campaigns": campaigns,
            "tiers": tiers,
            "chosen": chosen,
            "rows": rows,
            "capped": found.capped,
            "names_in_part": found.names_in_part,
            "name_scan": NAME_SCAN,
            "first_href": href("/admin/advocates", chosen.link(page=1))
            if chosen.page > 2
            else None,
            "previous_href": (
                href("/admin/advocates", chosen.link(page=chosen.page - 1))
                if chosen.page > 1
                else None
            ),
            "next_href": href("/admin/advocates", chosen.link(page=chosen.page + 1))
            if more
            else None,
            "sort_links": {
                sort: href("/admin/advocates", chosen.link(sort=sort, page=1))
                for sort in ("newest", "referred")
            },
            "csv_href": href("/admin/advocates.csv", chosen.link(sort=None, page=1)),
        },
    )


@page_for(Permission.EXPORT)
async def download_advocates_csv(request: Request, session: AdminSession) -> Response:
    """The list as filtered (campaign, search), newest first, every page of it."""
    ctx = context(request)
    chosen = await advocate_query(ctx.store, request.query_params)
    filters = AdvocateFilter(chosen.campaign.id if chosen.campaign else None, chosen.search)
    response = await advocates_csv(ctx.store, filters, ctx.settings.public_url)
    response.headers.update(SECURITY_HEADERS)
    return response


routes = [
    Route("/admin/advocates", list_advocates, methods=["GET"]),
    Route("/admin/advocates.csv", download_advocates_csv, methods=["GET"]),
]
