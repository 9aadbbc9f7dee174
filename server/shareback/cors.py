"""CORS for the widget's endpoints: only origins a campaign allows, checked per campaign."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shareback.context import context
from shareback.errors import ApiError, error_response
from shareback.storage.base import Campaign
from shareback.urls import origin_of

PREFLIGHT_MAX_AGE = "600"


def allow_origin(request: Request, campaign: Campaign) -> None:
    """Browsers send Origin on cross-origin calls; server-to-server calls (no Origin) pass."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    own = origin_of(context(request).settings.public_url)
    if origin in campaign.allowed_origins or origin == own:
        request.state.cors_headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return
    raise ApiError(
        403,
        "origin_not_allowed",
        f"{origin} is not an allowed origin of campaign '{campaign.slug}'.",
    )


def with_cors(request: Request, response: Response) -> Response:
    response.headers.update(getattr(request.state, "cors_headers", None) or {})
    return response


async def answer_preflight(request: Request) -> Response:
    """The preflight carries no body, so no campaign: any origin some active campaign allows passes."""
    origin = request.headers.get("origin", "")
    ctx = context(request)
    allowed = await ctx.store.embed_origins()
    if origin not in allowed and origin != origin_of(ctx.settings.public_url):
        return error_response(
            403, "origin_not_allowed", f"{origin or 'This origin'} may not call this API."
        )
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            "Vary": "Origin",
        },
    )
