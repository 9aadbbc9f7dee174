"""/api/v1/campaigns/{slug}/code-pool: upload friends' codes as CSV, see how many are left."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import code_pool, tokens
from shareback.api.owner.filters import owned_campaign
from shareback.auth.guard import GUARDED
from shareback.context import context
from shareback.errors import ApiError, read_body
from shareback.storage.base import Campaign, PoolStatus

CSV_TYPES = ("text/csv", "text/plain", "application/csv")


def pool_document(campaign: Campaign, status: PoolStatus) -> dict[str, object]:
    return {
        "campaign": campaign.slug,
        "friend_fulfilment": campaign.friend_fulfilment,
        "remaining": status.remaining,
        "issued": status.issued,
    }


async def show_code_pool(request: Request) -> Response:
    ctx = context(request)
    campaign = await owned_campaign(ctx.store, request.path_params["slug"])
    return JSONResponse(pool_document(campaign, await ctx.store.pool_status(campaign.id)))


async def upload_code_pool(request: Request) -> Response:
    ctx = context(request)
    campaign = await owned_campaign(ctx.store, request.path_params["slug"])
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in CSV_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the codes as text/csv: one code per line, or a header row with a 'code' column.",
        )
    body = await read_body(request, code_pool.MAX_BYTES)
    try:
        found = code_pool.parse_pool(body)
    except code_pool.InvalidPool as exc:
        raise ApiError(422, "invalid_csv", str(exc)) from None
    upload = await ctx.store.add_pool_codes(campaign.id, found, tokens.now_utc())
    status = await ctx.store.pool_status(campaign.id)
    return JSONResponse(
        {
            **pool_document(campaign, status),
            "added": upload.added,
            "duplicates": upload.duplicates,
            "conflicts": upload.conflicts,
        }
    )


routes = [
    Route(
        "/api/v1/campaigns/{slug}/code-pool", show_code_pool, methods=["GET"], middleware=GUARDED
    ),
    Route(
        "/api/v1/campaigns/{slug}/code-pool",
        upload_code_pool,
        methods=["POST"],
        middleware=GUARDED,
    ),
]
