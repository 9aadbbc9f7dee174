"""GET /widget.js (short cache, ETag) and /static/widget.{hash}.js (immutable): the built widget."""

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

JS = "application/javascript; charset=utf-8"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    digest: str

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'


@lru_cache(maxsize=1)
def widget_asset() -> Asset:
    body = files("shareback.static").joinpath("widget.js").read_bytes()
    # mtime=0 keeps the gzip bytes identical from one start to the next.
    return Asset(body, gzip.compress(body, 9, mtime=0), hashlib.sha256(body).hexdigest()[:12])


def serve(request: Request, asset: Asset, cache_control: str) -> Response:
    headers = {
        "ETag": asset.etag,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=JS, headers=headers)
    return Response(asset.body, media_type=JS, headers=headers)


async def serve_widget(request: Request) -> Response:
    return serve(request, widget_asset(), "public, max-age=300, stale-while-revalidate=86400")


async def serve_versioned_widget(request: Request) -> Response:
    asset = widget_asset()
    if request.path_params["digest"] != asset.digest:
        raise HTTPException(404, "That widget version is not served here; load /widget.js.")
    return serve(request, asset, "public, max-age=31536000, immutable")


routes = [
    Route("/widget.js", serve_widget, methods=["GET"]),
    Route("/static/widget.{digest}.js", serve_versioned_widget, methods=["GET"]),
]
