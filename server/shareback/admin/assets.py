"""The dashboard's stylesheet and script: /admin/static/admin.{hash}.css and .js, immutable."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.static_assets import IMMUTABLE, load, serve

NAMES = ("admin.css", "admin.js")


def asset_url(name: str) -> str:
    stem, _, ext = name.rpartition(".")
    return f"/admin/static/{stem}.{load(name).digest}.{ext}"


async def serve_asset(request: Request) -> Response:
    """The hashed name never changes its bytes, so browsers keep it for a year."""
    stem, _, rest = request.path_params["name"].partition(".")
    digest, _, ext = rest.partition(".")
    name = f"{stem}.{ext}"
    if name not in NAMES or digest != load(name).digest:
        raise HTTPException(404, "No such dashboard asset.")
    return serve(request, load(name), IMMUTABLE)


routes = [Route("/admin/static/{name}", serve_asset, methods=["GET"])]
