"""The friend's side of a referral: which `ref` this shopper came with, and what it is worth.

The Shareback widget keeps the `ref` of a referral link in the first-party cookie
`shareback_ref`. The shop also remembers `?ref=` in its own session, because a
shopper may reach the checkout before the widget script has run.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, quote, unquote

import httpx
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from .config import ShopConfig

COOKIE = "shareback_ref"
SESSION_KEY = "shareback_ref"
MAX_LENGTH = 500  # Shareback refuses longer refs
LOOKUP_TIMEOUT_SECONDS = 3.0


def referral_token(request: Request) -> str | None:
    cookie = request.cookies.get(COOKIE)
    if cookie and len(cookie) <= MAX_LENGTH:
        return unquote(cookie)
    remembered = request.session.get(SESSION_KEY)
    return remembered if isinstance(remembered, str) and remembered else None


class RememberReferral:
    """Keeps `?ref=` of any page in the session; must run inside SessionMiddleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"ref=" in scope.get("query_string", b""):
            query = parse_qs(scope["query_string"].decode("latin-1"))
            ref = query.get("ref", [""])[-1]
            if ref and len(ref) <= MAX_LENGTH:
                scope["session"][SESSION_KEY] = ref
        await self.app(scope, receive, send)


def friend_discount(offer: FriendOffer | None) -> tuple[Decimal | None, str | None]:
    """(percent, referrer's first name) for compute_totals; (None, None) without an offer."""
    return (offer.percent, offer.referrer_name) if offer else (None, None)


@dataclass(frozen=True)
class FriendOffer:
    percent: Decimal
    referrer_name: str | None = None


async def fetch_friend_offer(
    client: httpx.AsyncClient, config: ShopConfig, ref: str | None
) -> FriendOffer | None:
    """Asks Shareback whether `ref` is valid and what the friend gets; None on any failure.

    A referral discount is a bonus: an unreachable Shareback must never block a sale.
    """
    if not ref:
        return None
    url = f"{config.backend}/api/v1/campaigns/{quote(config.campaign, safe='')}/widget"
    try:
        response = await client.get(
            url, params={"lang": "nl", "ref": ref}, timeout=LOOKUP_TIMEOUT_SECONDS
        )
        response.raise_for_status()
        answer: Any = response.json()
    except (httpx.HTTPError, ValueError):
        return None
    return _friend_offer(answer)


def _friend_offer(answer: Any) -> FriendOffer | None:
    if not isinstance(answer, dict) or answer.get("ref") != "valid":
        return None
    rewards = answer.get("rewards")
    friend = rewards.get("friend") if isinstance(rewards, dict) else None
    if not isinstance(friend, dict) or friend.get("type") != "percent_discount":
        return None
    try:
        percent = Decimal(str(friend.get("value")))
    except InvalidOperation:
        return None
    if not percent.is_finite() or not 0 < percent <= 100:
        return None
    friend_info = answer.get("friend")
    name = friend_info.get("referrer_name") if isinstance(friend_info, dict) else None
    return FriendOffer(percent=percent, referrer_name=name if isinstance(name, str) else None)
