"""The overview compares the segments' participation and conversion, per campaign and per
country, through HTTP: campaigns with segments, customers, shares and friends' orders."""

from __future__ import annotations

import re

import pytest
from shareback.admin import segment_comparison
from starlette.testclient import TestClient
from support import SHOP, follow_link, order_paid, signed_headers
from test_admin_auth import admin
from test_owner_api import Owner
from test_targeting_widget import join, owner, settings

__all__ = ["admin", "owner", "settings"]  # fixtures: the signed-in client, the shop's campaigns


def share(client: TestClient, code: str) -> None:
    beacon = client.post(
        "/api/v1/events",
        json={"campaign": "default", "type": "share", "channel": "whatsapp", "code": code},
        headers={"origin": SHOP},
    )
    assert beacon.status_code == 204


def friend_orders(client: TestClient, secret: str, code: str, friend: str) -> None:
    ref = follow_link(client, code, "whatsapp")
    body = order_paid(f"order-{friend}", f"{friend}@example.com", "40.00", ref)
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"msg-{friend}")
    )
    assert answer.json()["status"] == "recorded", answer.text


def table(page: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, each cell's text."""
    found = re.search(
        rf"<caption[^>]*>{re.escape(caption)}</caption>.*?<tbody>(.*?)</tbody>", page, re.S
    )
    assert found, f"no table {caption!r}"
    rows = re.findall(r"<tr>(.*?)</tr>", found[1], re.S)
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for cells in (re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows)
    ]


@pytest.fixture
def shop_activity(admin: TestClient, owner: Owner, webhook_secret: str) -> None:
    """Anna (a Dutch VIP) shares and a friend orders; Bram (Dutch) shares; Chloe (Belgian) does
    nothing; Dirk (German, the default campaign) shares and two friends order."""
    anna = join(admin, "anna@example.nl")
    assert anna["campaign"] == "dutch-vip"
    share(admin, anna["code"])
    friend_orders(admin, webhook_secret, anna["code"], "anna-friend")
    share(admin, join(admin, "bram@example.nl")["code"])
    join(admin, "chloe@example.be")
    dirk = join(admin, "dirk@example.de")
    share(admin, dirk["code"])
    for friend in ("dirk-friend-1", "dirk-friend-2"):
        friend_orders(admin, webhook_secret, dirk["code"], friend)


def test_the_overview_compares_each_campaigns_segment(
    admin: TestClient, shop_activity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Customers are counted page by page: pages of two make four of the seven customers.
    monkeypatch.setattr(segment_comparison, "PAGE", 2)
    page = admin.get("/admin").text
    rows = table(page, "Participation and conversion per campaign segment")
    assert rows == [
        # The most specific segment first, as the widget picks them.
        [
            "Dutch-Vip",
            "in Netherlands; tagged vip; spent at least €100",
            "1",
            "1",
            "100%",
            "1",
            "100%",
        ],
        ["Benelux", "in Netherlands, Belgium", "3", "1", "33.3%", "0", "0%"],
        ["Elsewhere", "in Germany", "1", "0", "0%", "0", "—"],
        # Everyone: the four customers and the three friends whose orders made them customers.
        ["Invite a friend", "Every shopper (the fallback)", "7", "1", "14.3%", "2", "200%"],
    ]


def test_the_overview_compares_the_countries_and_names_their_regional_campaigns(
    admin: TestClient, shop_activity: None
) -> None:
    page = admin.get("/admin").text
    rows = table(
        page, "Participation and conversion of your customers per country, in every campaign"
    )
    assert rows == [
        ["Netherlands NL", "2", "2", "100%", "1", "50%", "Benelux, Dutch-Vip"],
        ["Belgium BE", "1", "0", "0%", "0", "—", "Benelux"],
        ["Germany DE", "1", "1", "100%", "2", "200%", "Elsewhere"],
        ["Country not known", "3", "0", "0%", "0", "—", "none"],
    ]


def test_the_comparison_is_left_out_while_no_campaign_has_a_segment(admin: TestClient) -> None:
    assert "Segments compared" not in admin.get("/admin").text
