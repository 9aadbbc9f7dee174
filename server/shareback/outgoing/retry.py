"""When to try a failed delivery again: exponential backoff with jitter, for up to three days."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

GIVE_UP_AFTER = timedelta(days=3)
FIRST_DELAY = timedelta(seconds=5)
LONGEST_DELAY = timedelta(hours=6)
EVENT_TYPES = (
    "advocate.created",
    "advocate.updated",
    "advocate.tier_changed",
    "referral.converted",
    "reward.created",
    "reward.approved",
    "reward.fulfilled",
    "reward.revoked",
    "reward.clawed_back",
    "friend_code.issued",
    "friend_code.pool_exhausted",
    "payout_batch.created",
    "payout_batch.paid",
    "experiment.started",
    "experiment.concluded",
)


def backoff(attempts: int, rand: random.Random | None = None) -> timedelta:
    """5 s, 10 s, 20 s … doubling to at most 6 h, each ±25 % so that retries don't arrive in herds."""
    base: timedelta = min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), LONGEST_DELAY)
    jitter: float = (rand or random).uniform(0.75, 1.25)
    return base * jitter


def next_attempt(
    attempts: int, created_at: datetime, now: datetime, rand: random.Random | None = None
) -> datetime | None:
    """None once the next try would fall beyond three days after the event: the delivery is dead."""
    moment = now + backoff(attempts, rand)
    return moment if moment - created_at <= GIVE_UP_AFTER else None
