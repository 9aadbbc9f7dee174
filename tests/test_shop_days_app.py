"""Shop days through the app: the dashboard's overview and the stats API cut their days at the
shop's midnight (SHAREBACK_TIMEZONE) and agree; the click retention round deletes old raw clicks
and changes no number either shows."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from shareback import shop_days
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from store_contract import join, refer
from support import BROWSER_UA, count
from test_admin_auth import create_admin, run, sign_in
from test_owner_api import ADMIN_KEY

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def shop(settings: Settings) -> Settings:
    return replace(settings, admin_api_key=ADMIN_KEY, timezone="Europe/Amsterdam")


def amsterdam(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=AMSTERDAM)


def seed(settings: Settings, moments: list[tuple[str, datetime]]) -> None:
    """Through the store in the shop's zone: ("click" | "order" | "share", when) on the default
    campaign, by one advocate who joined long before."""

    async def fill() -> None:
        store = await open_store(settings.database_url, 4, settings.zone())
        try:
            await store.migrate()
            await store.ensure_rollups_zone()
            campaign = await store.campaign("default")  # the app's start made it
            assert campaign is not None
            first = min(moment for _, moment in moments) - timedelta(days=1)
            anna = await join(store, campaign, "anna@example.nl", "Anna", when=first)
            for n, (kind, moment) in enumerate(moments):
                if kind == "click":
                    await store.record_click(
                        anna.id, f"t{n}", "whatsapp", f"ip-{n % 7}", "mobile", moment
                    )
                elif kind == "bot":
                    await store.record_click(anna.id, f"b{n}", "link", "bot", "bot", moment)
                elif kind == "share":
                    await store.record_event(campaign.id, anna.id, "share", "whatsapp", moment)
                else:
                    await refer(
                        store, campaign, anna, f"o{n}", f"f{n}@example.com", 1000 + n, moment,
                        click_token=f"t{n - 1}" if moments[n - 1][0] == "click" else None,
                    )  # fmt: skip
        finally:
            await store.close()

    run(fill())


@pytest.fixture
def signed_in(shop: Settings) -> Iterator[TestClient]:
    create_admin(shop)
    with TestClient(create_app(shop), headers={"user-agent": BROWSER_UA}) as client:
        assert sign_in(client).status_code == 303
        yield client


def kpi(page: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>([^<]*)</dd>", page)
    assert found, f"no KPI {label!r}"
    return found[1].strip()


def api_stats(client: TestClient, query: str) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/campaigns/default/stats?{query}",
        headers={"authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def test_a_late_evening_order_and_an_after_midnight_click_count_on_the_shops_days(
    shop: Settings, signed_in: TestClient
) -> None:
    seed(
        shop,
        [
            ("click", amsterdam("2026-12-01 23:20")),
            ("order", amsterdam("2026-12-01 23:30")),  # 22:30 UTC: 1 December, either way
            ("click", amsterdam("2026-12-02 00:30")),  # 23:30 UTC on 1 December
            ("share", amsterdam("2026-12-02 00:40")),
        ],
    )
    first = api_stats(signed_in, "from=2026-12-01&to=2026-12-01")
    assert first["counts"]["conversions"] == 1 and first["counts"]["clicks"] == 1
    assert first["daily"] == [
        {
            "date": "2026-12-01",
            "opens": 0,
            "shares": 0,
            "clicks": 1,
            "conversions": 1,
            "revenue": {"amount_minor": 1001, "amount": "10.01", "currency": "EUR"},
        }
    ]
    second = api_stats(signed_in, "from=2026-12-02&to=2026-12-02")
    assert (second["counts"]["clicks"], second["counts"]["shares"]) == (1, 1)
    assert (second["counts"]["conversions"], second["counts"]["unique_visitors"]) == (0, 1)
    both = api_stats(signed_in, "from=2026-12-01&to=2026-12-02")
    assert [(d["date"], d["clicks"], d["conversions"]) for d in both["daily"]] == [
        ("2026-12-01", 1, 1),
        ("2026-12-02", 1, 0),
    ]
    # The dashboard's overview, the same days: the same numbers.
    page = signed_in.get("/admin?from=2026-12-01&to=2026-12-01").text
    assert (kpi(page, "Conversions"), kpi(page, "Link clicks")) == ("1", "1")
    page = signed_in.get("/admin?from=2026-12-02&to=2026-12-02").text
    assert (kpi(page, "Conversions"), kpi(page, "Link clicks")) == ("0", "1")


def test_the_default_ranges_end_on_the_shops_today(shop: Settings, signed_in: TestClient) -> None:
    today = shop_days.local_day(datetime.now(UTC), AMSTERDAM)
    stats = api_stats(signed_in, "")
    assert (stats["from"], stats["to"]) == (str(today - timedelta(days=29)), str(today))
    assert [d["date"] for d in stats["daily"]][-1] == str(today)


def visible(page: str) -> str:
    """The overview's words and numbers, without what changes on every render (the CSRF token,
    asset hashes) nor the activity feed (the newest few items, which the round never touches)."""
    page = re.sub(
        r'<section[^>]*aria-labelledby="activity-title".*?</section>', "", page, flags=re.S
    )
    page = re.sub(r'value="[^"]*"|nonce="[^"]*"', "", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_retention_round_deletes_old_clicks_and_no_number_changes(
    shop: Settings, signed_in: TestClient
) -> None:
    now = datetime.now(UTC)
    moments: list[tuple[str, datetime]] = []
    for back in range(1, 200, 2):
        at = now - timedelta(days=back, hours=back % 11)
        moments += [("share", at), ("click", at), ("bot", at), ("click", at + timedelta(hours=1))]
        if back % 10 == 1:
            moments.append(("order", at + timedelta(hours=2)))
    seed(shop, moments)
    today = shop_days.local_day(now, AMSTERDAM)
    ranges = [
        "",
        *(f"from={today - timedelta(days=n - 1)}&to={today}" for n in (7, 90, 365)),
        f"from={today - timedelta(days=150)}&to={today - timedelta(days=100)}",
        f"from={date(2026, 3, 29)}&to={date(2026, 3, 29)}",
    ]

    def numbers(client: TestClient) -> list[object]:
        found: list[object] = []
        for query in ranges:
            found.append(api_stats(client, query))
            found.append(visible(client.get(f"/admin?{query}").text))
        return found

    before = numbers(signed_in)
    year, old = before[6], before[8]
    assert isinstance(year, dict) and isinstance(old, dict)
    humans = sum(1 for kind, at in moments if kind == "click" and at.date() > date(2025, 12, 1))
    assert year["counts"]["clicks"] >= humans - 2 > 150  # the year's clicks, at its edge or not
    assert old["counts"]["clicks"] > 0 and old["counts"]["unique_visitors"] > 0  # deleted below
    assert old["counts"]["bot_clicks"] > 0 and old["counts"]["conversions"] > 0
    assert numbers(signed_in) == before  # nothing else changes between two renders
    clicks = count(shop, "clicks")
    with TestClient(
        create_app(replace(shop, click_retention_days=60)), headers={"user-agent": BROWSER_UA}
    ) as client:
        deadline = time.monotonic() + 30
        while count(shop, "clicks") == clicks and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sign_in(client).status_code == 303
        after = numbers(client)
    left = count(shop, "clicks")
    assert 0 < left < clicks / 2, (left, clicks)
    assert after == before


def test_a_shop_that_changes_its_time_zone_gets_its_days_recounted(settings: Settings) -> None:
    utc = replace(settings, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(utc)) as client:
        seed(
            utc,
            [("click", amsterdam("2026-11-10 00:30")), ("share", amsterdam("2026-11-10 00:40"))],
        )
        daily = api_stats(client, "from=2026-11-09&to=2026-11-10")["daily"]
        assert [(d["date"], d["clicks"], d["shares"]) for d in daily] == [
            ("2026-11-09", 1, 1),  # 23:30 and 23:40 UTC
            ("2026-11-10", 0, 0),
        ]
    with TestClient(create_app(replace(utc, timezone="Europe/Amsterdam"))) as client:
        daily = api_stats(client, "from=2026-11-09&to=2026-11-10")["daily"]
        assert [(d["date"], d["clicks"], d["shares"]) for d in daily] == [
            ("2026-11-09", 0, 0),
            ("2026-11-10", 1, 1),
        ]
