"""Targeting in a real Chromium: the campaign form's segment fields (a mistake beside its field,
then saved), the widget's join answer choosing the campaign, the overview's comparison table, and
widening the regional campaign from its page; axe-core on each page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect
from shareback import identity
from shareback.crm.records import CustomerFacts, ImportedTotals
from shareback.storage import open_store
from support import order_paid, signed_headers

from .browser_support import Demo
from .test_admin_chromium import (
    OWNER,
    axe_violations,
    create_owner,
    off_loop,
    sign_in,
    watch_console,
)

pytestmark = pytest.mark.browser
AT = datetime(2026, 11, 1, tzinfo=UTC)
CUSTOMERS = {
    "anna@example.nl": ("NL", ("vip",), 4, 30000),
    "chloe@example.be": ("BE", ("vip",), 3, 12000),
    "dirk@example.de": ("DE", ("vip",), 6, 60000),
}


def load_customers(demo: Demo) -> None:
    async def load() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            for email, (country, tags, orders, spend) in CUSTOMERS.items():
                totals = ImportedTotals(orders, spend, "EUR", AT)
                await store.upsert_customer(
                    CustomerFacts(email=email, country=country, tags=tags, imported=totals), AT
                )
        finally:
            await store.close()

    off_loop(load)


def shopper_shares_and_a_friend_orders(demo: Demo, email: str, friend: str) -> str:
    """The shop signs the shopper in; the widget's join answer, a share, a friend's order."""
    with httpx.Client(base_url=demo.backend, timeout=10) as http:
        joined = http.post(
            "/api/v1/advocates",
            json={
                "campaign": "default",
                "email": email,
                "user_hash": identity.user_hash(demo.secrets.identity_secret, email),
            },
            headers={"origin": demo.shop},
        )
        assert joined.status_code == 200, joined.text
        answer = joined.json()
        beacon = http.post(
            "/api/v1/events",
            json={
                "campaign": "default",
                "type": "share",
                "channel": "whatsapp",
                "code": answer["code"],
            },
            headers={"origin": demo.shop},
        )
        assert beacon.status_code == 204
        hop = http.get(f"/r/{answer['code']}?ch=whatsapp", headers={"user-agent": "Friend/1.0"})
        ref = re.search(r"[?&]ref=([^&]+)", hop.headers["location"])
        assert ref
        body = order_paid(f"order-{friend}", f"{friend}@example.com", "45.00", ref[1])
        headers = signed_headers(demo.secrets.webhook_secret, body, f"msg-{friend}")
        assert http.post("/webhooks/orders", content=body, headers=headers).json()["status"] == (
            "recorded"
        )
    campaign: str = answer["campaign"]
    return campaign


def test_the_owner_targets_a_region_compares_it_and_widens_it(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    create_owner(demo)
    load_customers(demo)
    page = new_context(locale="en-GB").new_page()
    errors = watch_console(page)
    sign_in(page, demo)

    # A campaign for the Benelux's VIPs; an unknown country is explained beside its field.
    page.goto(f"{demo.backend}/admin/campaigns/new")
    page.get_by_label("Campaign name").fill("Benelux VIPs")
    page.get_by_label("Web address name (slug)").fill("benelux-vip")
    page.get_by_label("Landing page").fill(f"{demo.shop}/vip")
    page.get_by_label("Websites where the widget may appear").fill(demo.shop)
    countries = page.get_by_label("Countries", exact=True)
    countries.fill("NL, Belgium")
    page.get_by_label("Customer tags").fill("VIP")
    page.get_by_label("Minimum orders").fill("2")
    page.get_by_label("Minimum spend").fill("100")
    page.get_by_label("Score band").select_option(label="Any score")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("alert")).to_contain_text("Countries: “Belgium” is not a country code")
    expect(countries).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-segment_countries-error")).to_contain_text("such as NL, BE or DE")
    assert axe_violations(page) == []
    countries.fill("NL, BE")
    page.get_by_role("button", name="Create campaign").click()
    expect(page).to_have_url(re.compile(r"/admin/campaigns/benelux-vip\?notice=campaign-created"))
    targeting = page.locator("#targeting")
    expect(targeting).to_contain_text("in Netherlands, Belgium")
    expect(targeting).to_contain_text("tagged vip")
    expect(targeting).to_contain_text("spent at least €100")
    expect(page.get_by_label("Countries", exact=True)).to_have_value("NL, BE")

    # The widget's join answers: the Dutch and Belgian VIPs get it, the German one the default.
    assert shopper_shares_and_a_friend_orders(demo, "anna@example.nl", "anna-friend") == (
        "benelux-vip"
    )
    assert shopper_shares_and_a_friend_orders(demo, "dirk@example.de", "dirk-friend") == ("default")

    # The overview compares them: Germany shares and converts outside the regional campaign.
    page.goto(f"{demo.backend}/admin")
    compared = page.get_by_role("region", name="Segments table")
    expect(compared).to_be_visible()
    vip_row = compared.get_by_role("row").filter(has_text="Benelux VIPs")
    expect(vip_row).to_contain_text("2")  # eligible: Anna and Chloe
    expect(vip_row).to_contain_text("50%")  # one of the two shared
    by_country = page.get_by_role("region", name="Countries table")
    germany = by_country.get_by_role("row").filter(has_text="Germany")
    expect(germany).to_contain_text("100%")
    expect(germany).to_contain_text("none")  # in no regional campaign
    expect(by_country.get_by_role("row").filter(has_text="Netherlands")).to_contain_text(
        "Benelux VIPs"
    )
    assert axe_violations(page) == []
    page.get_by_role("link", name="Benelux VIPs").first.click()

    # Widening from the campaign page: every country, the other conditions kept, recorded.
    expect(page).to_have_url(re.compile(r"/admin/campaigns/benelux-vip#targeting"))
    page.get_by_role("button", name="Open to every country").click()
    expect(page.get_by_text("The campaign is open to every country now.")).to_be_visible()
    conditions = page.locator("#targeting .segment-words")
    expect(conditions).not_to_contain_text("in Netherlands, Belgium")
    expect(conditions).to_contain_text("tagged vip")
    expect(page.locator("#targeting .segment-changes")).to_contain_text(f"Widened by {OWNER}")
    expect(page.get_by_role("button", name="Open to every country")).to_have_count(0)
    assert axe_violations(page) == []
    # Now the German VIP gets it too.
    assert shopper_shares_and_a_friend_orders(demo, "dirk@example.de", "dirk-friend-2") == (
        "benelux-vip"
    )
    assert errors == []
