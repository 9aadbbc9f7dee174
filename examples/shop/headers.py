"""Security headers for every response, with a Content-Security-Policy that admits Shareback.

The policy shows integrators what the widget needs: its script, its API calls and its
QR code images come from the Shareback origin; nothing else is loaded from elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(backend_url: str) -> str:
    parts = urlsplit(backend_url)
    backend = f"{parts.scheme}://{parts.netloc}"
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {backend}",
            f"connect-src 'self' {backend}",
            f"img-src 'self' {backend}",  # the QR code comes from Shareback
            # The widget styles its Shadow DOM with a constructable stylesheet, which
            # needs no 'unsafe-inline'; the shop itself has no inline styles either.
            "style-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, backend_url: str) -> None:
        self.app = app
        self.headers = {
            "content-security-policy": content_security_policy(backend_url),
            "x-content-type-options": "nosniff",
            "referrer-policy": "strict-origin-when-cross-origin",
            "x-frame-options": "DENY",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
