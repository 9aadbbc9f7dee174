"""The Bearer check in front of the owner's API: an active API key or SHAREBACK_ADMIN_API_KEY,
with the scope the request needs, and no more than a few wrong keys per network."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shareback import tokens
from shareback.auth.keys import FULL, SAFE_METHODS, token_hash
from shareback.context import Context, client_ip, context
from shareback.errors import error_response
from shareback.visitors import network_of

ADMIN_KEY_ACTOR = "SHAREBACK_ADMIN_API_KEY"
# Our keys are ~47 characters; anything far longer is not worth hashing and looking up.
MAX_TOKEN_LENGTH = 256


@dataclass(frozen=True)
class Actor:
    """Who is calling: what the audit trail records, and the API key's id (None: the env key)."""

    name: str
    key_id: int | None
    scope: str = FULL


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token


async def authenticate(ctx: Context, token: str, now: datetime) -> Actor | None:
    admin_key = ctx.settings.admin_api_key
    if admin_key is not None and hmac.compare_digest(token.encode(), admin_key.encode()):
        return Actor(ADMIN_KEY_ACTOR, None)
    key = await ctx.store.api_key(token_hash(token), now)
    if key is None:
        return None
    # Names need not be unique; the prefix is what `shareback keys list` shows beside them.
    return Actor(f"{key.name} ({key.prefix}…)", key.id, key.scope)


def too_many_wrong_keys(retry_after: int) -> Response:
    return error_response(
        429,
        "rate_limited",
        "Too many unknown or revoked API keys from your network; try again later.",
        headers={"Retry-After": str(retry_after)},
    )


def insufficient_scope() -> Response:
    # RFC 6750 section 3.1: the key is good, but not for this.
    return error_response(
        403,
        "insufficient_scope",
        "This API key is read-only: it may only read (GET). Use a full key to change things.",
        headers={
            "WWW-Authenticate": 'Bearer realm="shareback", error="insufficient_scope", scope="full"'
        },
    )


class BearerGuard:
    """Route middleware: answers 401 unless the request carries a key in force, and keeps
    authenticated answers out of shared caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        ctx = context(request)
        token = bearer_token(request.headers.get("authorization"))
        network = network_of(client_ip(request))
        limiter = ctx.key_failure_limiter
        if token is not None and limiter.exceeded(network):
            # Checked before the key: even a right one waits, so guessing learns nothing here.
            await too_many_wrong_keys(limiter.retry_after(network))(scope, receive, send)
            return
        found = None
        if token is not None:
            found = await authenticate(ctx, token, tokens.now_utc())
        if found is None:
            if token is not None:
                await limiter.hit(network)
            if token is None:
                message = "Send an API key as 'Authorization: Bearer <key>'."
                challenge = 'Bearer realm="shareback"'
            else:
                message = "This API key is unknown or has been revoked."
                challenge = 'Bearer realm="shareback", error="invalid_token"'
            response = error_response(
                401, "unauthorized", message, headers={"WWW-Authenticate": challenge}
            )
            await response(scope, receive, send)
            return
        if found.scope != FULL and request.method not in SAFE_METHODS:
            await insufficient_scope()(scope, receive, send)
            return
        request.state.actor = found

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_private)


GUARDED = [Middleware(BearerGuard)]


def actor(request: Request) -> Actor:
    found: Actor = request.state.actor
    return found
