"""Rate limits for the public, unauthenticated endpoints, counted where every process sees them.

A limit of `limit` hits per `window_seconds` slides: a key's hits are counted in fixed windows
that follow each other from the key's first hit, and its count at a moment is its count in the
current window plus the previous window's, weighed by the share of that window still inside the
sliding one (exact when the previous window's hits were spread evenly; an address that has just
reached its limit waits about a whole window, as with a log of every hit). Every hit is counted, refused ones too: an address that keeps hammering
stays refused until it stops.

Where the counts live is the `Counters`: in this process (`MemoryCounters`: one process, and the
tests), or in the database (`StoreCounters`: every process on every machine). The store's
counters are asked in rounds: hits arriving while a round is on its way wait for the next one and
go together, in one statement (the same idea as a group commit), so a burst costs one database
round trip per round, not per hit. `allow` and `hit` ask the counters, so they are as exact as the
database across processes. `exceeded`, `wait_seconds` and `retry_after` answer from what this
process last saw of the key (its own rounds, and `refresh`, which reads the keys at their limit
every second): a key another process pushed over its limit is refused here at the latest a
second later, or at this process's next hit of it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

from shareback.keyed_hash import hmac_sha256_hex
from shareback.storage.records import ClickLimit, Hits, RateCount

log = logging.getLogger("shareback.ratelimit")


class Counters(Protocol):
    async def count(self, hits: Sequence[Hits]) -> list[RateCount]: ...

    async def busy(
        self, name: str, now: int, window_seconds: int, limit: int
    ) -> list[RateCount]: ...


def advanced(stored: RateCount, moment: float, window_seconds: int) -> RateCount:
    """The stored count as it stands at `moment` (storage/sql/shared.py does the same in SQL)."""
    if moment < stored.window_start + window_seconds:
        return stored
    if moment < stored.window_start + 2 * window_seconds:
        return RateCount(
            stored.name, stored.key, stored.window_start + window_seconds, 0, stored.hits
        )
    return RateCount(stored.name, stored.key, int(moment), 0, 0)


def estimate(count: RateCount, moment: float, window_seconds: int) -> float:
    """Hits inside the sliding window ending at `moment`."""
    seen = advanced(count, moment, window_seconds)
    still_inside = max(0.0, 1 - (moment - seen.window_start) / window_seconds)
    return seen.hits + seen.prev_hits * still_inside


def seconds_until_below(count: RateCount, moment: float, window_seconds: int, limit: int) -> float:
    """How long until the sliding count of `count` falls below `limit` (0: it is below)."""
    if estimate(count, moment, window_seconds) < limit:
        return 0.0
    seen = advanced(count, moment, window_seconds)
    start = seen.window_start
    if seen.hits < limit and seen.prev_hits > 0:
        # Within this window, once enough of the previous one has slid out.
        share = 1 - (limit - seen.hits) / seen.prev_hits
        return max(0.0, start + window_seconds * share - moment)
    # In the next window, where this one's hits weigh less and less.
    share = 1 - limit / seen.hits if seen.hits else 0.0
    return max(0.0, start + window_seconds * (1 + share) - moment)


class MemoryCounters:
    """Counts in this process only, bounded: past `max_keys` the keys whose windows are over go
    first, then the oldest half."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._counts: OrderedDict[tuple[str, str], RateCount] = OrderedDict()

    async def count(self, hits: Sequence[Hits]) -> list[RateCount]:
        counted = []
        for h in hits:
            place = (h.name, h.key)
            stored = self._counts.get(place) or RateCount(h.name, h.key, h.at, 0, 0)
            seen = advanced(stored, h.at, h.window_seconds)
            now = RateCount(h.name, h.key, seen.window_start, seen.hits + h.hits, seen.prev_hits)
            if place not in self._counts and len(self._counts) >= self.max_keys:
                self._evict(h.at - 2 * h.window_seconds)
            self._counts[place] = now
            self._counts.move_to_end(place)
            counted.append(now)
        return counted

    async def busy(self, name: str, now: int, window_seconds: int, limit: int) -> list[RateCount]:
        return [
            count
            for (owner, _), count in self._counts.items()
            if owner == name and count.window_start > now - 2 * window_seconds
        ]

    def _evict(self, oldest_start: int) -> None:
        for place in [p for p, c in self._counts.items() if c.window_start < oldest_start]:
            del self._counts[place]
        if len(self._counts) >= self.max_keys:
            for place in list(self._counts)[: self.max_keys // 2]:
                del self._counts[place]


class CountingStore(Protocol):
    async def count_hits(self, hits: Sequence[Hits]) -> list[RateCount]: ...

    async def busy_counts(
        self, name: str, now: int, window_seconds: int, limit: int
    ) -> list[RateCount]: ...


Waiting = tuple["asyncio.Future[RateCount]", int]  # a hit's answer to come, and how many hits


class StoreCounters:
    """Counts in the database, in rounds: one statement for every hit that came in meanwhile."""

    def __init__(self, store: CountingStore) -> None:
        self.store = store
        self.rounds = 0  # for the tests and the curious: how many statements the hits took
        # (name, key, window_seconds) -> the latest moment among its waiting hits, and the hits
        self._waiting: dict[tuple[str, str, int], tuple[int, list[Waiting]]] = {}
        self._round: asyncio.Task[None] | None = None

    async def count(self, hits: Sequence[Hits]) -> list[RateCount]:
        loop = asyncio.get_running_loop()
        futures = []
        for h in hits:
            future: asyncio.Future[RateCount] = loop.create_future()
            place = (h.name, h.key, h.window_seconds)
            latest, waiting = self._waiting.get(place, (h.at, []))
            waiting.append((future, h.hits))
            self._waiting[place] = (max(latest, h.at), waiting)
            futures.append(future)
        if self._round is None or self._round.done():
            self._round = asyncio.create_task(self._rounds())
        return list(await asyncio.gather(*futures))

    async def busy(self, name: str, now: int, window_seconds: int, limit: int) -> list[RateCount]:
        return await self.store.busy_counts(name, now, window_seconds, limit)

    async def _rounds(self) -> None:
        while self._waiting:
            waiting, self._waiting = self._waiting, {}
            hits = [
                Hits(name, key, latest, seconds, sum(n for _, n in waiting_hits))
                for (name, key, seconds), (latest, waiting_hits) in waiting.items()
            ]
            try:
                counted = await self.store.count_hits(hits)
            except Exception as exc:  # every waiting hit hears of it (and fails open)
                for _, waiting_hits in waiting.values():
                    for future, _ in waiting_hits:
                        if not future.done():
                            future.set_exception(exc)
                continue
            self.rounds += 1
            by_key = {(c.name, c.key): c for c in counted}
            for (name, key, _), (_, waiting_hits) in waiting.items():
                after = by_key[(name, key)]
                # Each hit of the round learns its own place in the count: the k-th of them sees
                # the count as it stood after the first k.
                before = after.hits - sum(n for _, n in waiting_hits)
                for future, n in waiting_hits:
                    before += n
                    if not future.done():
                        future.set_result(
                            RateCount(name, key, after.window_start, before, after.prev_hits)
                        )


def keyed(secret: str, name: str, key: str) -> str:
    """What the database keeps of a key (an address, a network): a keyed hash, never the key."""
    return hmac_sha256_hex(secret.encode(), f"{name}\x00{key}".encode())[:32]


class RateLimiter:
    def __init__(
        self,
        limit: int,
        window_seconds: float,
        max_keys: int = 100_000,
        *,
        name: str = "limit",
        counters: Counters | None = None,
        secret: str | None = None,
    ) -> None:
        self.limit = limit
        self.window = max(1, math.ceil(window_seconds))
        self.max_keys = max_keys
        self.name = name
        self.counters: Counters = counters or MemoryCounters(max_keys)
        self._secret = secret
        # What this process last saw of each key, for the checks that do not ask the database.
        self._seen: OrderedDict[str, RateCount] = OrderedDict()

    def _key(self, key: str) -> str:
        return key if self._secret is None else keyed(self._secret, self.name, key)

    async def _count(self, key: str, moment: float) -> RateCount:
        stored = self._key(key)
        (counted,) = await self.counters.count(
            [Hits(self.name, stored, int(moment), self.window, 1)]
        )
        self._remember(stored, counted)
        return counted

    async def allow(self, key: str, now: float | None = None) -> bool:
        """Counts a hit; True while the key is within its limit (counting it). When the count
        cannot be made (the database is away) the hit is let through: a limit is no reason to
        turn a shopper away."""
        moment = time.time() if now is None else now
        try:
            counted = await self._count(key, moment)
        except Exception:
            log.warning("rate limit %s: the count failed; letting the hit through", self.name)
            return True
        return estimate(counted, moment, self.window) <= self.limit

    def counted_in_write(self, key: str) -> ClickLimit:
        """This limit for a hit that the store counts inside the write it comes with (a referral
        click, in its batch's transaction: storage/sql/clicks.py), not in a round of its own.
        The store answers with the write whether the hit was within the limit; this process
        learns nothing of the count (`exceeded` and `wait_seconds` do not know of such hits)."""
        return ClickLimit(self.name, self._key(key), self.window, self.limit)

    async def hit(self, key: str, now: float | None = None) -> None:
        """Counts a hit without asking (failures counted apart from the check)."""
        moment = time.time() if now is None else now
        try:
            await self._count(key, moment)
        except Exception:
            log.warning("rate limit %s: the count failed", self.name)

    def exceeded(self, key: str, now: float | None = None) -> bool:
        """Whether `key` is at its limit, without counting a hit."""
        return self.wait_seconds(key, now) is not None

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Whole seconds until `key` may try again (at least 1)."""
        return self.wait_seconds(key, now) or 1

    def wait_seconds(self, key: str, now: float | None = None) -> int | None:
        """Whole seconds until `key` may try again, None when it may now; records nothing."""
        if not self._seen:  # nothing known of any key (the usual case): no need to hash this one
            return None
        moment = time.time() if now is None else now
        seen = self._seen.get(self._key(key))
        if seen is None:
            return None
        wait = seconds_until_below(seen, moment, self.window, self.limit)
        return None if wait <= 0 else max(1, math.ceil(wait))

    async def refresh(self, now: float | None = None) -> None:
        """Learns the keys other processes brought to the limit."""
        moment = time.time() if now is None else now
        for count in await self.counters.busy(self.name, int(moment), self.window, self.limit):
            self._remember(count.key, count)

    def _remember(self, stored: str, count: RateCount) -> None:
        known = self._seen.get(stored)
        # A later round of ours may have answered first and seen more: keep the most.
        if known is not None and (known.window_start, known.hits) > (
            count.window_start,
            count.hits,
        ):
            return
        self._seen[stored] = count
        self._seen.move_to_end(stored)
        while len(self._seen) > self.max_keys:
            self._seen.popitem(last=False)
