"""Typed access to what the lifespan put on every request's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from secrets import token_urlsafe
from typing import TYPE_CHECKING

from starlette.requests import Request

from shareback.auth.throttle import PasswordChecks
from shareback.contest_board import Boards
from shareback.ratelimit import RateLimiter, StoreCounters

if TYPE_CHECKING:
    from shareback.metrics import RequestMetrics
from shareback.settings import Secrets, Settings
from shareback.storage.base import Store
from shareback.visitors import network_of

CLICKS_PER_HOUR = 20
CODE_MISSES = 20
CODE_MISS_SECONDS = 600
ADVOCATE_LINKS = 5
ADVOCATE_LINK_SECONDS = 900


@dataclass(frozen=True)
class Context:
    settings: Settings
    secrets: Secrets
    store: Store
    # Sign-ups and events per IP and minute (keys "advocates:…", "events:…").
    limiter: RateLimiter
    metrics: RequestMetrics
    # The checkout's referrer look-up, per IP: enough to type a name, too few to list customers.
    lookup_limiter: RateLimiter
    # New friends' codes per IP and hour: enough for the friends behind one mobile carrier's
    # shared address, too few for a script draining the pool.
    friend_code_limiter: RateLimiter
    # Unknown or revoked API keys per network and 10 minutes: a client with a stale key retries
    # a few times; a script guessing keys is stopped (429) before it gets far.
    key_failure_limiter: RateLimiter
    # Counted clicks per hashed IP and hour, all links together: a family or an office clicks a
    # few; a script inflating a link's clicks is still sent on to the shop, just not counted.
    click_limiter: RateLimiter
    # Unknown codes on /r/ and /qr/ per IP: a mistyped link or two, never a scan of the code
    # space (past the limit every look-up from the address answers 429 until the window ends,
    # so 303 and 404 cannot be told apart).
    code_miss_limiter: RateLimiter
    # Requests for the advocate's page link per IP (portal/page.py): a person who mistyped their
    # address tries again; a script mailing links to a list of addresses is stopped.
    advocate_link_limiter: RateLimiter
    # The dashboard's scrypt runs at once (sign-in, second factor, new users): a CPU budget, so
    # per process by design.
    password_checks: PasswordChecks = field(default_factory=PasswordChecks)
    # The widget's contest per campaign, for a few seconds (contest_board.py).
    boards: Boards = field(default_factory=Boards)

    @property
    def watched_limiters(self) -> tuple[RateLimiter, ...]:
        """The limiters checked without counting (exceeded, wait_seconds): they learn every
        second which keys other processes brought to their limit."""
        return (self.key_failure_limiter, self.code_miss_limiter)


async def new_context(
    settings: Settings, secrets: Secrets, store: Store, metrics: RequestMetrics
) -> Context:
    """Every limit counted in the database, so every process on every machine shares it; the
    database keeps keyed hashes of the addresses, never an address."""
    counters = StoreCounters(store)
    kept = await store.keep_secrets({"rate_limit_key": token_urlsafe(32)})

    def limit(name: str, limit: int, window_seconds: float) -> RateLimiter:
        # RateLimiter looked up here at call time: the fuzz run swaps it for a generous one.
        return RateLimiter(
            limit, window_seconds, name=name, counters=counters, secret=kept["rate_limit_key"]
        )

    return Context(
        settings,
        secrets,
        store,
        limit("public", 120, 60),
        metrics,
        lookup_limiter=limit("lookup", 20, 60),
        friend_code_limiter=limit("friend-code", 30, 3600),
        key_failure_limiter=limit("key-failure", 20, 600),
        click_limiter=limit("click", CLICKS_PER_HOUR, 3600),
        code_miss_limiter=limit("code-miss", CODE_MISSES, CODE_MISS_SECONDS),
        advocate_link_limiter=limit("advocate-link", ADVOCATE_LINKS, ADVOCATE_LINK_SECONDS),
    )


def context(request: Request) -> Context:
    # The lifespan's state as the server hands it to every request (what request.state wraps,
    # read without making the wrapper: every request asks).
    ctx: Context | None = request.scope.get("state", {}).get("ctx")
    if ctx is None:
        ctx = request.state.ctx
    return ctx


def client_ip(request: Request) -> str:
    """The client's network, as every per-client limit and hash counts it: an IPv4 address or
    an IPv6 /64 (visitors.network_of), so rotating through a /64 gains nothing."""
    return network_of(request.client.host) if request.client else "0.0.0.0"
