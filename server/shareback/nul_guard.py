"""NUL characters never reach the database: PostgreSQL's text cannot hold them (SQLite's can, so
the two would disagree), and no shop, code or address contains one. A path or query carrying one
is a clear 400 before any route runs. Text from bodies is refused by the storage engines
(storage.database.InvalidText), which errors.py answers with a 400 too."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

BODY = json.dumps(
    {
        "error": {
            "code": "invalid_parameter",
            "message": "The request's path or query contains a NUL character.",
        }
    }
).encode()


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            b"%00" in scope.get("query_string", b"")
            or "\x00" in scope.get("path", "")
            or b"%00" in (scope.get("raw_path") or b"")
        ):
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(BODY)).encode()),
                        (b"cache-control", b"no-store"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": BODY})
            return
        await self.app(scope, receive, send)
