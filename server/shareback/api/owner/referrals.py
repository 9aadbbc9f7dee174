"""GET /api/v1/referrals: converted friends' orders, newest first, by campaign and time."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback.api.owner.documents import referral_document
from shareback.api.owner.filters import REFERRAL_PARAMS, referral_filter
from shareback.api.owner.paging import PAGING, page_document, page_params
from shareback.api.owner.params import refuse_unknown
from shareback.auth.guard import GUARDED
from shareback.context import context


async def list_referrals(request: Request) -> Response:
    ctx = context(request)
    query = request.query_params
    refuse_unknown(query, REFERRAL_PARAMS | PAGING)
    before, limit = page_params(query, "referrals")
    filters = await referral_filter(ctx.store, query)
    rows = await filters.page(ctx.store, before, limit + 1)
    return JSONResponse(page_document(rows, limit, "referrals", referral_document))


routes = [Route("/api/v1/referrals", list_referrals, methods=["GET"], middleware=GUARDED)]
