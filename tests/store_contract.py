"""The storage contract's tools: a store on the run's engine (SQLite or PostgreSQL), seeded only
through its own verbs, and the registry that ties every Store verb to the tests that pin it
(tests/contract/test_contract_coverage.py fails when a verb has none)."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from shareback import codes
from shareback.attribution import Candidate
from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage import base, open_store
from shareback.storage.base import Store
from shareback.storage.records import (
    Advocate,
    Campaign,
    CampaignDraft,
    Outcome,
    PaidOrder,
    WebhookEndpoint,
)

T = TypeVar("T")
Scenario = Callable[[Store], Awaitable[None]]

# verb -> the tests that pin it ("module::test")
COVERED: dict[str, set[str]] = defaultdict(set)

# Every time the contract writes has microseconds: both engines must give them back exactly.
T0 = datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=UTC)

DRAFT = CampaignDraft(
    slug="spring",
    name="Spring",
    shop_name="Brandpunt Koffie",
    landing_url="https://shop.example/welcome?utm_source=referral",
    allowed_origins=("https://shop.example", "https://www.shop.example"),
    # Both sides pending until their hold ends: a share of the order for the referrer (issued as
    # a coupon), credit for the friend. The friend's checkout discount, fulfilled with its order,
    # is pinned by tests/contract/test_contract_fulfilment.py.
    referrer_reward=RewardSpec("percent_discount", "10"),
    friend_reward=RewardSpec("credit", "10.00"),
    hold_days=14,
)


def protocol_verbs() -> set[str]:
    """The methods of every store protocol in storage/base.py, Store and what it is made of."""
    protocols = {
        cls
        for _, cls in inspect.getmembers(base, inspect.isclass)
        if cls.__module__ == base.__name__ and getattr(cls, "_is_protocol", False)
    }
    # ... and those Store is made of from the storage package's other modules
    # (storage/customer_store.py).
    protocols |= {
        cls
        for cls in Store.__mro__
        if cls.__module__.startswith("shareback.storage") and getattr(cls, "_is_protocol", False)
    }
    return {
        name
        for cls in protocols
        for name, value in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(value)
    }


def covers(*verbs: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Registers a test as pinning these verbs."""

    def register(test: Callable[..., T]) -> Callable[..., T]:
        for verb in verbs:
            COVERED[verb].add(f"{test.__module__}::{test.__name__}")
        return test

    return register


def run(url: str, scenario: Callable[[Store], Awaitable[T]], pool_size: int = 4) -> T:
    """Runs the scenario on a store of its own, migrated, closed afterwards."""

    async def main() -> T:
        store = await open_store(url, pool_size)
        try:
            await store.migrate()
            return await scenario(store)
        finally:
            await store.close()

    return asyncio.run(main())


def contract(*verbs: str) -> Callable[[Scenario], Callable[[Settings], None]]:
    """`async def test_x(store)` as a pytest test on a clean database of the run's engine."""

    def wrap(scenario: Scenario) -> Callable[[Settings], None]:
        def test(settings: Settings) -> None:
            run(settings.database_url, scenario)

        test.__name__ = scenario.__name__
        test.__qualname__ = scenario.__qualname__
        test.__module__ = scenario.__module__
        test.__doc__ = scenario.__doc__
        return covers(*verbs)(test)

    return wrap


def at(days: float = 0, **more: float) -> datetime:
    return T0 + timedelta(days=days, **more)


def assert_moment(actual: datetime | None, expected: datetime) -> None:
    """The same instant, as an aware UTC datetime, to the microsecond."""
    assert actual is not None
    assert actual == expected, (actual, expected)
    assert actual.tzinfo is UTC, actual.tzinfo
    assert actual.microsecond == expected.astimezone(UTC).microsecond


async def make_campaign(store: Store, **changes: Any) -> Campaign:
    return await store.ensure_campaign(dataclasses.replace(DRAFT, **changes))


async def join(
    store: Store,
    campaign: Campaign,
    email: str,
    name: str | None = None,
    *,
    verified: bool = False,
    when: datetime = T0,
    findable: bool | None = None,
) -> Advocate:
    advocate, _ = await store.advocate_for(
        campaign.id,
        email,
        email.lower(),
        name,
        verified,
        codes.code_prefix(name),
        when,
        findable=findable,
    )
    return advocate


def candidate(
    campaign: Campaign, advocate: Advocate, via: str = "link", click_token: str | None = None
) -> Candidate:
    return Candidate(advocate.id, advocate.email_key, campaign.id, via, click_token)


def paid_order(
    order_id: str,
    friend_email: str | None = "friend@example.com",
    total_minor: int = 5990,
    paid_at: datetime = T0,
    *,
    source: str = "shop",
    name: str | None = "Femke",
) -> PaidOrder:
    key = None if friend_email is None else friend_email.lower()
    return PaidOrder(source, order_id, friend_email, key, total_minor, "EUR", paid_at, name)


async def refer(
    store: Store,
    campaign: Campaign,
    advocate: Advocate,
    order_id: str,
    friend_email: str = "friend@example.com",
    total_minor: int = 5990,
    paid_at: datetime = T0,
    click_token: str | None = None,
) -> Outcome:
    """A friend's paid order through the advocate's link: recorded, with its two rewards."""
    outcome = await store.record_paid_order(
        f"msg-{order_id}",
        paid_order(order_id, friend_email, total_minor, paid_at),
        candidate(campaign, advocate, click_token=click_token),
        "no_referral",
    )
    assert outcome.status == "recorded", outcome
    return outcome


async def listen(store: Store) -> WebhookEndpoint:
    """An endpoint that wants every event, so each event the store writes becomes a delivery."""
    return await store.create_endpoint("https://hooks.example/all", (), "whsec_test", "all", T0)


async def sent(store: Store) -> Counter[str]:
    """The events written so far (to an endpoint made by `listen` first), by type."""
    return Counter(row.type for row in await store.list_deliveries(limit=100_000))
