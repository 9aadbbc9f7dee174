"""The dashboard's stylesheet and script: /admin/static/admin.{hash}.css and .js, immutable."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MEDIA_TYPES = {"css": "text/css; charset=utf-8", "js": "application/javascript; charset=utf-8"}
NAMES = ("admin.css", "admin.js")


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    digest: str
    media_type: str


@lru_cache(maxsize=len(NAMES))
def load(name: str) -> Asset:
    body = files("shareback.static").joinpath(name).read_bytes()
    return Asset(
        body,
        gzip.compress(body, 9, mtime=0),
        hashlib.sha256(body).hexdigest()[:12],
        MEDIA_TYPES[name.rpartition(".")[2]],
    )


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
    asset = load(name)
    etag = f'"{asset.digest}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=31536000, immutable",
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


routes = [Route("/admin/static/{name}", serve_asset, methods=["GET"])]
