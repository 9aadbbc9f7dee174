"""Nothing that must be shared lives in one process's memory: two stores (or two apps) on one
database stand for two processes, on one machine or two. Rate limits are counted in the
database, a campaign changed on one is in force on the other once its kept look-up expires
(storage/lookups.py), and the approval round runs under a lease one of them holds."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from shareback import background
from shareback.app import create_app
from shareback.outgoing.worker import DeliveryWorker
from shareback.ratelimit import MemoryCounters, RateLimiter, StoreCounters
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.lookups import LOOKUP_TTL_SECONDS, Lookups
from starlette.testclient import TestClient
from store_contract import T0, join, listen, make_campaign
from support import BROWSER_UA, SHOP, db_rows, join_campaign

SECRET = "one-rate-limit-key"


@asynccontextmanager
async def two_stores(url: str) -> AsyncIterator[tuple[Store, Store]]:
    first, second = await open_store(url, 4), await open_store(url, 4)
    try:
        await first.migrate()
        yield first, second
    finally:
        await first.close()
        await second.close()


def click_limiter(store: Store) -> RateLimiter:
    """The limiter as new_context makes it in every process: same name, same key."""
    return RateLimiter(20, 3600, name="click", counters=StoreCounters(store), secret=SECRET)


def test_a_limit_is_one_limit_across_two_processes(settings: Settings) -> None:
    async def run() -> tuple[list[bool], list[bool]]:
        async with two_stores(settings.database_url) as (a, b):
            limiters = [click_limiter(a), click_limiter(b)]
            # One after another, alternating, then a burst at both at once.
            one_by_one = [await limiters[n % 2].allow("ip-hash-1") for n in range(30)]
            burst = await asyncio.gather(*(limiters[n % 2].allow("ip-hash-2") for n in range(40)))
            return one_by_one, list(burst)

    one_by_one, burst = asyncio.run(run())
    assert one_by_one == [True] * 20 + [False] * 10
    assert burst.count(True) == 20
    # The database keeps a keyed hash of the key, never the key.
    stored = db_rows(settings, "SELECT key, hits FROM rate_counters ORDER BY hits")
    assert [row[1] for row in stored] == [30, 40]
    assert not any("ip-hash" in row[0] for row in stored)


def test_a_burst_is_counted_in_a_round_or_two(settings: Settings) -> None:
    async def run() -> tuple[list[bool], int]:
        async with two_stores(settings.database_url) as (store, _):
            counters = StoreCounters(store)
            limiter = RateLimiter(20, 3600, name="click", counters=counters, secret=SECRET)
            answers = await asyncio.gather(*(limiter.allow(f"visitor-{n % 5}") for n in range(200)))
            return list(answers), counters.rounds

    answers, rounds = asyncio.run(run())
    assert answers.count(True) == 5 * 20
    assert 1 <= rounds <= 2  # 200 hits, not 200 statements


def test_an_address_over_its_limit_on_one_process_is_refused_on_the_other(
    settings: Settings,
) -> None:
    async def run() -> tuple[bool, bool, int | None]:
        async with two_stores(settings.database_url) as (a, b):
            here, there = (
                RateLimiter(20, 600, name="code-miss", counters=StoreCounters(s), secret=SECRET)
                for s in (a, b)
            )
            for _ in range(20):
                await here.hit("203.0.113.7")
            before = there.exceeded("203.0.113.7")
            await there.refresh()  # what refresh_limits_forever does every second
            return before, there.exceeded("203.0.113.7"), there.wait_seconds("203.0.113.7")

    before, after, wait = asyncio.run(run())
    assert (before, after) == (False, True)
    assert wait is not None and 590 <= wait <= 600


def test_a_limit_lets_hits_through_while_the_database_is_away(settings: Settings) -> None:
    async def run() -> bool:
        store = await open_store(settings.database_url, 2)
        await store.migrate()
        limiter = click_limiter(store)
        await store.close()
        return await limiter.allow("ip-hash-1")

    assert asyncio.run(run()) is True


def test_the_previous_windows_hits_weigh_by_the_share_still_inside() -> None:
    limiter = RateLimiter(4, 600, counters=MemoryCounters())

    async def run() -> list[bool]:
        first = [await limiter.allow("k", now=t) for t in (0.0, 1.0, 2.0, 3.0, 4.0)]
        # Halfway through the next window the first one's 5 hits weigh 2.5: one more fits.
        later = [await limiter.allow("k", now=900.0), await limiter.allow("k", now=901.0)]
        return first + later

    assert asyncio.run(run()) == [True, True, True, True, False, True, False]
    # 2 + 5 * (1 - 301/600) hits now; below 4 once the first window weighs less than 2: at 960.
    assert limiter.wait_seconds("k", now=901.0) == 59


@pytest.fixture
def clock() -> list[float]:
    """The look-up caches' clock, stopped: it moves only when the test moves it."""
    return [1000.0]


def stopped(client: TestClient, clock: list[float]) -> TestClient:
    """The app's store keeps its look-ups by the test's clock (storage/lookups.py)."""
    client.app_state["ctx"].store._lookups = Lookups(clock=lambda: clock[0])
    return client


ADMIN_KEY = "admin-key-for-the-two-processes"


def landing_of(client: TestClient, code: str) -> str:
    answer = client.get(f"/r/{code}", follow_redirects=False)
    assert answer.status_code == 303
    return answer.headers["location"].split("?")[0]


def test_a_campaign_changed_on_one_process_is_in_force_on_the_other_after_the_ttl(
    settings: Settings, clock: list[float]
) -> None:
    owned = dataclasses.replace(settings, admin_api_key=ADMIN_KEY)
    headers = {"user-agent": BROWSER_UA}
    with (
        TestClient(create_app(owned), headers=headers) as first,
        TestClient(create_app(owned), headers=headers) as second,
    ):
        one, other = stopped(first, clock), stopped(second, clock)
        code = str(join_campaign(one, "anna@example.nl", "Anna")["code"])
        assert landing_of(other, code) == f"{SHOP}/welcome"  # read, and kept a while
        changed = one.patch(
            "/api/v1/campaigns/default",
            json={"landing_url": f"{SHOP}/friends"},
            headers={"authorization": f"Bearer {ADMIN_KEY}"},
        )
        assert changed.status_code == 200, changed.text
        assert landing_of(one, code) == f"{SHOP}/friends"  # the process that changed it: at once
        assert landing_of(other, code) == f"{SHOP}/welcome"  # the other: from its cache
        clock[0] += LOOKUP_TTL_SECONDS + 0.01
        assert landing_of(other, code) == f"{SHOP}/friends"
        # An archived campaign ends its links everywhere the same way.
        archived = one.post(
            "/api/v1/campaigns/default/archive", headers={"authorization": f"Bearer {ADMIN_KEY}"}
        )
        assert archived.status_code == 200, archived.text
        assert one.get(f"/r/{code}", follow_redirects=False).status_code == 410
        clock[0] += LOOKUP_TTL_SECONDS + 0.01
        assert other.get(f"/r/{code}", follow_redirects=False).status_code == 410


def test_a_new_advocates_link_works_at_once_on_every_process(
    settings: Settings, clock: list[float]
) -> None:
    with (
        TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as first,
        TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as second,
    ):
        one, other = stopped(first, clock), stopped(second, clock)
        assert other.get("/r/ANNA-XXXX", follow_redirects=False).status_code == 404
        code = str(join_campaign(one, "anna@example.nl", "Anna")["code"])
        # Nothing unknown is kept: the code made on one process a moment ago is found.
        assert other.get(f"/r/{code}", follow_redirects=False).status_code == 303


def test_one_process_at_a_time_runs_the_approval_round(settings: Settings) -> None:
    async def run() -> list[int | None]:
        lease = timedelta(seconds=30)
        async with two_stores(settings.database_url) as (a, b):
            rounds = [
                await background.approve_due(a, "process-a", lease),
                await background.approve_due(b, "process-b", lease),
                await background.approve_due(a, "process-a", lease),  # renewed by its holder
            ]
            await a.release_lease(background.APPROVAL_LEASE, "process-a")  # a stops
            rounds.append(await background.approve_due(b, "process-b", lease))
            rounds.append(await background.approve_due(a, "process-a", lease))
            return rounds

    assert asyncio.run(run()) == [0, None, 0, 0, None]


def test_a_delivery_whose_lease_may_lapse_before_it_is_sent_is_not_sent(
    settings: Settings,
) -> None:
    """A claimed delivery that waited half its lease for a free slot is left for the next claim:
    sent now, it might be sent again by the process that claims it once the lease lapsed."""
    received: list[httpx.Request] = []

    def receive(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    async def run() -> list[str]:
        async with two_stores(settings.database_url) as (store, _):
            await listen(store)
            await join(store, await make_campaign(store), "anna@example.nl", "Anna")  # an event
            async with httpx.AsyncClient(transport=httpx.MockTransport(receive)) as http:
                worker = DeliveryWorker(store, "http://refer.test", http)
                claimed = await store.claim_deliveries(worker.name, T0, worker.lease, 10)
                long_ago = time.monotonic() - worker.lease.total_seconds()
                return [await worker._attempt(d, T0, long_ago) for d in claimed]

    assert asyncio.run(run()) == ["skipped"]
    assert received == []
    pending = db_rows(settings, "SELECT status, attempts FROM deliveries")
    assert [tuple(row) for row in pending] == [("pending", 0)]
