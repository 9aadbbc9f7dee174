"""Built files from shareback/static (and drawn QR codes), served as browsers like them: gzip
compressed once at first use and kept in memory, a strong ETag from the content hash (304 when
it still matches), cache headers per route."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response

MEDIA_TYPES = {"css": "text/css; charset=utf-8", "js": "application/javascript; charset=utf-8"}
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None  # None: not worth compressing (a PNG)
    digest: str  # the first 12 hex digits of the body's SHA-256: also the hashed file name's
    media_type: str

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'


@lru_cache(maxsize=8)
def load(name: str) -> Asset:
    body = files("shareback.static").joinpath(name).read_bytes()
    return Asset(
        body,
        # mtime=0 keeps the gzip bytes identical from one start to the next.
        gzip.compress(body, 9, mtime=0),
        hashlib.sha256(body).hexdigest()[:12],
        MEDIA_TYPES[name.rpartition(".")[2]],
    )


def serve(
    request: Request, asset: Asset, cache_control: str, extra: Mapping[str, str] | None = None
) -> Response:
    extras = tuple((extra or {}).items())
    kept = (asset.etag, asset.media_type, cache_control, extras)
    if request.headers.get("if-none-match") == asset.etag:
        return _answer(304, b"", _headers(*kept, "", None))
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return _answer(200, asset.gzipped, _headers(*kept, "gzip", len(asset.gzipped)))
    return _answer(200, asset.body, _headers(*kept, "", len(asset.body)))


def _answer(status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> Response:
    response = Response(status_code=status)
    response.body = body
    response.raw_headers = list(headers)
    return response


@lru_cache(maxsize=8192)
def _headers(
    etag: str,
    media_type: str,
    cache_control: str,
    extra: tuple[tuple[str, str], ...],
    encoding: str,
    length: int | None,
) -> list[tuple[bytes, bytes]]:
    """An answer's headers as Starlette's Response encodes them, made once per asset and kind
    of answer (a 304 when length is None, gzipped or not): the widget and QR codes are asked for
    all the time, and encoding the same headers again was a tenth of their CPU."""
    headers = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
        **dict(extra),
        "X-Content-Type-Options": "nosniff",
    }
    if length is None:
        return Response(status_code=304, headers=headers).raw_headers
    if encoding:
        headers["Content-Encoding"] = encoding
    answer = Response(b"\0" * length, media_type=media_type, headers=headers)
    return answer.raw_headers
