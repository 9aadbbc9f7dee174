"""A small in-process sliding-window limiter for the public, unauthenticated endpoints.

Each process counts on its own (several workers each allow the limit); issue 9 moves the limits
into the database on PostgreSQL."""

from __future__ import annotations

import math
import time
from collections import deque


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        if len(self._hits) >= self.max_keys and key not in self._hits:
            self._evict(moment)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= moment - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(moment)
        return True

    def exceeded(self, key: str, now: float | None = None) -> bool:
        """Whether `key` is at its limit, without counting a hit (failures are counted apart)."""
        moment = time.monotonic() if now is None else now
        hits = self._hits.get(key)
        if not hits:
            return False
        while hits and hits[0] <= moment - self.window:
            hits.popleft()
        return len(hits) >= self.limit

    def hit(self, key: str, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        if len(self._hits) >= self.max_keys and key not in self._hits:
            self._evict(moment)
        self._hits.setdefault(key, deque()).append(moment)

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Whole seconds until the oldest hit of `key` leaves the window (at least 1)."""
        moment = time.monotonic() if now is None else now
        hits = self._hits.get(key)
        if not hits:
            return 1
        return max(1, int(hits[0] + self.window - moment + 0.999))

    def wait_seconds(self, key: str, now: float | None = None) -> int | None:
        """Whole seconds until `key` may try again, None when it may now; records nothing (a
        miss is counted with allow, only when it happens)."""
        moment = time.monotonic() if now is None else now
        hits = self._hits.get(key)
        while hits and hits[0] <= moment - self.window:
            hits.popleft()
        if not hits or len(hits) < self.limit:
            return None
        return max(1, math.ceil(hits[0] + self.window - moment))

    def _evict(self, moment: float) -> None:
        stale = [
            key for key, hits in self._hits.items() if not hits or hits[-1] <= moment - self.window
        ]
        for key in stale:
            del self._hits[key]
        if len(self._hits) >= self.max_keys:  # all busy: forget the oldest half rather than grow
            for key in list(self._hits)[: self.max_keys // 2]:
                del self._hits[key]
