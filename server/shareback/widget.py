"""GET /widget.js (short cache, ETag) and /static/widget.{hash}.js (immutable): the built widget;
GET /widget-account.js: its account view, an ES module the widget imports when asked for."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.static_assets import IMMUTABLE, Asset, load, serve

# Shops load the script from another origin.
EMBEDDABLE = {"Cross-Origin-Resource-Policy": "cross-origin"}


def widget_asset() -> Asset:
    return load("widget.js")


async def serve_widget(request: Request) -> Response:
    cache = "public, max-age=300, stale-while-revalidate=86400"
    return serve(request, widget_asset(), cache, EMBEDDABLE)


async def serve_versioned_widget(request: Request) -> Response:
    asset = widget_asset()
    if request.path_params["digest"] != asset.digest:
        raise HTTPException(404, "That widget version is not served here; load /widget.js.")
    return serve(request, asset, IMMUTABLE, EMBEDDABLE)


# import() of a module from another origin is a CORS request: the file is public, any may load it.
MODULE = {**EMBEDDABLE, "Access-Control-Allow-Origin": "*"}


async def serve_account_view(request: Request) -> Response:
    cache = "public, max-age=300, stale-while-revalidate=86400"
    return serve(request, load("widget-account.js"), cache, MODULE)


routes = [
    Route("/widget.js", serve_widget, methods=["GET"]),
    Route("/static/widget.{digest}.js", serve_versioned_widget, methods=["GET"]),
    Route("/widget-account.js", serve_account_view, methods=["GET"]),
]
