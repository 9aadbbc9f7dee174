"""GET /api/v1/campaigns/{slug}/referrers?q=: the checkout's "referred by a friend?" look-up.

Its error messages follow `?lang=` (nl or en, default en), for checkouts that show them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import wording
from shareback.api.campaign_widget import active_campaign
from shareback.api.messages import localised
from shareback.context import client_ip, context
from shareback.cors import allow_origin, answer_preflight, with_cors
from shareback.errors import ApiError

MIN_QUERY = 3
MAX_QUERY = 100
MAX_RESULTS = 5


async def find_referrers(request: Request) -> Response:
    ctx = context(request)
    campaign = await active_campaign(request, request.path_params["slug"])
    allow_origin(request, campaign)
    if not await ctx.lookup_limiter.allow("referrers:" + client_ip(request)):
        raise ApiError(
            429,
            "rate_limited",
            "Too many look-ups from this address; try again in a minute.",
        )
    query = " ".join(request.query_params.get("q", "").split())
    if len(query) < MIN_QUERY:
        raise ApiError(
            422,
            "query_too_short",
            f"q must have at least {MIN_QUERY} characters: a name or a code.",
            "q",
        )
    if len(query) > MAX_QUERY or not query.isprintable():
        raise ApiError(
            422, "invalid_query", f"q must be at most {MAX_QUERY} printable characters.", "q"
        )
    found = await ctx.store.find_referrers(campaign.id, query, MAX_RESULTS)
    # The code and a shortened name, nothing else: never an e-mail address, never a surname.
    data = [
        {"code": referrer.code, "display_name": wording.display_name(referrer.name)}
        for referrer in found
    ]
    response = JSONResponse({"data": data}, headers={"Cache-Control": "no-store"})
    return with_cors(request, response)


routes = [
    Route("/api/v1/campaigns/{slug}/referrers", localised(find_referrers), methods=["GET"]),
    Route("/api/v1/campaigns/{slug}/referrers", answer_preflight, methods=["OPTIONS"]),
]
