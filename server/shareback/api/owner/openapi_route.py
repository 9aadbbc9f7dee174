"""GET /openapi.json, served beside the owner's API; the document is built in shareback.api.openapi."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# The module, not its names: shareback.api.openapi imports this package's spec while loading.
from shareback.api import openapi
from shareback.context import context


async def show_openapi(request: Request) -> Response:
    document = openapi.openapi_document(context(request).settings.public_url)
    # Tools such as Swagger UI load it from other origins; it holds no secrets.
    return JSONResponse(document, headers={"Access-Control-Allow-Origin": "*"})


routes = [Route("/openapi.json", show_openapi, methods=["GET"])]
