"""GET /qr/{code}.svg and .png: the referral link as a QR code (scans count as channel qr)."""

from __future__ import annotations

import gzip
import hashlib
import io
from functools import lru_cache

import qrcode
import qrcode.image.pil
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import codes
from shareback.context import client_ip, context
from shareback.redirect import count_code_miss, refuse_code_scans
from shareback.static_assets import Asset, serve

# Shops show the codes on their own pages.
EMBEDDABLE = {"Cross-Origin-Resource-Policy": "cross-origin"}

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def qr_target(public_url: str, code: str) -> str:
    return f"{public_url}/r/{code}?ch=qr"


def draw_qr(data: str, fmt: str) -> bytes:
    """ECC level M (15 % damage tolerated) and the four-module quiet zone the standard asks for.
    Uncached: for secrets (a two-factor set-up), which must not stay in a cache."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=10)
    qr.add_data(data)
    qr.make(fit=True)
    if fmt == "svg":
        image = qr.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
        svg: bytes = image.to_string(encoding="unicode").encode()
        return svg
    buffer = io.BytesIO()
    qr.make_image(image_factory=qrcode.image.pil.PilImage).save(buffer)
    return buffer.getvalue()


def render_qr(data: str, fmt: str) -> tuple[bytes, str]:
    """A link's code and its strong ETag, drawn once: the same link is asked for again and again."""
    asset = qr_asset(data, fmt)
    return asset.body, asset.etag


@lru_cache(maxsize=2048)
def qr_asset(data: str, fmt: str) -> Asset:
    """Drawn once, the SVG also gzipped once (7.0 kB -> 2.5 kB)."""
    body = draw_qr(data, fmt)
    gzipped = gzip.compress(body, 9, mtime=0) if fmt == "svg" else None
    return Asset(body, gzipped, hashlib.sha256(body).hexdigest()[:16], MEDIA_TYPES[fmt])


async def show_qr_code(request: Request) -> Response:
    name: str = request.path_params["name"]
    ctx = context(request)
    ip = client_ip(request)
    refuse_code_scans(ctx, ip)
    raw_code, _, fmt = name.rpartition(".")
    code = codes.normalize_code(raw_code)
    if fmt not in MEDIA_TYPES or code is None:
        await count_code_miss(ctx, ip)
        raise HTTPException(404, "No such QR code: use /qr/{code}.svg or /qr/{code}.png.")
    if await ctx.store.advocate_by_code(code) is None:
        await count_code_miss(ctx, ip)
        raise HTTPException(404, "No advocate has this referral code.")
    asset = qr_asset(qr_target(ctx.settings.public_url, code), fmt)
    return serve(request, asset, "public, max-age=86400", EMBEDDABLE)


routes = [Route("/qr/{name}", show_qr_code, methods=["GET"])]
