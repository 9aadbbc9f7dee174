"""The reads every click and widget call makes (a campaign, the advocate a code names), kept a
few seconds in a bounded cache of this process.

Several processes on several machines each keep their own, so a change is in force everywhere
once the entries read before it have expired: `cache_seconds` (SHAREBACK_CACHE_SECONDS, 2 by
default) after it at the latest. The process that makes a change forgets its entries at once,
so whoever saved the campaign sees it saved. Only what exists is kept: a code or campaign made a
moment ago on another process is found at once, and a scan of unknown codes fills nothing.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime
from typing import Any

from shareback.storage.database import Database
from shareback.storage.records import (
    Advocate,
    Campaign,
    CampaignChanges,
    CampaignDraft,
    Joined,
    JoinRequest,
)
from shareback.storage.sql.campaigns import CampaignQueries
from shareback.storage.sql.gdpr import GdprQueries
from shareback.storage.sql.referrals import ReferralQueries

CACHE_SECONDS = 2.0
CAMPAIGNS = 1_000
ADVOCATES = 20_000


def clock() -> float:
    """The caches' clock (the tests move it forward)."""
    return time.monotonic()


class TimedCache:
    """At most `maxsize` entries (the least recently used go first), each for `ttl` seconds.
    A few lines of our own rather than a dependency every environment must install: it only
    ever holds, forgets and expires."""

    def __init__(self, maxsize: int, ttl: float) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def __setitem__(self, key: Hashable, value: Any) -> None:
        self._entries[key] = (clock() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def pop(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.pop(key, None)
        return default if entry is None else entry[1]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class CachedReads(CampaignQueries, ReferralQueries, GdprQueries):
    def __init__(self, db: Database, cache_seconds: float = CACHE_SECONDS) -> None:
        super().__init__(db)
        self.cache_seconds = cache_seconds
        ttl = max(cache_seconds, 1e-9)
        self._campaigns: TimedCache = TimedCache(CAMPAIGNS, ttl)  # ("id", 3), ("slug", "x")
        self._advocates: TimedCache = TimedCache(ADVOCATES, ttl)  # code -> Advocate
        self._codes_of: dict[int, set[str]] = {}  # advocate id -> the codes kept of them

    async def campaign(self, slug: str) -> Campaign | None:
        if self.cache_seconds <= 0:
            return await super().campaign(slug)
        found: Campaign | None = self._campaigns.get(("slug", slug))
        if found is None:
            found = await super().campaign(slug)
            if found is not None:
                self._campaigns[("slug", slug)] = found
        return found

    async def campaign_by_id(self, campaign_id: int) -> Campaign | None:
        if self.cache_seconds <= 0:
            return await super().campaign_by_id(campaign_id)
        found: Campaign | None = self._campaigns.get(("id", campaign_id))
        if found is None:
            found = await super().campaign_by_id(campaign_id)
            if found is not None:
                self._campaigns[("id", campaign_id)] = found
        return found

    async def advocate_by_code(self, code: str) -> Advocate | None:
        if self.cache_seconds <= 0:
            return await super().advocate_by_code(code)
        found: Advocate | None = self._advocates.get(code)
        if found is None:
            found = await super().advocate_by_code(code)
            if found is not None:
                if len(self._codes_of) >= 2 * ADVOCATES:  # entries expire without telling
                    self._codes_of.clear()
                    self._advocates.clear()
                self._advocates[code] = found
                self._codes_of.setdefault(found.id, set()).add(code)
        return found

    # What this process changes, it forgets at once.

    async def ensure_campaign(self, draft: CampaignDraft) -> Campaign:
        self._campaigns.clear()
        try:
            return await super().ensure_campaign(draft)
        finally:
            self._campaigns.clear()

    async def create_campaign(self, draft: CampaignDraft) -> Campaign | None:
        self._campaigns.clear()
        try:
            return await super().create_campaign(draft)
        finally:
            self._campaigns.clear()

    async def update_campaign(self, slug: str, changes: CampaignChanges) -> Campaign | None:
        self._campaigns.clear()  # also for its own read of the result
        try:
            return await super().update_campaign(slug, changes)
        finally:
            self._campaigns.clear()

    async def archive_campaign(self, slug: str, at: datetime) -> Campaign | None:
        self._campaigns.clear()  # also for its own read of the result
        try:
            return await super().archive_campaign(slug, at)
        finally:
            self._campaigns.clear()

    async def configure_campaign(
        self,
        slug: str,
        *,
        landing_url: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        shop_name: str | None = None,
    ) -> None:
        self._campaigns.clear()
        try:
            await super().configure_campaign(
                slug, landing_url=landing_url, allowed_origins=allowed_origins, shop_name=shop_name
            )
        finally:
            self._campaigns.clear()

    async def join_campaign(self, request: JoinRequest) -> Joined:
        joined = await super().join_campaign(request)  # reads no advocate through the cache
        self._forget_advocate(joined.advocate.id)
        return joined

    async def advocate_for(
        self,
        campaign_id: int,
        email: str,
        email_key: str,
        name: str | None,
        verified: bool,
        code_prefix: str,
        at: datetime,
        *,
        findable: bool | None = None,
    ) -> tuple[Advocate, bool]:
        advocate, created = await super().advocate_for(
            campaign_id, email, email_key, name, verified, code_prefix, at, findable=findable
        )
        self._forget_advocate(advocate.id)
        return advocate, created

    async def erase_person(self, email_key: str, at: datetime) -> dict[str, int]:
        try:
            return await super().erase_person(email_key, at)
        finally:
            self._advocates.clear()
            self._codes_of.clear()

    def _forget_advocate(self, advocate_id: int) -> None:
        # A join changes one advocate (a name, a late coupon code): its codes go, the rest stay.
        for code in self._codes_of.pop(advocate_id, ()):
            self._advocates.pop(code, None)
