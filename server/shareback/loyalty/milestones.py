"""Milestone rewards and the cap: given an advocate's successful referrals and the milestones they
hold, which to award and which to withdraw. Pure: the store gathers the count inside the order's
or the refund's transaction, calls these, and writes what they say."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from shareback.loyalty.plan import Milestone


@dataclass(frozen=True)
class Settlement:
    award: tuple[Milestone, ...]  # reached and not held: awarded now
    withdraw: tuple[int, ...]  # held but no longer reached (a refund took the count below)


def settle(milestones: Sequence[Milestone], friends: int, held: Collection[int]) -> Settlement:
    """`friends` is the count of successful referrals; `held` the milestones (their `friends`)
    the advocate holds a live award of. A milestone taken out of the plan is kept where given:
    only a count that falls below it withdraws it."""
    award = tuple(m for m in milestones if m.friends <= friends and m.friends not in held)
    withdraw = tuple(sorted(n for n in held if n > friends))
    return Settlement(award, withdraw)


def referrer_reward_due(friends_before: int, cap: int | None) -> bool:
    """The Dropbox cap: a friend earns the referrer their per-friend reward while the successful
    referrals before this one are fewer than the cap."""
    return cap is None or friends_before < cap


def next_milestone(
    milestones: Sequence[Milestone], friends: int, cap: int | None
) -> Milestone | None:
    """The first milestone still ahead (none past the cap)."""
    ahead = [m for m in milestones if m.friends > friends and (cap is None or m.friends <= cap)]
    return min(ahead, key=lambda m: m.friends, default=None)
