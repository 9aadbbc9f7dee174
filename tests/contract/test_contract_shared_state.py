"""Contract: what several processes share through the database, rate-limit counters and leases,
counted and taken exactly under concurrent callers (on PostgreSQL also from four processes)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from shareback.settings import Settings
from shareback.storage.base import Store
from shareback.storage.records import ClickLimit, Hits, RateCount
from store_contract import T0, at, contract, covers, join, make_campaign, run
from store_contract_parallel import parallel
from support import count, db_rows

HOUR = 3600
START = int(T0.timestamp()) // HOUR * HOUR
MODES = [pytest.param("loop"), pytest.param("processes", marks=pytest.mark.postgres)]


@contract("count_hits")
async def test_hits_add_up_in_windows_that_follow_from_the_first_hit(store: Store) -> None:
    counted = await store.count_hits(
        [Hits("click", "a", START, HOUR, 3), Hits("click", "b", START + 5, HOUR, 1)]
    )
    assert sorted(counted, key=lambda c: c.key) == [
        RateCount("click", "a", START, 3, 0),
        RateCount("click", "b", START + 5, 1, 0),
    ]
    (again,) = await store.count_hits([Hits("click", "a", START + HOUR - 1, HOUR, 2)])
    assert again == RateCount("click", "a", START, 5, 0)
    # The same key under another limit is counted apart.
    (other,) = await store.count_hits([Hits("lookup", "a", START, 60, 1)])
    assert other == RateCount("lookup", "a", START, 1, 0)
    # The next window follows the first (whenever in it the hit comes) and keeps its count
    # beside it; a hit two windows on starts a window of its own with nothing before it.
    (nxt,) = await store.count_hits([Hits("click", "a", START + HOUR + 600, HOUR, 1)])
    assert nxt == RateCount("click", "a", START + HOUR, 1, 5)
    (later,) = await store.count_hits([Hits("click", "a", START + 3 * HOUR + 7, HOUR, 1)])
    assert later == RateCount("click", "a", START + 3 * HOUR + 7, 1, 0)
    # A host whose clock is behind adds to the newest window, never back to an old one.
    (behind,) = await store.count_hits([Hits("click", "a", START + 2 * HOUR, HOUR, 1)])
    assert behind == RateCount("click", "a", START + 3 * HOUR + 7, 2, 0)
    # Many keys in one round (more than one statement's worth).
    many = await store.count_hits([Hits("click", f"k{n}", START, HOUR, n + 1) for n in range(150)])
    assert sorted(c.hits for c in many) == list(range(1, 151))


@contract("busy_counts")
async def test_busy_keys_are_those_at_their_limit_in_this_window_or_the_last(
    store: Store,
) -> None:
    await store.count_hits(
        [
            Hits("code-miss", "calm", START, HOUR, 3),
            Hits("code-miss", "busy", START, HOUR, 20),
            Hits("code-miss", "split", START - HOUR, HOUR, 15),
            Hits("code-miss", "old", START - 2 * HOUR, HOUR, 50),
            Hits("click", "other-limit", START, HOUR, 99),
        ]
    )
    await store.count_hits([Hits("code-miss", "split", START, HOUR, 6)])
    busy = await store.busy_counts("code-miss", START + 60, HOUR, 20)
    assert sorted(c.key for c in busy) == ["busy", "split"]
    assert await store.busy_counts("code-miss", START + 5 * HOUR, HOUR, 20) == []


@contract("forget_expired")
async def test_rate_counts_go_two_windows_after_their_own(store: Store) -> None:
    now = int(T0.timestamp())
    await store.count_hits(
        [Hits("click", "old", now - 2 * HOUR, HOUR, 1), Hits("click", "new", now - 60, HOUR, 1)]
    )
    await store.count_hits(
        [Hits("lookup", "last-minute", now - 90, 60, 1), Hits("lookup", "gone", now - 120, 60, 1)]
    )
    forgotten = await store.forget_expired(T0)
    assert forgotten.rate_counts == 2
    assert [c.key for c in await store.busy_counts("click", now, HOUR, 1)] == ["new"]
    assert [c.key for c in await store.busy_counts("lookup", now, 60, 1)] == ["last-minute"]


@contract("take_lease", "release_lease")
async def test_a_lease_is_one_holders_until_it_lapses_or_is_given_up(store: Store) -> None:
    minute = timedelta(minutes=1)
    assert await store.take_lease("approve-rewards", "a", T0, T0 + minute)
    assert not await store.take_lease("approve-rewards", "b", T0, T0 + minute)
    assert await store.take_lease("approve-rewards", "a", at(seconds=30), at(seconds=90))  # renewed
    assert not await store.take_lease("approve-rewards", "b", at(seconds=80), at(seconds=140))
    assert await store.take_lease("other-loop", "b", T0, T0 + minute)  # leases are per name
    assert await store.take_lease("approve-rewards", "b", at(seconds=91), at(seconds=151))  # lapsed
    await store.release_lease("approve-rewards", "a")  # not a's any more: nothing happens
    assert not await store.take_lease("approve-rewards", "a", at(seconds=100), at(seconds=160))
    await store.release_lease("approve-rewards", "b")
    assert await store.take_lease("approve-rewards", "a", at(seconds=100), at(seconds=160))


@covers("count_hits")
@pytest.mark.parametrize("mode", MODES)
def test_40_callers_counting_one_key_at_once_each_see_their_own_place(
    settings: Settings, mode: str
) -> None:
    run(settings.database_url, lambda store: store.ping())  # migrated
    results = parallel(settings.database_url, mode, "count_one_hit", {"at": START}, 40)
    assert sorted(results) == list(range(1, 41))
    assert db_rows(settings, "SELECT hits FROM rate_counters")[0][0] == 40


@contract("record_click")
async def test_a_clicks_limit_is_counted_in_its_own_batch(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    limit = ClickLimit("click", "keyed-ip", HOUR, 3)

    async def click(n: int, visitor: str | None = None) -> str:
        return await store.record_click(
            anna.id, f"t{n}", "link", "ip", "mobile", at(seconds=n), visitor=visitor, limit=limit
        )

    # One after another, then a burst that shares a batch: 3 counted in all, every click a hit.
    assert [await click(n) for n in range(2)] == ["t0", "t1"]
    assert sorted(await asyncio.gather(*(click(n) for n in range(2, 6)))) == [
        "t2",
        "t3",
        "t4",
        "t5",
    ]
    stats = await store.campaign_stats(campaign.id, at(-1), at(1))
    assert sum(stats.clicks_by_channel.values()) == 3
    (counted,) = await store.count_hits([Hits("click", "keyed-ip", int(T0.timestamp()), HOUR, 0)])
    assert counted.hits == 6
    # A repeat visitor's click counts once a day and still is a hit; another key is its own.
    other = ClickLimit("click", "keyed-other", HOUR, 3)
    for n in (10, 11):
        await store.record_click(
            anna.id, f"t{n}", "link", "ip2", "mobile", at(seconds=n), visitor="v", limit=other
        )
    (again,) = await store.count_hits([Hits("click", "keyed-other", int(T0.timestamp()), HOUR, 0)])
    assert again.hits == 2
    stats = await store.campaign_stats(campaign.id, at(-1), at(1))
    assert sum(stats.clicks_by_channel.values()) == 4


@covers("record_click")
@pytest.mark.parametrize("mode", MODES)
def test_40_clicks_from_one_address_at_once_count_20_under_its_limit(
    settings: Settings, mode: str
) -> None:
    async def prepare(store: Store) -> dict[str, int]:
        campaign = await make_campaign(store)
        return {"advocate_id": (await join(store, campaign, "anna@example.nl", "Anna")).id}

    results = parallel(
        settings.database_url,
        mode,
        "click_under_one_limit",
        run(settings.database_url, prepare),
        40,
    )
    assert sorted(results) == sorted(f"tok-{n}" for n in range(40))  # every click stored
    assert (count(settings, "clicks"), count(settings, "uncounted_clicks")) == (20, 20)
    assert db_rows(settings, "SELECT hits FROM rate_counters")[0][0] == 40


@covers("take_lease")
@pytest.mark.parametrize("mode", MODES)
def test_of_20_processes_taking_one_lease_at_once_one_holds_it(
    settings: Settings, mode: str
) -> None:
    run(settings.database_url, lambda store: store.ping())  # migrated
    setup = {"now": T0.isoformat(), "until": (T0 + timedelta(minutes=1)).isoformat()}
    results = parallel(settings.database_url, mode, "take_one_lease", setup, 20)
    assert results.count(True) == 1
    assert len(db_rows(settings, "SELECT holder FROM leases")) == 1
    run(settings.database_url, lambda store: store.release_lease("approve-rewards", "nobody"))
