"""One rewards file: the dashboard's "Download this list" and the owner API's rewards.csv are the
same bytes for the same filters (BOM, columns, RFC 3339 times, defused formulas, clawbacks)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from shareback.api.owner.exports import REWARD_COLUMNS
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import cash_for_the_referrer, order_refunded, signed_headers
from test_admin_auth import admin
from test_admin_dashboard import bulk, create_campaign, pending_ids, referred_order
from test_owner_api import ADMIN_KEY
from test_owner_api import settings as settings  # the settings with the admin key

__all__ = ["admin"]
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def rewards_through_both(admin: TestClient, query: str) -> tuple[bytes, bytes]:
    dashboard = admin.get(f"/admin/rewards.csv?{query}")
    api = admin.get(
        f"/api/v1/exports/rewards.csv?{query}", headers={"authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert dashboard.status_code == api.status_code == 200, (dashboard.text, api.text)
    assert dashboard.headers["content-disposition"] == api.headers["content-disposition"]
    return dashboard.content, api.content


@pytest.mark.parametrize(
    "query",
    [
        "status=approved",
        "status=pending",
        "status=approved&side=friend",
        "status=approved&campaign=default",
        "status=revoked&campaign=summer",
    ],
)
def test_the_dashboard_and_the_api_download_the_same_rewards_file(
    admin: TestClient, settings: Settings, webhook_secret: str, query: str
) -> None:
    create_campaign(admin)
    cash_for_the_referrer(settings)  # approved, it stays approved until its payout batch
    referred_order(admin, webhook_secret, "1001", "=HYPERLINK(1)@example.com")
    referred_order(admin, webhook_secret, "1002", "chris@example.com", advocate="bram@example.nl")
    bulk(admin, "approve", pending_ids(settings)[:2])
    body = order_refunded("1001")
    admin.post("/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "r"))
    dashboard, api = rewards_through_both(admin, query)
    assert dashboard == api
    assert dashboard.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(dashboard.decode("utf-8-sig"))))
    assert list(rows[0] if rows else REWARD_COLUMNS) == list(REWARD_COLUMNS)
    for row in rows:
        assert RFC3339.match(row["created_at"]) and RFC3339.match(row["approve_after"])
        assert row["email"][0] not in "=+-@"
    if query == "status=approved":
        # The referrers' (the friends' discounts were fulfilled at the checkout): 1001's refund
        # claws its referrer's back whole.
        assert {(row["order_id"], row["clawed_back"], row["net_amount"]) for row in rows} == {
            ("1001", "true", "0.00"),
            ("1002", "false", "5.00"),
        }
