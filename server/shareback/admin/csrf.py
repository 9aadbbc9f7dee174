"""Cross-site request forgery: every dashboard form carries a token, and posts come from here."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from shareback import numbers
from shareback.admin.render import PageError
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.urls import origin_of

FIELD = "csrf"
# Before sign-in there is no session to hold the token: the login form double-submits a cookie.
LOGIN_COOKIE = "shareback_login_csrf"
MAX_FIELDS = 2000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: object) -> bool:
    if not expected or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def own_origins(request: Request) -> set[str]:
    """The public URL's origin, and the one the browser used (a proxy may rewrite the host)."""
    return {
        origin_of(context(request).settings.public_url),
        origin_of(str(request.base_url)),
    }


def comes_from_here(request: Request) -> bool:
    """Browsers send Origin on every form post (Referer as a fallback); neither may be foreign.
    A client that sends neither is no browser a forged page could drive, and still needs the token."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin in own_origins(request)
    referer = request.headers.get("referer")
    if referer is not None:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" in own_origins(request)
    return True


async def read_form(request: Request) -> FormData:
    limit = context(request).settings.max_body_bytes
    declared = request.headers.get("content-length", "")
    if numbers.declared_over(declared, limit):
        raise HTTPException(413, f"The form is larger than {limit} bytes.")
    return await request.form(max_files=0, max_fields=MAX_FIELDS)


async def read_upload(request: Request, limit: int, too_large: str) -> FormData:
    """A multipart form with at most one file, the whole body at most `limit` bytes: counted as
    it arrives, so a client that sends no Content-Length cannot fill the disk either."""
    declared = request.headers.get("content-length", "")
    if numbers.declared_over(declared, limit):
        raise PageError(413, _("That file is too large"), too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PageError(413, _("That file is too large"), too_large)
        chunks.append(chunk)
    body = b"".join(chunks)

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return await Request(request.scope, replay).form(max_files=1, max_fields=MAX_FIELDS)
