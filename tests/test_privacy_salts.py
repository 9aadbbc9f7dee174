"""The click-IP hash salt rotates daily and is deleted once no rule needs it, so a stored hash
cannot be turned back into an address by trying all of IPv4; the visitor counts stay exact."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from shareback import retention, visitors
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage.base import CampaignChanges, Store
from starlette.testclient import TestClient
from support import BROWSER_UA, count, db_rows, follow_link, join_campaign
from test_owner_store import with_store

ADMIN_KEY = "test-admin-key-0123456789"
NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    owner = dataclasses.replace(settings, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(owner), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


@pytest.fixture
def bootstrapped(settings: Settings) -> None:
    """Migrated, with its default campaign, and no app left running: its own round of
    forgetting (at the real date) would delete the made-up days' salts while a test looks."""
    with TestClient(create_app(settings)):
        pass


def test_a_click_is_hashed_with_its_days_salt_and_no_salt_is_kept_forever(
    client: TestClient, settings: Settings
) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    follow_link(client, code)
    today = datetime.now(UTC).date()
    salt = with_store(settings, lambda store: store.ip_salt_on(today))
    assert salt is not None
    # The stored hash is the one a rule can recompute with the day's salt (TestClient's address).
    assert db_rows(settings, "SELECT ip_hash FROM clicks")[0][0] == visitors.ip_hash(
        salt, "testclient"
    )
    # The permanent salt of the first releases is gone from the secrets.
    assert db_rows(settings, "SELECT name FROM secrets WHERE name = 'ip_salt'") == []


def test_one_address_hashes_differently_on_each_day(settings: Settings) -> None:
    async def salts(store: Store) -> tuple[str, str, str]:
        await store.migrate()
        monday = await store.ip_salt_for(date(2025, 6, 9))
        tuesday = await store.ip_salt_for(date(2025, 6, 10))
        again = await store.ip_salt_for(date(2025, 6, 9))
        return monday, tuesday, again

    monday, tuesday, again = with_store(settings, salts)
    assert monday == again  # one salt per day, whichever process asks
    assert visitors.ip_hash(monday, "203.0.113.7") != visitors.ip_hash(tuesday, "203.0.113.7")


@pytest.mark.usefixtures("bootstrapped")
def test_old_salts_go_once_the_longest_live_attribution_window_has_passed(
    settings: Settings,
) -> None:
    async def scenario(store: Store) -> tuple[list[bool], int]:
        # The default campaign's window is 30 days; a 45-day campaign keeps 46 days of salts.
        await store.update_campaign("default", CampaignChanges(attribution_days=45))
        for back in range(0, 60):
            await store.ip_salt_for(TODAY - timedelta(days=back))
        forgotten = await store.forget_expired(NOW)
        kept = [
            await store.ip_salt_on(TODAY - timedelta(days=back)) is not None for back in range(60)
        ]
        return kept, forgotten.ip_salts

    kept, deleted = with_store(settings, scenario)
    assert kept == [True] * 47 + [False] * 13  # today and 46 days back: 45 + 1 + today
    assert deleted == 13
    assert retention.oldest_salt_day(TODAY, [45, 30]) == TODAY - timedelta(days=46)
    assert retention.oldest_salt_day(TODAY, []) == TODAY - timedelta(days=31)


@pytest.mark.usefixtures("bootstrapped")
def test_an_archived_campaigns_window_keeps_no_salt(settings: Settings) -> None:
    async def scenario(store: Store) -> bool:
        await store.update_campaign("default", CampaignChanges(attribution_days=90))
        await store.archive_campaign("default", NOW)
        await store.ip_salt_for(TODAY - timedelta(days=40))
        await store.forget_expired(NOW)
        return await store.ip_salt_on(TODAY - timedelta(days=40)) is not None

    assert with_store(settings, scenario) is False


def test_unique_visitors_count_each_visitor_once_a_day_and_ranges_add_up(
    client: TestClient, settings: Settings
) -> None:
    """Visitor-days: the same address on two days is two (its hashes differ per day, as in every
    privacy-first analytics tool), twice on one day is one; a range is the sum of its days."""
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    days = [date(2025, 6, 2), date(2025, 6, 3)]

    async def clicks(store: Store) -> None:
        advocate = await store.advocate_by_code(code)
        assert advocate is not None
        n = 0
        for day, addresses in ((days[0], ["a", "a", "b"]), (days[1], ["a", "c"])):
            salt = await store.ip_salt_for(day)
            for address in addresses:
                n += 1
                at = datetime(day.year, day.month, day.day, 23, 59 - n, tzinfo=UTC)
                await store.record_click(
                    advocate.id, f"t{n}", "link", visitors.ip_hash(salt, address), "mobile", at
                )

    with_store(settings, clicks)
    assert count(settings, "clicks") == 5

    def visitors_between(start: date, end: date) -> int:
        response = client.get(
            "/api/v1/campaigns/default/stats",
            params={"from": str(start), "to": str(end)},
            headers={"authorization": f"Bearer {ADMIN_KEY}"},
        )
        assert response.status_code == 200, response.text
        return int(response.json()["counts"]["unique_visitors"])

    assert visitors_between(days[0], days[0]) == 2
    assert visitors_between(days[1], days[1]) == 2
    assert visitors_between(days[0], days[1]) == 4
