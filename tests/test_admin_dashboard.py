"""The dashboard's pages through TestClient: overview numbers, campaigns, preview, rewards, settings."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx2
import pytest
from shareback import i18n
from shareback.admin import charts, formatting, ranges
from shareback.auth import keys
from shareback.kpis import DayCounts
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import (
    SHOP,
    cash_for_the_referrer,
    count,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)
from test_admin_auth import OWNER, admin, create_admin, csrf_token, form_token

__all__ = ["admin"]  # the signed-in client fixture, shared with the sign-in tests


def referred_order(
    client: TestClient,
    secret: str,
    order_id: str,
    friend: str,
    total: str = "59.90",
    advocate: str = "anna@example.nl",
) -> None:
    doc = join_campaign(client, advocate, "Anna de Vries")
    ref = follow_link(client, str(doc["code"]), "whatsapp")
    body = order_paid(order_id, friend, total, ref)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"msg_{order_id}")
    )
    assert response.json()["status"] == "recorded", response.text


def text_of(response: httpx2.Response) -> str:
    """The page's visible words, tags removed and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def kpi(page: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>([^<]*)</dd>", page)
    assert found, f"no KPI {label!r}"
    return found[1]


# Overview


def test_the_overview_shows_dashes_before_anything_happened(admin: TestClient) -> None:
    page = admin.get("/admin").text
    assert kpi(page, "Clicks that became an order") == "—"
    assert kpi(page, "Sales per euro of rewards") == "—"
    assert kpi(page, "New customers per ambassador") == "—"
    assert kpi(page, "Sales through friends") == "€0"
    assert "Nothing has happened yet" in page
    assert "No orders via friends in this period yet." in page


def test_the_overview_counts_a_referred_order(admin: TestClient, webhook_secret: str) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    page = admin.get("/admin").text
    assert kpi(page, "Sales through friends") == "€59.90"
    assert kpi(page, "Orders via friends") == "1"
    assert kpi(page, "Link clicks") == "1"
    assert kpi(page, "Clicks that became an order") == "100%"
    # Reward cost: €5 credit for Anna and Bram's 10 % off, which left €59.90 of €66.56.
    assert kpi(page, "Reward cost") == "€11.66"
    assert kpi(page, "Sales per euro of rewards") == "5.1\u00d7"
    assert kpi(page, "Average order via a friend") == "€59.90"
    assert "Anna de Vries" in page  # top advocates
    assert "Order 1001 came in via a friend of Anna de Vries" in page
    assert "via WhatsApp" in page


def test_a_refund_leaves_the_revenue(admin: TestClient, webhook_secret: str) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    body = order_refunded("1001")
    admin.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "msg_r")
    )
    page = admin.get("/admin").text
    assert kpi(page, "Sales through friends") == "€0"
    assert "1 refunded in full (left out)" in page
    assert kpi(page, "Orders via friends") == "0"  # the same as the referred orders: none kept


def test_the_overview_draws_its_charts_as_accessible_inline_svg(admin: TestClient) -> None:
    page = admin.get("/admin?from=2026-01-01&to=2026-01-31").text
    trend = re.search(r'<svg class="chart-svg trend"[^>]*>', page)
    assert trend and 'role="img"' in trend[0] and "aria-describedby" in trend[0]
    assert '<title id="trend-chart-title">Clicks and orders per day</title>' in page
    assert (
        '<desc id="trend-chart-desc">0 clicks and 0 orders from 1 Jan 2026 to 31 Jan 2026' in page
    )
    assert '<title id="funnel-chart-title">From open to order</title>' in page
    # The table alternative has a row per day of the range.
    assert page.count('<tr><th scope="row">') >= 31
    assert "<script>" not in page and "chart.js" not in page.lower()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday", "That date is not valid"),
        ("from=2026-02-10&to=2026-02-01", "The start date is after the end date"),
        ("from=2020-01-01&to=2026-01-01", "Ranges are at most two years"),
    ],
)
def test_a_bad_date_range_is_explained(admin: TestClient, query: str, message: str) -> None:
    response = admin.get(f"/admin?{query}")
    assert response.status_code == 200
    assert message in response.text


def test_the_overview_picks_the_campaign_asked_for(admin: TestClient) -> None:
    create_campaign(admin, slug="summer", name="Summer special")
    page = admin.get("/admin?campaign=summer").text
    assert '<option value="summer" selected>' in page
    assert admin.get("/admin?campaign=nope").status_code == 200  # falls back to the default


def test_the_activity_fragment_lists_what_happened(admin: TestClient) -> None:
    join_campaign(admin, "anna@example.nl", "Anna de Vries")
    fragment = admin.get("/admin/activity?campaign=default")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "Anna de Vries became an ambassador" in fragment.text


def test_signed_in_owners_skip_the_login_page(admin: TestClient) -> None:
    response = admin.get("/admin/login?next=/admin/rewards", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/rewards"


# Campaigns

VALID = {
    "slug": "summer",
    "name": "Summer special",
    "shop_name": "Brandpunt Koffie",
    "landing_url": "https://brandpunt.example/zomer",
    "allowed_origins": "https://brandpunt.example\nhttps://www.brandpunt.example/",
    "referrer_reward_type": "credit",
    "referrer_reward_value": "7.50",
    "friend_reward_type": "percent_discount",
    "friend_reward_value": "15",
    "currency": "EUR",
    "attribution_days": "45",
    "hold_days": "30",
    "new_customers_only": "on",
    "starts_at": "2036-06-01T00:00",
    "ends_at": "2036-08-31T23:59",
}


def create_campaign(client: TestClient, **changes: str) -> httpx2.Response:
    token = form_token(client, "/admin/campaigns/new")
    return client.post(
        "/admin/campaigns", data={**VALID, **changes, "csrf": token}, follow_redirects=False
    )


def test_creating_a_campaign_saves_every_field(admin: TestClient, settings: Settings) -> None:
    response = create_campaign(admin)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/campaigns/summer?notice=campaign-created"
    row = db_rows(settings, "SELECT * FROM campaigns WHERE slug = 'summer'")[0]
    assert (row["name"], row["shop_name"], row["landing_url"]) == (
        "Summer special",
        "Brandpunt Koffie",
        "https://brandpunt.example/zomer",
    )
    assert row["allowed_origins"] == "https://brandpunt.example https://www.brandpunt.example"
    assert (row["referrer_reward_type"], row["referrer_reward_value"]) == ("credit", "7.50")
    assert (row["friend_reward_type"], row["friend_reward_value"]) == ("percent_discount", "15")
    assert (row["attribution_days"], row["hold_days"], row["new_customers_only"]) == (45, 30, 1)
    assert row["starts_at"].startswith("2036-06-01 00:00")
    assert row["ends_at"].startswith("2036-08-31 23:59")
    page = admin.get(response.headers["location"]).text
    assert "The campaign is created." in page
    assert 'value="Summer special"' in page and "2036-06-01T00:00" in page
    listing = admin.get("/admin/campaigns").text
    assert "Summer special" in listing and "Scheduled" in listing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Summer Sale!", "Use 1 to 64 lower-case letters"),
        ("slug", "new", "“new” is reserved"),
        ("name", "", "Enter a name for the campaign."),
        ("name", "x" * 101, "Keep it to 100 characters."),
        ("shop_name", "", "Enter your shop&#39;s name"),
        ("landing_url", "brandpunt.example", "Enter a full address that starts with https://"),
        ("landing_url", "ftp://brandpunt.example/", "Enter a full address"),
        ("allowed_origins", "", "Add the origin of every site that shows the widget"),
        ("allowed_origins", "https://brandpunt.example/shop", "is not an origin"),
        ("referrer_reward_value", "five", "Enter a number, such as 5.00 for 5.00 credit."),
        ("referrer_reward_value", "5.005", "Use at most 2 decimals for EUR."),
        ("friend_reward_value", "150", "A percentage discount is at most 100."),
        ("friend_reward_value", "-1", "Reward value must be a non-negative number."),
        ("friend_reward_value", "", "Enter the reward&#39;s value."),
        ("currency", "euro", "Use a three-letter currency code"),
        ("attribution_days", "0", "Enter a whole number of days from 1 to 365."),
        ("attribution_days", "abc", "Enter a whole number of days from 1 to 365."),
        ("hold_days", "400", "Enter a whole number of days from 0 to 365."),
        ("starts_at", "June", "Pick a date and time"),
        ("ends_at", "2036-05-01T00:00", "The end must be after the start."),
    ],
)
def test_the_campaign_form_explains_each_mistake_beside_its_field(
    admin: TestClient, settings: Settings, field: str, value: str, message: str
) -> None:
    response = create_campaign(admin, **{field: value})
    assert response.status_code == 400
    html = response.text
    error = re.search(rf'<p class="field-error" id="f-{field}-error">(.*?)</p>', html, re.S)
    assert error, f"no error beside {field}"
    assert message in error[1]
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html)
    assert re.search(rf'id="f-{field}"[^>]*aria-describedby="f-{field}-error', html)
    assert 'class="alert alert-error error-summary" role="alert"' in html
    assert f'href="#f-{field}"' in html
    # What the owner typed stays in the form.
    assert 'value="Summer special"' in html or field == "name"
    assert count(settings, "campaigns") == 1


def test_a_taken_slug_is_refused(admin: TestClient, settings: Settings) -> None:
    assert create_campaign(admin).status_code == 303
    again = create_campaign(admin, name="Another")
    assert again.status_code == 400
    assert "Another campaign already uses this slug" in again.text
    assert count(settings, "campaigns") == 2


def test_editing_a_campaign_keeps_its_slug(admin: TestClient, settings: Settings) -> None:
    token = form_token(admin, "/admin/campaigns/default")
    data = {**VALID, "slug": "hijack", "name": "Invite a friend, 2026", "csrf": token}
    del data["starts_at"], data["ends_at"]
    response = admin.post("/admin/campaigns/default", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/campaigns/default?notice=campaign-saved"
    rows = db_rows(settings, "SELECT slug, name, hold_days, starts_at FROM campaigns")
    assert [tuple(r) for r in rows] == [("default", "Invite a friend, 2026", 30, None)]


def test_a_failed_edit_shows_the_errors_and_changes_nothing(
    admin: TestClient, settings: Settings
) -> None:
    token = form_token(admin, "/admin/campaigns/default")
    response = admin.post(
        "/admin/campaigns/default",
        data={**VALID, "name": "Changed", "hold_days": "-3", "csrf": token},
    )
    assert response.status_code == 400
    assert "Enter a whole number of days from 0 to 365." in response.text
    assert db_rows(settings, "SELECT name FROM campaigns")[0][0] == "Invite a friend"


def test_archiving_a_campaign_stops_its_widget(admin: TestClient, settings: Settings) -> None:
    token = form_token(admin, "/admin/campaigns/default")
    response = admin.post(
        "/admin/campaigns/default/archive", data={"csrf": token}, follow_redirects=False
    )
    assert response.headers["location"] == "/admin/campaigns?notice=campaign-archived"
    assert db_rows(settings, "SELECT archived_at FROM campaigns")[0][0] is not None
    widget = admin.get("/api/v1/campaigns/default/widget", headers={"origin": "http://shop.test"})
    assert widget.status_code == 404
    listing = admin.get("/admin/campaigns").text
    assert "Show 1 archived campaign" in listing
    assert "Archived" in admin.get("/admin/campaigns?archived=1").text


def test_an_unknown_campaign_is_a_404_page(admin: TestClient) -> None:
    response = admin.get("/admin/campaigns/nope")
    assert response.status_code == 404
    assert "No such campaign" in response.text and "Content-Security-Policy" in str(
        response.headers
    ).title().replace("-", "-")


# Preview


def preview_api(page: str) -> str:
    found = re.search(r'data-api="([^"]+)"', page)
    assert found
    return found[1]


def test_the_preview_embeds_the_real_widget_with_a_stand_in_api(
    admin: TestClient, settings: Settings
) -> None:
    response = admin.get("/admin/preview?campaign=default&lang=nl")
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    page = response.text
    assert '<html lang="nl"' in page
    assert '<script src="/widget.js" data-campaign="default"' in page
    api = preview_api(page)
    config = admin.get(f"{api}/api/v1/campaigns/default/widget?lang=nl").json()
    assert config["headline"] == "Geef 10% korting, krijg €\u00a05 tegoed"
    before = count(settings, "advocates"), count(settings, "events")
    advocate = admin.post(f"{api}/api/v1/advocates", json={"email": "x@y.z", "lang": "nl"}).json()
    assert advocate["link"].startswith(f"{settings.public_url}/r/ANNA-")
    assert advocate["share"]["text"].startswith("Ik ben fan van Brandpunt Koffie!")
    assert admin.post(f"{api}/api/v1/events", content=b"{}").status_code == 204
    qr = admin.get(advocate["qr"]["svg"])
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert (count(settings, "advocates"), count(settings, "events")) == before


def test_the_preview_loads_the_same_widget_document_as_the_shop(admin: TestClient) -> None:
    api = preview_api(admin.get("/admin/preview?campaign=default&lang=nl").text)
    for lang in ("nl", "en"):
        preview = admin.get(f"{api}/api/v1/campaigns/default/widget?lang={lang}").json()
        shop = admin.get(
            f"/api/v1/campaigns/default/widget?lang={lang}", headers={"origin": SHOP}
        ).json()
        assert preview == shop


def test_the_preview_follows_the_form_before_it_is_saved(admin: TestClient) -> None:
    page = admin.get(
        "/admin/preview?campaign=default&lang=en&friend_reward_type=fixed_discount"
        "&friend_reward_value=7.50&referrer_reward_value=oops&shop_name=Koffiebar"
    ).text
    api = preview_api(page)
    config = admin.get(f"{api}/api/v1/campaigns/default/widget?lang=en").json()
    # The friend's new reward shows; the half-typed referrer value keeps the saved one.
    assert config["headline"] == "Give €7.50 off, get €5 store credit"
    share = admin.post(f"{api}/api/v1/advocates", json={"lang": "en"}).json()["share"]
    assert share["text"].startswith("I love Koffiebar!")


def test_a_new_campaign_can_be_previewed(admin: TestClient) -> None:
    page = admin.get("/admin/preview?lang=en&shop_name=New+shop").text
    assert 'data-campaign="preview"' in page
    config = admin.get(f"{preview_api(page)}/api/v1/campaigns/preview/widget?lang=en").json()
    assert config["headline"] == "Give 10% off, get €5 store credit"


def test_a_forged_preview_token_is_refused(admin: TestClient) -> None:
    response = admin.get("/admin/preview-api/forged/api/v1/campaigns/default/widget")
    assert response.status_code == 404


# Rewards


def pending_ids(settings: Settings) -> list[int]:
    return [r[0] for r in db_rows(settings, "SELECT id FROM rewards WHERE status = 'pending'")]


def bulk(
    client: TestClient, action: str, ids: list[int], reason: str = "", **extra: str
) -> httpx2.Response:
    token = form_token(client, "/admin/rewards")
    data: dict[str, str | list[str]] = {
        "csrf": token,
        "action": action,
        "reason": reason,
        "reward": [str(i) for i in ids],
        **extra,
    }
    return client.post("/admin/rewards", data=data, follow_redirects=False)


def test_the_queue_lists_pending_rewards_with_checkboxes(
    admin: TestClient, webhook_secret: str
) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    page = admin.get("/admin/rewards").text
    # Anna's credit waits; Bram's discount was given at the checkout: never in the queue.
    assert page.count('name="reward"') == 1
    assert "anna@example.nl" in page and "bram@example.com" not in page
    assert "#1001" in page and "€5" in page
    assert 'aria-current="page">Waiting' in page
    assert "Approve selected" in page and "Revoke selected" in page
    fulfilled = admin.get("/admin/rewards?status=fulfilled").text
    assert "bram@example.com" in fulfilled and "€6.66" in fulfilled
    assert "Discount given at the checkout" in fulfilled and 'name="reward"' not in fulfilled


def test_bulk_approve_moves_rewards_and_records_who(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    ids = pending_ids(settings)
    response = bulk(admin, "approve", ids)
    assert response.status_code == 303
    assert (
        response.headers["location"] == "/admin/rewards?status=pending&done=approved&n=1&skipped=0"
    )
    assert "1 reward approved." in admin.get(response.headers["location"]).text
    # Anna's €5 credit is added to her balance the moment it is approved.
    statuses = "SELECT status FROM rewards ORDER BY side"
    assert [r[0] for r in db_rows(settings, statuses)] == ["fulfilled", "fulfilled"]
    changes = db_rows(
        settings, "SELECT from_status, to_status, actor FROM reward_changes ORDER BY id"
    )
    assert [tuple(c) for c in changes] == [
        ("pending", "fulfilled", "webhook:orders"),
        ("pending", "approved", OWNER),
        ("approved", "fulfilled", OWNER),
    ]
    fulfilled = admin.get("/admin/rewards?status=fulfilled").text
    assert "anna@example.nl" in fulfilled and "Added to the store-credit balance" in fulfilled
    # Approving again changes nothing and says so.
    again = bulk(admin, "approve", ids)
    assert "done=approved&n=0&skipped=1" in again.headers["location"]
    assert "1 could not be changed" in admin.get(again.headers["location"]).text


def test_revoking_needs_a_reason(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    ids = pending_ids(settings)
    response = bulk(admin, "revoke", ids[:1])
    assert response.status_code == 400
    assert "Give a reason for revoking" in response.text
    assert f'value="{ids[0]}" id="reward-{ids[0]}" checked' in response.text  # still selected
    assert pending_ids(settings) == ids
    done = bulk(admin, "revoke", ids[:1], reason="Order cancelled by phone")
    assert "done=revoked&n=1" in done.headers["location"]
    row = db_rows(settings, "SELECT status, revoke_reason FROM rewards WHERE id = ?", (ids[0],))
    assert tuple(row[0]) == ("revoked", "Order cancelled by phone")
    assert "Order cancelled by phone" in admin.get("/admin/rewards?status=revoked").text


def test_bulk_actions_say_what_is_missing(admin: TestClient) -> None:
    assert "Select at least one reward first." in bulk(admin, "approve", []).text
    assert "Choose Approve or Revoke." in bulk(admin, "pay", [1]).text


def test_the_queue_filters_by_side_and_campaign(admin: TestClient, webhook_secret: str) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    advocates = admin.get("/admin/rewards?side=referrer").text
    assert advocates.count('name="reward"') == 1 and "anna@example.nl" in advocates
    friends = admin.get("/admin/rewards?side=friend&status=fulfilled").text
    assert "bram@example.com" in friends and "anna@example.nl" not in friends
    create_campaign(admin)
    other = admin.get("/admin/rewards?campaign=summer").text
    assert 'name="reward"' not in other and "No rewards here match these filters." in other


def test_the_payout_csv_lists_approved_rewards(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    cash_for_the_referrer(settings)  # approved, it stays approved until its payout batch
    referred_order(admin, webhook_secret, "1001", "=HYPERLINK(1)@example.com")
    bulk(admin, "approve", pending_ids(settings))
    response = admin.get("/admin/rewards.csv?status=approved")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="shareback-rewards-approved-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # Anna's credit: the friend's discount was given at the checkout, never paid.
    assert len(rows) == 1
    by_side = {r["side"]: r for r in rows}
    assert by_side["referrer"]["email"] == "anna@example.nl"
    assert by_side["referrer"]["amount"] == "5.00"
    assert {r["status"] for r in rows} == {"approved"}
    assert all(r["approved_at"] for r in rows)
    friends = admin.get("/admin/rewards.csv?status=fulfilled&side=friend")
    [friend] = list(csv.DictReader(io.StringIO(friends.content.decode("utf-8-sig"))))
    assert friend["email"] == "'=HYPERLINK(1)@example.com"  # never a formula
    assert friend["amount"] == "6.66"
    assert (
        admin.get("/admin/rewards.csv?status=pending").content.decode("utf-8-sig").count("\n") == 1
    )


# Settings


def test_settings_show_the_snippet_and_the_webhook(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    page = admin.get("/admin/settings").text
    assert (
        "&lt;script src=&#34;http://refer.test/widget.js&#34; data-campaign=&#34;default&#34; async"
        in page
    )
    assert 'value="http://refer.test/webhooks/orders"' in page
    assert f'value="{webhook_secret}"' in page
    assert 'data-copy="webhook-secret"' in page and 'data-copy="snippet"' in page


def test_allowed_origins_are_saved_per_campaign(admin: TestClient, settings: Settings) -> None:
    token = form_token(admin)
    bad = admin.post(
        "/admin/settings/origins",
        data={"csrf": token, "campaign": "default", "allowed_origins": "shop.test"},
    )
    assert bad.status_code == 400 and "is not an origin" in bad.text
    good = admin.post(
        "/admin/settings/origins",
        data={
            "csrf": token,
            "campaign": "default",
            "allowed_origins": "https://a.test\nhttps://b.test",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    origins = db_rows(settings, "SELECT allowed_origins FROM campaigns")[0][0]
    assert origins == "https://a.test https://b.test"


def test_an_api_key_is_shown_once_and_stored_as_a_hash(
    admin: TestClient, settings: Settings
) -> None:
    token = form_token(admin)
    response = admin.post("/admin/settings/api-keys", data={"csrf": token, "name": "CRM sync"})
    assert response.status_code == 201
    key = re.search(r'id="new-key" value="(sbk_[^"]+)"', response.text)
    assert key
    row = db_rows(settings, "SELECT name, prefix, key_hash FROM api_keys")[0]
    assert (row["name"], row["key_hash"]) == ("CRM sync", keys.token_hash(key[1]))
    later = admin.get("/admin/settings").text
    assert key[1] not in later and row["prefix"] in later
    assert (
        "Say what the key is for"
        in admin.post("/admin/settings/api-keys", data={"csrf": token, "name": " "}).text
    )


def test_revoking_an_api_key(admin: TestClient, settings: Settings) -> None:
    token = form_token(admin)
    admin.post("/admin/settings/api-keys", data={"csrf": token, "name": "CRM"})
    key_id = db_rows(settings, "SELECT id FROM api_keys")[0][0]
    response = admin.post(
        f"/admin/settings/api-keys/{key_id}/revoke", data={"csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert db_rows(settings, "SELECT revoked_at FROM api_keys")[0][0] is not None
    again = admin.post(f"/admin/settings/api-keys/{key_id}/revoke", data={"csrf": token})
    assert again.status_code == 404


def test_admin_users_are_added_checked_and_removed(admin: TestClient, settings: Settings) -> None:
    token = form_token(admin)

    def add(email: str, password: str) -> httpx2.Response:
        return admin.post(
            "/admin/settings/users",
            data={"csrf": token, "email": email, "password": password},
            follow_redirects=False,
        )

    assert "Enter the person&#39;s e-mail address" in add("sam", "long enough password").text
    assert "At least 10 characters" in add("sam@brandpunt.nl", "short").text
    assert "already has an admin account" in add(OWNER, "long enough password").text
    assert add("sam@brandpunt.nl", "long enough password").status_code == 303
    users = {r["email"]: r["id"] for r in db_rows(settings, "SELECT id, email FROM admin_users")}
    assert set(users) == {OWNER, "sam@brandpunt.nl"}
    page = admin.get("/admin/settings").text
    assert f"/admin/settings/users/{users['sam@brandpunt.nl']}/delete" in page
    assert f"/admin/settings/users/{users[OWNER]}/delete" not in page  # no button for yourself
    myself = admin.post(f"/admin/settings/users/{users[OWNER]}/delete", data={"csrf": token})
    assert myself.status_code == 400 and "You cannot delete yourself" in myself.text
    gone = admin.post(
        f"/admin/settings/users/{users['sam@brandpunt.nl']}/delete",
        data={"csrf": token},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert count(settings, "admin_users") == 1


# Assets


def test_the_dashboard_assets_are_hashed_and_immutable(admin: TestClient) -> None:
    page = admin.get("/admin").text
    for name in re.findall(r"(/admin/static/admin\.[0-9a-f]{12}\.(?:css|js))", page):
        response = admin.get(name)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        etag = response.headers["etag"]
        assert admin.get(name, headers={"if-none-match": etag}).status_code == 304
    assert admin.get("/admin/static/admin.000000000000.css").status_code == 404
    assert admin.get("/admin/static/widget.js").status_code == 404


# Pure parts: ranges, chart geometry, formatting


def test_the_default_range_is_the_last_thirty_days() -> None:
    span, error = ranges.parse_range(None, None, date(2026, 3, 31))
    assert (span.first, span.last, span.days, error) == (
        date(2026, 3, 2),
        date(2026, 3, 31),
        30,
        None,
    )
    assert span.end == datetime(2026, 4, 1, tzinfo=UTC)


def test_chart_buckets_fill_empty_days_and_turn_weekly_for_long_ranges() -> None:
    span = ranges.DateRange(date(2026, 3, 1), date(2026, 3, 10))
    days = [DayCounts(date(2026, 3, 3), clicks=5, conversions=1)]
    filled = charts.buckets(days, span)
    assert len(filled) == 10 and filled[2].clicks == 5 and filled[0].clicks == 0
    long = ranges.DateRange(date(2026, 1, 1), date(2026, 6, 30))
    weeks = charts.buckets([DayCounts(date(2026, 1, 2), clicks=3)], long)
    assert weeks[0].first == date(2026, 1, 1) and weeks[0].clicks == 3
    assert all(b.first.weekday() == 0 for b in weeks[1:])
    assert sum(b.last.toordinal() - b.first.toordinal() + 1 for b in weeks) == long.days


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 2), (1, 2), (3, 4), (5, 5), (7, 10), (11, 20), (21, 25), (26, 40), (505, 1000)],
)
def test_chart_axes_end_on_a_round_number(value: int, top: int) -> None:
    assert charts.nice_ceiling(value) == top


def test_the_funnel_gives_a_part_as_a_share_and_the_rest_as_a_rate() -> None:
    """Shares are no part of opens (one open, several networks), clicks no part of shares (one
    share, many clicks): rates, never "200 %". Orders are a part of the clicks: a share."""
    funnel = charts.funnel_chart([("opens", 200), ("shares", 50), ("clicks", 100), ("orders", 0)])
    assert [s.rate for s in funnel.stages] == [
        None,
        "0.3 per open",
        "2.0 per share",
        "0% of clicks",
    ]
    one = charts.funnel_chart([("opens", 10), ("shares", 10), ("clicks", 31), ("orders", 3)])
    assert [s.rate for s in one.stages][1:] == ["1.0 per open", "3.1 per share", "10% of clicks"]
    assert funnel.stages[0].width == funnel.bar_room and funnel.stages[3].width == 0


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (0, "EUR", "€0"),
        (123456, "EUR", "€1,234.56"),
        (500, "EUR", "€5"),
        (1500, "JPY", "¥1,500"),
        (-75, "EUR", "-€0.75"),
    ],
)
def test_money_is_written_with_grouping(minor: int, currency: str, text: str) -> None:
    assert formatting.money_text(minor, currency) == text


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (0, "EUR", "€\u00a00"),
        (363822, "EUR", "€\u00a03.638,22"),
        (123450, "EUR", "€\u00a01.234,50"),
        (500, "EUR", "€\u00a05"),
        (1500, "JPY", "JP¥\u00a01.500"),
    ],
)
def test_money_is_written_the_dutch_way_in_dutch(minor: int, currency: str, text: str) -> None:
    with i18n.use_locale("nl"):
        assert formatting.money_text(minor, currency) == text
        assert formatting.percent(Decimal("0.075")) == "7,5%"
        assert formatting.number(1234567) == "1.234.567"
        assert formatting.times(Decimal("5.45")) == "5,5\u00d7"


def test_rates_are_written_as_percentages_or_dashes() -> None:
    assert formatting.percent(Decimal("0.0833")) == "8.3%"
    assert formatting.percent(Decimal("1")) == "100%"
    assert formatting.percent(None) == formatting.times(None) == "—"
    assert formatting.times(Decimal("5.45")) == "5.5\u00d7"


def test_csrf_helpers_are_used_by_every_form(admin: TestClient) -> None:
    """Each form on each page carries the session's token (the refusals are in test_admin_auth)."""
    for page in (
        "/admin/campaigns/default",
        "/admin/campaigns/new",
        "/admin/settings",
        "/admin/settings/webhooks",
        "/admin/rewards",
    ):
        html = admin.get(page).text
        token = csrf_token(html)
        forms = re.findall(r'<form method="post".*?</form>', html, re.S)
        assert forms, page
        for form in forms:
            assert f'name="csrf" value="{token}"' in form, (page, form[:80])


def test_create_admin_helper_is_reusable(settings: Settings) -> None:
    assert create_admin(settings, "second@brandpunt.nl") > 0
