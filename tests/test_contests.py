"""Contests over HTTP: the owner plans one through the API or the dashboard; advocates' successful
friends inside the window rank them (a refund takes a friend off the board); the widget's own
answer carries the leaderboard with masked names only and the shopper's own place; prizes are
given once, after the hold period, as ordinary rewards, however many processes settle at once."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from shareback import contests, identity
from shareback.app import create_app
from shareback.contests import Entry
from shareback.portal import access
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    IDENTITY_SECRET,
    SHOP,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)
from test_admin_auth import admin as admin
from test_admin_auth import csrf_token
from test_owner_api import Owner, error_of
from test_owner_api import settings as settings  # the settings with the admin key

BASE = "/api/v1/campaigns/default/contests"
NOW = datetime.now(UTC)


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def plan(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Lentewedstrijd",
        "starts_at": (NOW - timedelta(days=1)).isoformat(),
        "ends_at": (NOW + timedelta(hours=1)).isoformat(),
        "prizes": [{"type": "credit", "value": "50.00"}, {"type": "credit", "value": "20.00"}],
    }
    body.update(changes)
    return body


def refer(client: TestClient, secret: str, code: str, order: str, total: str = "40.00") -> None:
    ref = follow_link(client, code, "whatsapp")
    body = order_paid(order, f"{order}@friends.example", total, ref)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, order)
    )
    assert response.status_code == 200, response.text


def refund(client: TestClient, secret: str, order: str) -> None:
    body = order_refunded(order)
    headers = signed_headers(secret, body, f"refund-{order}")
    assert client.post("/webhooks/orders", content=body, headers=headers).status_code == 200


def field(document: object, name: str) -> Any:
    assert isinstance(document, dict)
    return document[name]


def a_month_of_referrals(client: TestClient, secret: str) -> dict[str, str]:
    """Anna 3 friends (one refunded: 2 count), Bram 2, Cees 2 (Cees reached 2 after Bram), Dirk 0."""
    people = {
        "anna": "Anna de Vries",
        "bram": "Bram Jansen",
        "cees": "Cees van Dijk",
        "dirk": "Dirk Smit",
    }
    codes = {
        key: str(field(join_campaign(client, f"{key}@example.nl", name), "code"))
        for key, name in people.items()
    }
    for order, who in [
        ("o1", "anna"),
        ("o2", "bram"),
        ("o3", "anna"),
        ("o4", "bram"),
        ("o5", "cees"),
        ("o6", "cees"),
        ("o7", "anna"),
    ]:
        refer(client, secret, codes[who], order)
    refund(client, secret, "o7")
    return codes


def test_the_leaderboard_counts_successful_friends_and_shows_masked_names_only(
    client: TestClient, owner: Owner, webhook_secret: str
) -> None:
    made = owner.post(BASE, json=plan())
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "running" and made.json()["leaders"] == []
    a_month_of_referrals(client, webhook_secret)
    shown = owner.get(f"{BASE}/{made.json()['id']}")
    assert shown.status_code == 200
    leaders = shown.json()["leaders"]
    # Anna's refunded friend does not count; Bram reached 2 before Cees did; Dirk has none.
    assert leaders == [
        {"rank": 1, "name": "Anna d. V.", "friends": 2},
        {"rank": 2, "name": "Bram J.", "friends": 2},
        {"rank": 3, "name": "Cees v. D.", "friends": 2},
    ]
    assert shown.json()["entrants"] == 3
    text = shown.text
    assert "@" not in text and "Vries" not in text and "Jansen" not in text


def test_the_widget_answer_carries_the_contest_and_the_shoppers_own_place(
    client: TestClient, owner: Owner, webhook_secret: str, settings: Settings
) -> None:
    assert owner.post(BASE, json=plan()).status_code == 201
    a_month_of_referrals(client, webhook_secret)
    # A process whose widget answers cached the board before these referrals shows it within
    # contest_board.FRESH_SECONDS; another process (a fresh app) shows it at once.
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as other:
        signed = join_campaign(other, "bram@example.nl", "Bram Jansen")
        typed = join_campaign(other, "bram@example.nl", "Bram", signed=False)
    contest = field(signed, "contest")
    assert contest["name"] == "Lentewedstrijd" and contest["you"] == {"rank": 2, "friends": 2}
    assert [leader["name"] for leader in contest["leaders"]] == [
        "Anna d. V.",
        "Bram J.",
        "Cees v. D.",
    ]
    # An address typed into the widget does not reveal that person's place.
    assert field(typed, "contest")["you"] is None
    assert "bram@example.nl" not in json.dumps(field(typed, "contest"))


def test_no_contest_means_null_in_the_widget_answer(client: TestClient) -> None:
    assert join_campaign(client, "eva@example.nl", "Eva")["contest"] is None


def test_a_nickname_replaces_the_name_on_the_board(
    client: TestClient, owner: Owner, webhook_secret: str, settings: Settings
) -> None:
    made = owner.post(BASE, json=plan()).json()
    codes = a_month_of_referrals(client, webhook_secret)

    async def rename() -> None:
        store = await open_store(settings.database_url)
        try:
            advocate = await store.advocate_by_code(codes["anna"])
            assert advocate is not None
            assert await store.set_nickname(
                advocate.id, contests.check_nickname("  Koffie  Koningin ")
            )
        finally:
            await store.close()

    asyncio.run(rename())
    leaders = owner.get(f"{BASE}/{made['id']}").json()["leaders"]
    assert leaders[0] == {"rank": 1, "name": "Koffie Koningin", "friends": 2}


def settle(settings: Settings, at: datetime, times: int = 1) -> list[list[int]]:
    """`times` settlements at once, each through a store of its own (as separate processes)."""

    async def go() -> list[list[int]]:
        stores = [await open_store(settings.database_url) for _ in range(times)]
        try:
            return list(await asyncio.gather(*(s.settle_due_contests(at) for s in stores)))
        finally:
            for store in stores:
                await store.close()

    return asyncio.run(go())


def approve(settings: Settings, at: datetime) -> int:
    async def go() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(at)
        finally:
            await store.close()

    return asyncio.run(go())


def test_prizes_are_given_once_after_the_hold_period_as_ordinary_rewards(
    client: TestClient, owner: Owner, webhook_secret: str, settings: Settings
) -> None:
    made = owner.post(BASE, json=plan()).json()
    a_month_of_referrals(client, webhook_secret)
    # Ended, but inside the campaign's hold period (14 days): nothing is given yet.
    assert settle(settings, NOW + timedelta(days=7)) == [[]]
    assert owner.get(f"{BASE}/{made['id']}").json()["state"] == "running"  # by the real clock
    # Past it: three processes settle at once; each place gets its prize exactly once.
    given = settle(settings, NOW + timedelta(days=15), times=3)
    assert sorted(len(g) for g in given) == [0, 0, 2]
    assert settle(settings, NOW + timedelta(days=16)) == [[]]
    shown = owner.get(f"{BASE}/{made['id']}").json()
    assert shown["state"] == "settled" and shown["settled_at"] is not None
    prizes = owner.get("/api/v1/rewards", params={"limit": 100}).json()["data"]
    prize_rows = [r for r in prizes if r["value"] in ("50.00", "20.00")]
    assert sorted((r["advocate_code"], r["value"]) for r in prize_rows) == sorted(
        [
            (str(join_campaign(client, "anna@example.nl", "Anna de Vries")["code"]), "50.00"),
            (str(join_campaign(client, "bram@example.nl", "Bram Jansen")["code"]), "20.00"),
        ]
    )
    assert all(r["status"] == "pending" for r in prize_rows)
    approve(settings, NOW + timedelta(days=15, minutes=1))
    prizes = owner.get("/api/v1/rewards", params={"limit": 100}).json()["data"]
    assert {r["status"] for r in prizes if r["value"] in ("50.00", "20.00")} <= {
        "approved",
        "fulfilled",
    }
    # Settled: it can no longer be cancelled.
    cancelled = owner.post(f"{BASE}/{made['id']}/cancel")
    assert error_of(cancelled) == (409, "contest_settled", None)


def test_a_cancelled_contest_gives_nothing_and_leaves_the_widget(
    client: TestClient, owner: Owner, webhook_secret: str, settings: Settings
) -> None:
    made = owner.post(BASE, json=plan()).json()
    a_month_of_referrals(client, webhook_secret)
    assert owner.post(f"{BASE}/{made['id']}/cancel").json()["state"] == "cancelled"
    assert settle(settings, NOW + timedelta(days=30)) == [[]]
    assert join_campaign(client, "anna@example.nl", "Anna de Vries")["contest"] is None


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        (plan(name=" "), "name"),
        (plan(name="x" * 81), "name"),
        (plan(starts_at="yesterday"), "starts_at"),
        (plan(starts_at="2026-11-01T10:00:00"), "starts_at"),
        (plan(ends_at=(NOW - timedelta(days=2)).isoformat()), "ends_at"),
        (plan(ends_at=(NOW + timedelta(days=400)).isoformat()), "ends_at"),
        (plan(prizes=[]), "prizes"),
        (plan(prizes=[{"type": "percent_discount", "value": "10"}]), "prizes"),
        (plan(prizes=[{"type": "credit", "value": "-5"}]), "prizes"),
        (plan(prizes=[{"type": "credit", "value": 5}]), "prizes"),
        (plan(prizes=[{"type": "credit", "value": "1e999999"}]), "prizes"),
        (plan(prizes=[{"type": "credit", "value": "1"}] * 11), "prizes"),
        (plan(prizes="fifty euro"), "prizes"),
    ],
)
def test_a_bad_contest_is_a_422_and_nothing_is_made(
    client: TestClient, owner: Owner, body: dict[str, Any], field_name: str
) -> None:
    response = client.post(BASE, json=body, headers=owner.headers)
    assert error_of(response) == (422, "invalid_contest", field_name)
    assert owner.get(BASE).json()["data"] == []


def test_unknown_fields_wrong_ids_and_garbage_are_4xx(client: TestClient, owner: Owner) -> None:
    assert client.post(BASE, json={**plan(), "bonus": 1}, headers=owner.headers).status_code == 422
    assert client.post(BASE, content=b"{not json", headers=owner.headers).status_code == 400
    assert error_of(owner.get(f"{BASE}/999"))[:2] == (404, "unknown_contest")
    assert error_of(owner.get(f"{BASE}/abc"))[:2] == (404, "unknown_contest")
    assert owner.get("/api/v1/campaigns/nope/contests").status_code == 404
    assert client.get(BASE).status_code == 401


def test_rank_breaks_ties_by_who_got_there_first() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    entries = [
        Entry(1, 3, start + timedelta(days=5), "Anna de Vries", None),
        Entry(2, 3, start + timedelta(days=2), "Bram Jansen", None),
        Entry(3, 5, start + timedelta(days=9), "anna@example.nl", None),
        Entry(4, 0, start, "Nul", None),
    ]
    ranked = contests.rank(entries)
    assert [(s.rank, s.advocate_id, s.shown_name) for s in ranked] == [
        (1, 3, "—"),
        (2, 2, "Bram J."),
        (3, 1, "Anna d. V."),
    ]


@pytest.mark.parametrize(
    "nickname", ["a", "x" * 25, "me@example.nl", "www.shop.nl", "visit https:x", "ab\x00cd", "<b>"]
)
def test_a_nickname_is_never_an_address_a_link_or_markup(nickname: str) -> None:
    with pytest.raises(contests.InvalidContest):
        contests.check_nickname(nickname)


def test_the_owner_plans_a_contest_in_the_dashboard_and_sees_its_board(
    admin: TestClient, webhook_secret: str
) -> None:
    page = admin.get("/admin/campaigns/default/contests")
    assert page.status_code == 200 and "This campaign has no contests yet." in page.text
    start = (NOW - timedelta(days=1)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M")
    end = (NOW + timedelta(days=1)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M")
    form = {
        "csrf": csrf_token(page.text),
        "name": "Lentewedstrijd",
        "starts_at": start,
        "ends_at": end,
        "prize_1_type": "credit",
        "prize_1_value": "25,50",  # as the Dutch write it
        "prize_2_type": "custom",
        "prize_2_value": "1",
    }
    wrong = admin.post("/admin/campaigns/default/contests", data={**form, "ends_at": start})
    assert wrong.status_code == 400 and "The contest ends after it starts" in wrong.text
    made = admin.post("/admin/campaigns/default/contests", data=form, follow_redirects=False)
    assert made.status_code == 303
    a_month_of_referrals(admin, webhook_secret)
    board = " ".join(re.sub(r"<[^>]+>", " ", admin.get(made.headers["location"]).text).split())
    assert "Lentewedstrijd Running" in board and "3 ambassadors with a friend" in board
    assert "1 Anna d. V. 2 €25.50 store credit" in board
    assert "2 Bram J. 2 a gift from the shop" in board
    assert "3 Cees v. D. 2 —" in board
    assert "anna@example.nl" not in board


def test_without_the_csrf_token_no_contest_is_made(admin: TestClient) -> None:
    response = admin.post(
        "/admin/campaigns/default/contests", data={"name": "x"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert (
        "This campaign has no contests yet." in admin.get("/admin/campaigns/default/contests").text
    )


def test_the_advocates_own_page_words_the_board_and_their_place(
    client: TestClient, owner: Owner, webhook_secret: str, settings: Settings
) -> None:
    a_month_of_referrals(client, webhook_secret)
    assert owner.post(BASE, json=plan()).status_code == 201  # the board is forgotten: in force

    def account(email: str, lang: str) -> dict[str, Any]:
        body = {
            "campaign": "default",
            "email": email,
            "user_hash": identity.user_hash(IDENTITY_SECRET, email),
            "lang": lang,
        }
        answer = client.post("/api/v1/advocates/account", json=body, headers={"origin": SHOP})
        assert answer.status_code == 200, answer.text
        document: dict[str, Any] = answer.json()
        return document

    dutch = account("bram@example.nl", "nl")["contest"]
    assert dutch["title"] == "Lentewedstrijd" and dutch["ends_text"].startswith("Eindigt ")
    assert dutch["you_text"] == "Je staat op plaats 2, met 2 vrienden."
    assert [(x["rank"], x["name"], x["friends_text"]) for x in dutch["leaders"]] == [
        (1, "Anna d. V.", "2 vrienden"),
        (2, "Bram J.", "2 vrienden"),
        (3, "Cees v. D.", "2 vrienden"),
    ]
    english = account("dirk@example.nl", "en")["contest"]
    assert english["you_text"] == "Bring a friend to get on the board."


NICK_KEY = "contest-test-secret-key-0123456789abcdef"


def test_the_advocate_picks_a_nickname_on_their_own_page(
    settings: Settings, webhook_secret: str
) -> None:
    keyed = dataclasses.replace(settings, secret_key=NICK_KEY)
    with TestClient(create_app(keyed), headers={"user-agent": BROWSER_UA}) as browser:
        boss = Owner(browser)
        codes = a_month_of_referrals(browser, webhook_secret)
        made = boss.post(BASE, json=plan()).json()
        browser.cookies.set(access.COOKIE, access.session_token(NICK_KEY, codes["cees"]))
        page = browser.get("/advocate?lang=nl")
        assert page.status_code == 200
        assert (
            "Lentewedstrijd" in page.text and "Je staat op plaats 3, met 2 vrienden." in page.text
        )
        assert 'name="nickname"' in page.text
        # Another site's form is refused; a bad nickname is a 400 and changes nothing.
        foreign = browser.post(
            "/advocate/nickname?lang=nl",
            data={"nickname": "Hacker"},
            headers={"origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
        bad = browser.post("/advocate/nickname?lang=nl", data={"nickname": "cees@example.nl"})
        assert bad.status_code == 400
        assert boss.get(f"{BASE}/{made['id']}").json()["leaders"][2]["name"] == "Cees v. D."
        saved = browser.post(
            "/advocate/nickname?lang=nl",
            data={"nickname": "Koffieheld"},
            headers={"origin": "http://refer.test"},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        assert boss.get(f"{BASE}/{made['id']}").json()["leaders"][2]["name"] == "Koffieheld"
        assert 'value="Koffieheld"' in browser.get("/advocate?lang=nl").text
        # Emptied: back to the masked name. Without a session: 401.
        browser.post("/advocate/nickname?lang=nl", data={"nickname": ""})
        assert boss.get(f"{BASE}/{made['id']}").json()["leaders"][2]["name"] == "Cees v. D."
        browser.cookies.clear()
        assert browser.post("/advocate/nickname", data={"nickname": "X y"}).status_code == 401
