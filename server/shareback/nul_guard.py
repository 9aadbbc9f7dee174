"""Refuses a request whose path or query string holds a NUL (%00) before any handler sees it:
no one types one, and PostgreSQL can neither store nor even compare text that holds one."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from shareback import error_page
from shareback.errors import error_response, html_page, wants_html

MESSAGE = "The address holds a NUL character (%00); no page or parameter has one."
TEXTS = (
    error_page.Text("nl", "Ongeldig adres", "Het adres bevat een NUL-teken (%00)."),
    error_page.Text("en", "Bad request", MESSAGE),
)


def holds_nul(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    query: bytes = scope.get("query_string", b"")
    return "\x00" in path or b"\x00" in unquote_to_bytes(query)


class NulGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not holds_nul(scope):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        response: Response
        if wants_html(request):
            response = html_page(request, 400, TEXTS)
        else:
            response = error_response(400, "bad_request", MESSAGE)
        await response(scope, receive, send)
