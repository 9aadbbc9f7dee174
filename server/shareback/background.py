"""The loops every process runs beside the requests, safe in any number of processes on any
number of machines: the approval round under a lease in the database (one process at a time),
the click retention round under another, the validation callbacks and webhook deliveries claimed
row by row (outgoing/), and the shared rate limits' refresh."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta

from shareback import tokens
from shareback.outgoing.validation import RewardValidator
from shareback.ratelimit import RateLimiter
from shareback.storage.base import Store

log = logging.getLogger("shareback")

APPROVAL_LEASE = "approve-rewards"
RETENTION_LEASE = "click-retention"
# Old clicks are deleted once an hour at most: a day's worth goes in one round.
RETENTION_INTERVAL_SECONDS = 3600.0
LIMITS_REFRESH_SECONDS = 1.0


def approval_lease(interval: float) -> timedelta:
    """Long enough to outlive a slow round, short enough that another process takes over soon
    after the holder dies: three rounds, and never under 30 seconds."""
    return timedelta(seconds=max(30.0, 3 * interval))


async def approve_due(store: Store, holder: str, lease: timedelta) -> int | None:
    """One approval round if this process holds (or now takes) the lease; None if another does.
    The round is idempotent in itself (only pending rewards move, each once: see
    approve_due_rewards), so two holders on machines whose clocks disagree by more than the lease
    would still approve nothing twice; the lease keeps the other processes from doing the work
    again every round."""
    now = tokens.now_utc()
    if not await store.take_lease(APPROVAL_LEASE, holder, now, now + lease):
        return None
    # Contests past their hold period get their prizes first: approved in this same round.
    prizes = await store.settle_due_contests(now)
    if prizes:
        log.info("gave %d contest prizes", len(prizes))
    approved = await store.approve_due_rewards(now)
    if approved:
        log.info("approved %d rewards whose hold period ended", approved)
    commissions = await store.approve_due_commissions(now)
    if commissions:
        log.info("approved %d partner commissions whose hold period ended", commissions)
    # Old IP salts, failed sign-ins and old rate counts go as soon as no rule needs them.
    await store.forget_expired(now)
    return approved


async def approve_rewards_forever(
    store: Store, interval: float, validator: RewardValidator | None = None
) -> None:
    """Hold periods end on their own; campaigns with a validation callback ask the shop first,
    each reward claimed under a lease of its own (any process may ask, none asks twice)."""
    holder = "approver-" + secrets.token_hex(6)
    lease = approval_lease(interval)
    try:
        while True:
            try:
                await approve_due(store, holder, lease)
                while validator is not None:
                    report = await validator.validate_due()
                    if report.approved + report.revoked + report.retrying < validator.batch:
                        break  # a full batch means more may be due: ask again at once
            except Exception:
                log.exception("approving due rewards failed; will retry")
            await asyncio.sleep(interval)
    finally:
        # Stopping: the next process need not wait for the lease to lapse.
        try:
            await asyncio.shield(store.release_lease(APPROVAL_LEASE, holder))
        except Exception:
            log.warning("could not give up the approval lease; it lapses on its own")


async def delete_old_clicks(
    store: Store, keep_days: int, holder: str, lease: timedelta
) -> int | None:
    """One retention round if this process holds (or now takes) the lease; None if another does.
    The round is idempotent (it deletes only clicks already in the daily rollups)."""
    now = tokens.now_utc()
    if not await store.take_lease(RETENTION_LEASE, holder, now, now + lease):
        return None
    done = await store.delete_rolled_up_clicks(keep_days, now)
    if done.clicks:
        log.info(
            "deleted %d raw clicks from before %s (their days are rolled up)",
            done.clicks,
            done.before,
        )
    return done.clicks


async def delete_old_clicks_forever(
    store: Store, keep_days: int, interval: float = RETENTION_INTERVAL_SECONDS
) -> None:
    """SHAREBACK_CLICK_RETENTION_DAYS (0: never): raw clicks older than that many shop days go,
    in one process at a time (the lease outlives two rounds, so its holder keeps it)."""
    if keep_days <= 0:
        return
    holder = "retention-" + secrets.token_hex(6)
    lease = timedelta(seconds=max(60.0, 2.5 * interval))
    try:
        while True:
            try:
                await delete_old_clicks(store, keep_days, holder, lease)
            except Exception:
                log.exception("deleting old clicks failed; will retry")
            await asyncio.sleep(interval)
    finally:
        try:
            await asyncio.shield(store.release_lease(RETENTION_LEASE, holder))
        except Exception:
            log.warning("could not give up the retention lease; it lapses on its own")


CUSTOMER_SYNC_LEASE = "customer-sync"


async def sync_customers_forever(store: Store, interval: float) -> None:
    """customer.updated, debounced: one round every `interval` seconds (SHAREBACK_CUSTOMER_SYNC_
    SECONDS) sends each customer whose referral facts changed since the last event one event
    with the facts as they stand, however many clicks came in between; one process at a time."""
    if interval <= 0:
        return
    holder = "customer-sync-" + secrets.token_hex(6)
    lease = timedelta(seconds=max(60.0, 2.5 * interval))
    since = None
    try:
        while True:
            # The first round one interval after start: a restart sends no burst of its own.
            await asyncio.sleep(interval)
            try:
                now = tokens.now_utc()
                if await store.take_lease(CUSTOMER_SYNC_LEASE, holder, now, now + lease):
                    sent = await store.sync_customer_facts(since, now)
                    if sent:
                        log.info("customer.updated: %d customers' referral facts changed", sent)
                    since = now
            except Exception:
                log.exception("sending customer.updated failed; will retry")
    finally:
        try:
            await asyncio.shield(store.release_lease(CUSTOMER_SYNC_LEASE, holder))
        except Exception:
            log.warning("could not give up the customer-sync lease; it lapses on its own")


async def refresh_limits_forever(
    limiters: Sequence[RateLimiter], interval: float = LIMITS_REFRESH_SECONDS
) -> None:
    """The keys other processes brought to their limit, learnt every `interval` seconds."""
    while True:
        for limiter in limiters:
            try:
                await limiter.refresh()
            except Exception:
                log.warning("refreshing rate limit %s failed; will retry", limiter.name)
        await asyncio.sleep(interval)
