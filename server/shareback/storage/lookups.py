"""The look-ups every referral click, QR code and order makes (the advocate a code names, the
campaign by id), kept in memory for a few seconds.

Bounded (the least recently stored go first) and short-lived: a change this process makes
through the store clears them at once (Store.clear_lookups, called by the store's own write
verbs); a change another process made is in force here within LOOKUP_TTL_SECONDS, or at once
for a process told to clear_lookups(). Misses are not kept: a new advocate's link works at once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

LOOKUP_TTL_SECONDS = 5.0


class TtlCache(Generic[K, V]):
    def __init__(self, ttl: float, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        if self._clock() >= item[0]:
            del self._items[key]
            return None
        return item[1]

    def put(self, key: K, value: V) -> None:
        self._items[key] = (self._clock() + self._ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class Lookups:
    """The store's kept look-ups, by kind."""

    def __init__(
        self, ttl: float = LOOKUP_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.advocates: TtlCache[str, object] = TtlCache(ttl, 10_000, clock)
        self.campaigns: TtlCache[int, object] = TtlCache(ttl, 1_000, clock)

    def clear(self) -> None:
        self.advocates.clear()
        self.campaigns.clear()
