"""The bounded, short-lived cache behind the store's kept look-ups (storage/lookups.py)."""

from __future__ import annotations

from shareback.storage.lookups import Lookups, TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_item_is_kept_for_its_ttl_then_read_again() -> None:
    clock = Clock()
    cache: TtlCache[str, int] = TtlCache(5.0, 10, clock)
    cache.put("a", 1)
    clock.now += 4.9
    assert cache.get("a") == 1
    clock.now += 0.1
    assert cache.get("a") is None
    assert len(cache) == 0


def test_the_cache_is_bounded_and_drops_the_oldest_first() -> None:
    cache: TtlCache[int, int] = TtlCache(5.0, 3, Clock())
    for key in range(5):
        cache.put(key, key * 10)
    assert len(cache) == 3
    assert [cache.get(key) for key in range(5)] == [None, None, 20, 30, 40]
    cache.put(2, 21)  # stored again: the newest now
    cache.put(5, 50)
    assert [cache.get(key) for key in (2, 3, 4, 5)] == [21, None, 40, 50]


def test_clear_forgets_every_kind() -> None:
    lookups = Lookups(clock=Clock())
    lookups.advocates.put("ANNA-7KQ2", object())
    lookups.campaigns.put(1, object())
    lookups.clear()
    assert lookups.advocates.get("ANNA-7KQ2") is None and lookups.campaigns.get(1) is None
