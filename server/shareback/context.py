"""Typed access to what the lifespan put on every request's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import Request

from shareback.auth.throttle import PasswordChecks
from shareback.ratelimit import RateLimiter

if TYPE_CHECKING:
    from shareback.metrics import RequestMetrics
from shareback.settings import Secrets, Settings
from shareback.storage.base import Store
from shareback.visitors import network_of

CLICKS_PER_HOUR = 20
CODE_MISSES = 20
CODE_MISS_SECONDS = 600


@dataclass(frozen=True)
class Context:
    settings: Settings
    secrets: Secrets
    store: Store
    limiter: RateLimiter
    metrics: RequestMetrics
    # The checkout's referrer look-up, per IP: enough to type a name, too few to list customers.
    lookup_limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(limit=20, window_seconds=60)
    )
    # New friends' codes per IP and hour: enough for the friends behind one mobile carrier's
    # shared address, too few for a script draining the pool.
    friend_code_limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(limit=30, window_seconds=3600)
    )
    # Unknown or revoked API keys per network and 10 minutes: a client with a stale key retries
    # a few times; a script guessing keys is stopped (429) before it gets far.
    key_failure_limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(limit=20, window_seconds=600)
    )
    # The dashboard's scrypt runs at once (sign-in, second factor, new users).
    password_checks: PasswordChecks = field(default_factory=PasswordChecks)
    # Counted clicks per hashed IP and hour, all links together: a family or an office clicks a
    # few; a script inflating a link's clicks is still sent on to the shop, just not counted.
    click_limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(limit=CLICKS_PER_HOUR, window_seconds=3600)
    )
    # Unknown codes on /r/ and /qr/ per IP: a mistyped link or two, never a scan of the code
    # space (past the limit every look-up from the address answers 429 until the window ends,
    # so 303 and 404 cannot be told apart).
    code_miss_limiter: RateLimiter = field(
        default_factory=lambda: RateLimiter(limit=CODE_MISSES, window_seconds=CODE_MISS_SECONDS)
    )


def context(request: Request) -> Context:
    ctx: Context = request.state.ctx
    return ctx


def client_ip(request: Request) -> str:
    """The client's network, as every per-client limit and hash counts it: an IPv4 address or
    an IPv6 /64 (visitors.network_of), so rotating through a /64 gains nothing."""
    return network_of(request.client.host) if request.client else "0.0.0.0"
