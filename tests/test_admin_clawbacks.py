"""Money after approval in the dashboard: clawbacks in the rewards queue and the payout CSV, and
partial refunds off the overview's revenue."""

from __future__ import annotations

import csv
import io
import json
import re

import httpx2
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import (
    cash_for_the_referrer,
    order_refunded,
    percent_for_the_referrer,
    signed_headers,
)
from test_admin_auth import admin
from test_admin_dashboard import bulk, kpi, pending_ids, referred_order

__all__ = ["admin"]


def send(client: TestClient, secret: str, body: bytes, message_id: str) -> httpx2.Response:
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, message_id)
    )
    assert response.status_code == 200, response.text
    return response


def partial_refund(order_id: str, amount: str, refund_id: str) -> bytes:
    data = {"order_id": order_id, "amount": amount, "refund_id": refund_id}
    return json.dumps({"type": "order.refunded", "data": data}).encode()


def payout(client: TestClient, query: str = "status=approved") -> dict[str, dict[str, str]]:
    text = client.get(f"/admin/rewards.csv?{query}").content.decode("utf-8-sig")
    return {row["side"]: row for row in csv.DictReader(io.StringIO(text))}


def test_a_partial_refund_after_approval_shows_what_is_owed_back(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    percent_for_the_referrer(settings)  # issued as a coupon the moment it is approved
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    bulk(admin, "approve", pending_ids(settings))
    coupons = "status=fulfilled&side=referrer"
    before = payout(admin, coupons)
    # The friend's discount was given at the checkout: never approved, paid or owed back.
    assert {side: row["clawed_back"] for side, row in before.items()} == {"referrer": "false"}
    assert before["referrer"]["net_amount"] == "5.99"
    assert before["referrer"]["clawed_back_amount"] == ""

    send(admin, webhook_secret, partial_refund("1001", "20.00", "re_1"), "msg_refund")
    page = admin.get(f"/admin/rewards?{coupons}").text
    # 10 % of the 20.00 refunded: the referrer's €5.99 is now worth €3.99.
    assert '<span class="badge badge-clawback">€2 owed back</span>' in page
    assert page.count("badge-clawback") == 1
    after = payout(admin, coupons)
    assert (
        after["referrer"]["clawed_back"],
        after["referrer"]["clawed_back_amount"],
        after["referrer"]["net_amount"],
    ) == ("true", "2.00", "3.99")
    friends = admin.get("/admin/rewards?status=fulfilled&side=friend").text
    assert "owed back" not in friends and "bram@example.com" in friends


def test_a_whole_refund_after_approval_claws_back_the_referrers_reward_alone(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    cash_for_the_referrer(settings)  # approved, it waits for its payout batch
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    bulk(admin, "approve", pending_ids(settings))
    send(admin, webhook_secret, order_refunded("1001"), "msg_refund")
    page = admin.get("/admin/rewards?status=approved").text
    assert "€5 owed back" in page
    # Never "owed back" by the friend: the checkout gave the discount, and the refund returned
    # what was paid after it.
    assert "owed back" not in admin.get("/admin/rewards?status=fulfilled&side=friend").text
    rows = payout(admin)
    assert {side: (r["clawed_back_amount"], r["net_amount"]) for side, r in rows.items()} == {
        "referrer": ("5.00", "0.00"),
    }
    header = admin.get("/admin/rewards.csv?status=approved").content.decode("utf-8-sig")
    assert header.splitlines()[0].endswith(
        ',"clawed_back","clawed_back_amount","clawed_back_minor","net_amount"'  # all quoted
    )


def test_the_overview_takes_partial_refunds_off_the_revenue(
    admin: TestClient, webhook_secret: str
) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    send(admin, webhook_secret, partial_refund("1001", "20.00", "re_1"), "msg_refund")
    page = admin.get("/admin").text
    assert kpi(page, "Sales through friends") == "€39.90"
    assert kpi(page, "Average order via a friend") == "€39.90"
    assert kpi(page, "Orders via friends") == "1"
    campaigns = admin.get("/admin/campaigns").text
    assert re.search(r'<td class="num">€39.90</td>', campaigns)
