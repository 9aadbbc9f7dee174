"""Rows of the contest tables, as the store hands them out (storage/sql/contests.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # contests.py words names through wording.py, which imports the store's types
    from shareback.contests import ContestPlan, Entry, Prize


@dataclass(frozen=True)
class NewContest:
    campaign_id: int
    plan: ContestPlan
    actor: str
    at: datetime


@dataclass(frozen=True)
class Contest:
    id: int
    campaign_id: int
    campaign_slug: str
    name: str
    starts_at: datetime
    ends_at: datetime
    prizes: tuple[Prize, ...]
    created_by: str
    created_at: datetime
    cancelled_at: datetime | None
    settled_at: datetime | None


@dataclass(frozen=True)
class AwardedPrize:
    """A prize given when the contest settled: the place, the winner and the reward's state."""

    rank: int
    advocate_id: int
    reward_id: int
    reward_status: str
    awarded_at: datetime


@dataclass(frozen=True)
class ContestEntries:
    """Every advocate with a successful friend in the window (the pure rules rank them)."""

    entries: tuple[Entry, ...]
    awarded: tuple[AwardedPrize, ...]
