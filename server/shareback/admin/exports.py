"""GET /admin/rewards.csv: "Download this list", the rewards of a tab as the owner API's
/api/v1/exports/rewards.csv gives them (one file, one definition: api/owner/exports.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.admin.render import SECURITY_HEADERS
from shareback.admin.rewards import filters_from
from shareback.admin.sessions import page_for
from shareback.api.owner.exports import rewards_csv
from shareback.api.owner.filters import RewardFilter
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.storage.base import AdminSession


@page_for(Permission.EXPORT)
async def download_rewards_csv(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    campaigns = await ctx.store.campaigns(include_archived=True)
    filters = filters_from(dict(request.query_params), campaigns)
    campaign_id = next((c.id for c in campaigns if c.slug == filters["campaign"]), None)
    chosen = RewardFilter(filters["status"], filters["side"] or None, campaign_id)
    response = await rewards_csv(ctx.store, chosen, filters["campaign"] or None)
    response.headers.update(SECURITY_HEADERS)
    return response


routes = [Route("/admin/rewards.csv", download_rewards_csv, methods=["GET"])]
