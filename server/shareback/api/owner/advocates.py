"""GET /api/v1/advocates: the people sharing, newest first, by campaign and search."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback.api.owner.documents import advocate_document
from shareback.api.owner.filters import ADVOCATE_PARAMS, advocate_filter
from shareback.api.owner.paging import PAGING, page_document, page_params
from shareback.api.owner.params import refuse_unknown
from shareback.auth.guard import GUARDED
from shareback.context import context


async def list_advocates(request: Request) -> Response:
    ctx = context(request)
    query = request.query_params
    refuse_unknown(query, ADVOCATE_PARAMS | PAGING)
    before, limit = page_params(query, "advocates")
    filters = await advocate_filter(ctx.store, query)
    rows = await filters.page(ctx.store, before, limit + 1)
    document = partial(advocate_document, public_url=ctx.settings.public_url)
    return JSONResponse(page_document(rows, limit, "advocates", document))


routes = [Route("/api/v1/advocates", list_advocates, methods=["GET"], middleware=GUARDED)]
