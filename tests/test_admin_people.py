"""The advocates, referrals and advocate pages through TestClient: search, filters, sorting,
paging, the CSV downloads (the owner API's own files), the data requests, roles, and bad query
strings as 4xx pages, never a 500."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from datetime import UTC, datetime, timedelta

import httpx2
import pytest
from shareback.admin import advocates as advocates_page
from shareback.admin import referrals as referrals_page
from shareback.api.owner.exports import ADVOCATE_COLUMNS, REFERRAL_COLUMNS
from shareback.settings import Settings
from shareback.storage.sql import people as people_queries
from starlette.testclient import TestClient
from support import (
    db_execute,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)
from test_admin_auth import admin, csrf_token
from test_admin_dashboard import create_campaign, text_of
from test_roles import as_role, create_users

__all__ = ["admin"]
ADMIN_KEY = "admin-key-for-people-0123456789"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_api_key=ADMIN_KEY)


def order(
    client: TestClient,
    secret: str,
    order_id: str,
    friend: str,
    ref: str,
    total: str = "59.90",
) -> None:
    body = order_paid(order_id, friend, total, ref)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"msg_{order_id}")
    )
    assert response.json()["status"] == "recorded", response.text


def refund(client: TestClient, secret: str, order_id: str) -> None:
    body = order_refunded(order_id)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"ref_{order_id}")
    )
    assert response.status_code == 200, response.text


def shop(client: TestClient, secret: str) -> dict[str, dict[str, object]]:
    """Anna (two friends ordered: one by WhatsApp, one refunded by e-mail), Bram (one, by QR),
    Cleo (nothing yet)."""
    anna = join_campaign(client, "Anna.de.Vries@Example.nl", "Anna de Vries")
    bram = join_campaign(client, "bram@example.com", "Bram Zoë")
    cleo = join_campaign(client, "cleo@example.org", "Cleo")
    order(
        client,
        secret,
        "1001",
        "femke@example.com",
        follow_link(client, str(anna["code"]), "whatsapp"),
    )
    order(
        client,
        secret,
        "1002",
        "gijs@example.com",
        follow_link(client, str(anna["code"]), "email"),
        "20.00",
    )
    refund(client, secret, "1002")
    order(client, secret, "1003", "hans@example.com", follow_link(client, str(bram["code"]), "qr"))
    return {"anna": anna, "bram": bram, "cleo": cleo}


def names_listed(response: httpx2.Response) -> list[str]:
    """The advocates of a list page, in order, by the name their row links."""
    assert response.status_code == 200, response.text
    return re.findall(
        r'<a class="strong-link" href="/admin/advocates/\d+">([^<]+)</a>', response.text
    )


def orders_listed(response: httpx2.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return re.findall(r'<th scope="row"><span>#([^<]+)</span>', response.text)


def advocate_id(settings: Settings, email: str) -> int:
    return int(db_rows(settings, "SELECT id FROM advocates WHERE email = ?", (email,))[0][0])


# The advocates list


def test_advocates_are_found_by_name_email_and_every_code(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    people = shop(admin, webhook_secret)
    assert names_listed(admin.get("/admin/advocates")) == ["Cleo", "Bram Zoë", "Anna de Vries"]
    anna_code = str(people["anna"]["code"])
    for query, found in (
        ("vries", ["Anna de Vries"]),  # any part of the name
        ("ZOE", ["Bram Zoë"]),  # accents and case folded
        ("anna.de.vries@EXAMPLE", ["Anna de Vries"]),  # the address's start, folded
        ("example.nl", []),  # not the start of an address
        (anna_code.lower(), ["Anna de Vries"]),  # the referral code
        (anna_code[:5], ["Anna de Vries"]),
        (str(people["bram"]["coupon_code"]), ["Bram Zoë"]),  # the personal coupon code
        ("nobody", []),
    ):
        assert names_listed(admin.get("/admin/advocates", params={"q": query})) == found, query
    nobody = admin.get("/admin/advocates", params={"q": "<b>nobody</b>"})
    assert "Nobody matches “&lt;b&gt;nobody&lt;/b&gt;”." in nobody.text
    assert 'value="&lt;b&gt;nobody&lt;/b&gt;"' in nobody.text


def test_a_names_middle_is_looked_for_among_the_newest_advocates(
    admin: TestClient, webhook_secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop(admin, webhook_secret)  # Anna joined first, then Bram, then Cleo
    monkeypatch.setattr(people_queries, "NAME_SCAN", 2)
    monkeypatch.setattr(advocates_page, "NAME_SCAN", 2)
    middle = admin.get("/admin/advocates?q=vries")
    assert names_listed(middle) == []
    assert "is looked for among the newest 2 advocates" in middle.text
    assert names_listed(admin.get("/admin/advocates?q=zoe")) == ["Bram Zoë"]  # among the newest
    assert names_listed(admin.get("/admin/advocates?q=anna de")) == ["Anna de Vries"]  # the start
    monkeypatch.setattr(people_queries, "NAME_SCAN", 3)
    assert names_listed(admin.get("/admin/advocates?q=vries")) == ["Anna de Vries"]
    assert "is looked for among" not in admin.get("/admin/advocates?q=vries").text


def test_each_row_shows_shares_clicks_referred_orders_and_rewards(
    admin: TestClient, webhook_secret: str
) -> None:
    shop(admin, webhook_secret)
    page = admin.get("/admin/advocates?q=anna")
    row = text_of(page).split("Joined", 1)[1]
    # Anna: 0 shares, 2 clicks, 2 referred orders, 1 reward (the refunded order's is revoked).
    assert re.search(r"Anna de Vries Anna\.de\.Vries@Example\.nl \S+ Coupon \S+ 0 2 2 1 €5", row), (
        row
    )


def test_advocates_are_sorted_by_referred_orders_and_filtered_by_campaign(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    shop(admin, webhook_secret)
    referred = admin.get("/admin/advocates?sort=referred")
    assert names_listed(referred) == ["Anna de Vries", "Bram Zoë"]  # Cleo has none
    assert 'aria-current="page">Most referred orders' in referred.text
    assert names_listed(admin.get("/admin/advocates?sort=referred&q=bram")) == ["Bram Zoë"]
    assert names_listed(admin.get("/admin/advocates?campaign=default")) == [
        "Cleo",
        "Bram Zoë",
        "Anna de Vries",
    ]
    assert create_campaign(admin, slug="summer", name="Summer").status_code == 303
    assert names_listed(admin.get("/admin/advocates?campaign=summer")) == []
    assert "Nobody has asked for a link yet." in admin.get("/admin/advocates?campaign=summer").text


def test_the_advocates_list_goes_page_by_page(
    admin: TestClient, webhook_secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop(admin, webhook_secret)
    monkeypatch.setattr(advocates_page, "PAGE_SIZE", 2)
    first = admin.get("/admin/advocates")
    assert names_listed(first) == ["Cleo", "Bram Zoë"]
    assert '<a href="/admin/advocates?page=2" rel="next">Next page</a>' in first.text
    assert 'rel="prev"' not in first.text
    second = admin.get("/admin/advocates?page=2")
    assert names_listed(second) == ["Anna de Vries"]
    assert 'rel="next"' not in second.text and "Page 2" in second.text
    assert '<a href="/admin/advocates" rel="prev">' in second.text
    assert admin.get("/admin/advocates?page=3").status_code == 404
    filtered = admin.get("/admin/advocates?campaign=default&q=")
    assert 'href="/admin/advocates?campaign=default&amp;page=2" rel="next"' in filtered.text


# The referrals list


def test_referrals_are_filtered_by_campaign_state_channel_days_and_search(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    people = shop(admin, webhook_secret)
    assert orders_listed(admin.get("/admin/referrals")) == ["1003", "1002", "1001"]
    for query, found in (
        ("status=paid", ["1003", "1001"]),
        ("status=refunded", ["1002"]),
        ("status=partly_refunded", []),
        ("channel=whatsapp", ["1001"]),
        ("channel=qr", ["1003"]),
        ("channel=code", []),
        ("campaign=default&status=paid&channel=qr", ["1003"]),
        ("q=femke@", ["1001"]),  # the friend's address
        ("q=%231002", ["1002"]),  # the order number
        ("q=bram", ["1003"]),  # the advocate
        (f"q={people['anna']['code']}", ["1002", "1001"]),
    ):
        assert orders_listed(admin.get(f"/admin/referrals?{query}")) == found, query
    # Shop days: 1001 moves to three days ago.
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    db_execute(
        settings,
        "UPDATE referrals SET created_at = ? WHERE order_pk = "
        "(SELECT id FROM orders WHERE order_id = '1001')",
        (three_days_ago.isoformat(),),
    )
    day = three_days_ago.date().isoformat()
    assert orders_listed(admin.get(f"/admin/referrals?from={day}&to={day}")) == ["1001"]
    after = (three_days_ago + timedelta(days=1)).date().isoformat()
    assert orders_listed(admin.get(f"/admin/referrals?from={after}")) == ["1003", "1002"]
    page = admin.get("/admin/referrals?status=refunded")
    assert "Refunded" in text_of(page) and "€20" in text_of(page)
    assert "No referrals match these filters." in admin.get("/admin/referrals?q=nobody").text


def test_the_referrals_list_goes_page_by_page(
    admin: TestClient, webhook_secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop(admin, webhook_secret)
    monkeypatch.setattr(referrals_page, "PAGE_SIZE", 2)
    first = admin.get("/admin/referrals?status=")
    assert orders_listed(first) == ["1003", "1002"]
    found = re.search(
        r'<a href="(/admin/referrals\?before=\d+)" rel="next">Older referrals', first.text
    )
    assert found, first.text
    second = admin.get(found[1].replace("&amp;", "&"))
    assert orders_listed(second) == ["1001"]
    assert '<a href="/admin/referrals">Newest</a>' in second.text


# The profile


def test_an_advocates_profile_shows_link_codes_channels_friends_rewards_and_mail(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    people = shop(admin, webhook_secret)
    anna = advocate_id(settings, "Anna.de.Vries@Example.nl")
    db_execute(
        settings,
        "INSERT INTO mail_messages (dedupe_key, campaign_id, journey, recipient, email_key, "
        "facts, status, next_attempt_at, subject, sent_at, created_at) "
        "SELECT 'k', id, 'invite', 'Anna.de.Vries@Example.nl', 'anna.de.vries@example.nl', '{}', "
        "'sent', created_at, 'Give your friends 10% off', created_at, created_at FROM campaigns",
    )
    page = admin.get(f"/admin/advocates/{anna}")
    assert page.status_code == 200
    text = text_of(page)
    code = str(people["anna"]["code"])
    # The link exactly as the widget hands it out (POST /api/v1/advocates).
    assert f'value="{people["anna"]["link"]}"' in page.text
    assert f'href="{people["anna"]["qr"]["svg"]}"' in page.text  # type: ignore[index]
    assert f"Referral code {code}" in text
    assert f"Personal coupon code {people['anna']['coupon_code']}" in text
    assert "WhatsApp 1 0" in text and "E-mail 1 0" in text  # clicks, shares by channel
    assert "#1001 femke@example.com €59.90 Paid WhatsApp" in text
    assert "#1002 gijs@example.com €20 €20 refunded Refunded E-mail" in text
    assert "bram" not in text.lower().replace("brandpunt", "")  # nobody else's
    rewards = text.split("Their rewards", 1)[1]
    assert "€5 Store credit Pending #1001" in rewards
    assert "€5 Store credit Revoked refund #1002" in rewards
    assert "Invite your friends (after an order) Give your friends 10% off Sent" in text
    assert "Shares 0 Clicks 2 Referred orders 2 Rewards earned 1" in text


def test_approved_and_clawed_back_rewards_and_store_credit_are_shown(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    shop(admin, webhook_secret)
    anna = advocate_id(settings, "Anna.de.Vries@Example.nl")
    pending = db_rows(
        settings,
        "SELECT w.id FROM rewards w JOIN referrals r ON r.id = w.referral_id "
        "JOIN orders o ON o.id = r.order_pk WHERE o.order_id = '1001' AND w.side = 'referrer'",
    )[0][0]
    token = csrf_token(admin.get("/admin/rewards").text)
    approved = admin.post(
        "/admin/rewards",
        data={"csrf": token, "action": "approve", "reward": str(pending)},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    text = text_of(admin.get(f"/admin/advocates/{anna}"))
    assert re.search(r"€5 Store credit Fulfilled", text), text  # credit is added at once
    assert "Store credit €5 Clicks and shares by channel" in text
    refund(admin, webhook_secret, "1001")
    text = text_of(admin.get(f"/admin/advocates/{anna}"))
    assert "€5 Store credit Fulfilled Clawed back €5 owed back" in text
    assert "Paid" not in text.split("Friends who ordered", 1)[1].split("Their rewards")[0]


def test_an_unknown_or_malformed_advocate_is_a_404_page(admin: TestClient) -> None:
    for path in (
        "/admin/advocates/999",
        "/admin/advocates/0",
        "/admin/advocates/abc",
        "/admin/advocates/99999999999999999999999",
        "/admin/advocates/1%00",
        "/admin/advocates/999/data.json",
        "/admin/advocates/999/erase",
    ):
        response = admin.get(path)
        assert response.status_code == 404, path
        assert "There is no such advocate" in response.text, path


# Downloads: the owner API's own files


def rows_of(response: httpx2.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_downloads_are_the_apis_files_with_the_pages_filters(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    people = shop(admin, webhook_secret)
    everyone = admin.get("/admin/advocates.csv")
    assert everyone.content.decode("utf-8-sig").splitlines()[0] == ",".join(
        f'"{c}"' for c in ADVOCATE_COLUMNS
    )
    assert [r["name"] for r in rows_of(everyone)] == ["Cleo", "Bram Zoë", "Anna de Vries"]
    found = rows_of(admin.get("/admin/advocates.csv?q=vries&sort=referred&page=1"))
    assert [(r["name"], r["link"], r["referrals"]) for r in found] == [
        ("Anna de Vries", str(people["anna"]["link"]), "2")
    ]
    referrals = admin.get("/admin/referrals.csv?status=paid&channel=qr")
    assert referrals.content.decode("utf-8-sig").splitlines()[0] == ",".join(
        f'"{c}"' for c in REFERRAL_COLUMNS
    )
    assert [r["order_id"] for r in rows_of(referrals)] == ["1003"]
    assert [r["order_id"] for r in rows_of(admin.get("/admin/referrals.csv"))] == [
        "1003",
        "1002",
        "1001",
    ]
    page = admin.get("/admin/referrals?status=paid&channel=qr").text
    assert 'href="/admin/referrals.csv?status=paid&amp;channel=qr"' in page


def test_a_formula_in_a_name_is_text_in_the_download(
    admin: TestClient, webhook_secret: str
) -> None:
    join_campaign(admin, "eve@example.nl", '=HYPERLINK("http://evil.example";"Klik")')
    (row,) = rows_of(admin.get("/admin/advocates.csv?q=eve@"))
    assert row["name"] == '\'=HYPERLINK("http://evil.example";"Klik")'


# Data requests


def test_their_data_downloads_as_the_gdpr_export_gives_it(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    shop(admin, webhook_secret)
    anna = advocate_id(settings, "Anna.de.Vries@Example.nl")
    download = admin.get(f"/admin/advocates/{anna}/data.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    document = json.loads(download.content)
    assert document["email"] == "Anna.de.Vries@Example.nl"
    assert {a["name"] for a in document["advocates"]} == {"Anna de Vries"}
    api = admin.get(
        "/api/v1/gdpr/export",
        params={"email": "Anna.de.Vries@Example.nl"},
        headers={"authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert api.status_code == 200 and api.json() == document


def test_erasing_needs_the_address_typed_again_and_then_names_nobody(
    admin: TestClient, webhook_secret: str, settings: Settings
) -> None:
    shop(admin, webhook_secret)
    anna = advocate_id(settings, "Anna.de.Vries@Example.nl")
    confirm = admin.get(f"/admin/advocates/{anna}/erase")
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.text
    token = csrf_token(confirm.text)
    wrong = admin.post(
        f"/admin/advocates/{anna}/erase",
        data={"csrf": token, "confirm_email": "someone@example.nl"},
        follow_redirects=False,
    )
    assert wrong.status_code == 400 and "Nothing was erased" in wrong.text
    assert advocate_id(settings, "Anna.de.Vries@Example.nl") == anna
    forged = admin.post(
        f"/admin/advocates/{anna}/erase",
        data={"confirm_email": "anna.de.vries@example.nl"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    done = admin.post(
        f"/admin/advocates/{anna}/erase",
        data={"csrf": token, "confirm_email": " anna.de.vries@EXAMPLE.nl "},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/admin/advocates?notice=person-erased"
    assert "data is erased: nothing kept names them" in admin.get(done.headers["location"]).text
    assert db_rows(settings, "SELECT 1 FROM advocates WHERE email LIKE 'Anna%'") == []
    profile = admin.get(f"/admin/advocates/{anna}")
    assert profile.status_code == 200 and "was erased on request" in profile.text
    assert "Anna" not in text_of(profile) and "Erase their data" not in profile.text


# Roles


def test_viewers_read_the_pages_but_download_and_erase_nothing(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    create_users(settings)
    shop(client, webhook_secret)
    anna = advocate_id(settings, "Anna.de.Vries@Example.nl")
    seen = {}
    for role in ("viewer", "finance", "owner"):
        as_role(client, role)
        advocates = client.get("/admin/advocates").text
        profile = client.get(f"/admin/advocates/{anna}").text
        seen[role] = (
            "/admin/advocates.csv" in advocates,
            f"/admin/advocates/{anna}/data.json" in profile,
            f"/admin/advocates/{anna}/erase" in profile,
            client.get("/admin/referrals.csv").status_code,
        )
    assert seen == {
        "viewer": (False, False, False, 403),
        "finance": (True, True, False, 200),
        "owner": (True, True, True, 200),
    }


# Bad query strings: a 4xx page saying what to change, never a 500


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/admin/advocates?page=0", 400),
        ("/admin/advocates?page=-1", 400),
        ("/admin/advocates?page=two", 400),
        ("/admin/advocates?page=201", 400),
        ("/admin/advocates?page=99999999999999999999999999", 400),
        ("/admin/advocates?page=%EF%BC%92", 400),  # a full-width digit two
        ("/admin/advocates?sort=oldest", 400),
        ("/admin/advocates?campaign=nope", 404),
        ("/admin/advocates?campaign=" + "x" * 300, 404),
        ("/admin/advocates?campaign=def%00ault", 404),
        ("/admin/advocates?q=an%00na", 400),
        ("/admin/advocates?q=" + "a" * 201, 400),
        ("/admin/advocates.csv?q=an%00na", 400),
        ("/admin/advocates.csv?campaign=nope", 404),
        ("/admin/referrals?from=2026-13-01", 400),
        ("/admin/referrals?from=yesterday", 400),
        ("/admin/referrals?from=2026-12-01&to=2026-11-01", 400),
        ("/admin/referrals?from=0001-01-01", 400),
        ("/admin/referrals?from=2020-01-01&to=2026-01-01", 400),  # longer than two years
        ("/admin/referrals?to=2026-02-30", 400),
        ("/admin/referrals?before=abc", 400),
        ("/admin/referrals?before=99999999999999999999999999", 400),
        ("/admin/referrals?status=lost", 400),
        ("/admin/referrals?channel=pigeon", 400),
        ("/admin/referrals?campaign=nope", 404),
        ("/admin/referrals?q=%00", 400),
        ("/admin/referrals.csv?from=2026-13-01", 400),
    ],
)
def test_a_bad_query_is_a_clear_4xx_page(admin: TestClient, path: str, status: int) -> None:
    response = admin.get(path)
    assert response.status_code == status, (path, response.text[:500])
    assert "text/html" in response.headers["content-type"]
    assert "<h1" in response.text and "Sign out" in response.text  # in the dashboard's look


def test_repeated_and_empty_parameters_are_the_defaults(admin: TestClient) -> None:
    for path in (
        "/admin/advocates?q=&campaign=&sort=&page=",
        "/admin/advocates?q=%20%20",
        "/admin/referrals?q=&campaign=&status=&channel=&from=&to=&before=",
    ):
        assert admin.get(path).status_code == 200, path


def test_the_downloads_are_byte_for_byte_the_apis_with_the_same_filters(
    admin: TestClient, webhook_secret: str
) -> None:
    shop(admin, webhook_secret)
    bearer = {"authorization": f"Bearer {ADMIN_KEY}"}
    today = datetime.now(UTC).date().isoformat()
    for dashboard, api in (
        ("/admin/advocates.csv?q=vries", "/api/v1/exports/advocates.csv?search=vries"),
        ("/admin/advocates.csv?campaign=default", "/api/v1/exports/advocates.csv?campaign=default"),
        (
            "/admin/referrals.csv?status=paid&channel=whatsapp&q=anna",
            "/api/v1/exports/referrals.csv?status=paid&channel=whatsapp&search=anna",
        ),
        (
            f"/admin/referrals.csv?from={today}&to={today}",
            f"/api/v1/exports/referrals.csv?since={today}&until={today}",
        ),
    ):
        mine, theirs = admin.get(dashboard), admin.get(api, headers=bearer)
        assert mine.status_code == theirs.status_code == 200, (dashboard, theirs.text)
        assert mine.content == theirs.content, dashboard
        assert len(mine.content.splitlines()) > 1, dashboard
    listed = admin.get("/api/v1/referrals?status=refunded", headers=bearer).json()["data"]
    assert [r["order"]["id"] for r in listed] == ["1002"]
    for bad in ("status=lost", "channel=pigeon", "search=%00", "status="):
        answer = admin.get(f"/api/v1/referrals?{bad}", headers=bearer)
        assert answer.status_code == 400, bad
        assert answer.json()["error"]["field"] == bad.split("=")[0]
