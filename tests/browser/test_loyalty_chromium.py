"""The owner sets a campaign's milestones and tiers in a real Chromium, in Dutch and English:
the form refuses a milestone past the cap naming its row, saves the plan; six friends order (one is
refunded) and the advocate's profile shows their tier, progress and milestones, the advocates
list their tier; every page passes axe at 1280 and 390 px and fits the phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from support import order_paid, order_refunded, signed_headers

from .browser_support import Demo
from .test_admin_chromium import axe_violations, create_owner, sign_in, watch_console
from .test_admin_language_chromium import sign_in_by_field

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def fill_plan(page: Page, demo: Demo) -> None:
    page.goto(f"{demo.backend}/admin/campaigns/default")
    page.get_by_role("link", name=re.compile("Edit milestones and tiers")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Milestones and tiers")
    assert axe_violations(page) == []
    page.get_by_label("Cap", exact=True).fill("10")
    page.get_by_label("Milestone 1: at friend number").fill("12")  # past the cap
    page.get_by_label("Milestone 1: reward").select_option("credit")
    page.get_by_label("Milestone 1: value").fill("25,00")
    page.get_by_label("Tier 1: name").fill("Brons")
    page.get_by_label("Tier 1: key").fill("bronze")
    page.get_by_label("Tier 1: from").fill("1")
    page.get_by_label("Tier 2: name").fill("Zilver")
    page.get_by_label("Tier 2: key").fill("silver")
    page.get_by_label("Tier 2: from").fill("3")
    page.get_by_label("Tier 2: ambassador's reward", exact=True).select_option("credit")
    page.get_by_label("Tier 2: ambassador's reward value").fill("7.50")
    page.get_by_role("button", name="Save milestones and tiers").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a whole number from 1 to 10.")
    expect(page.get_by_label("Milestone 1: at friend number")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert axe_violations(page) == []
    page.get_by_label("Milestone 1: at friend number").fill("5")
    page.get_by_role("button", name="Save milestones and tiers").click()
    expect(page.get_by_role("status")).to_have_text("Milestones and tiers saved.")
    expect(page.get_by_label("Milestone 1: value")).to_have_value("25.00")


def seed_friends(demo: Demo) -> None:
    with httpx.Client(base_url=demo.backend, timeout=10) as http:
        joined = http.post(
            "/api/v1/advocates",
            json={"campaign": "default", "email": "anna@example.nl", "name": "Anna de Vries"},
            headers={"origin": demo.shop},
        )
        code = joined.json()["code"]
        for n in range(1, 7):
            followed = http.get(f"/r/{code}", headers={"user-agent": f"Mozilla/5.0 friend {n}"})
            ref = re.search(r"[?&]ref=([^&]+)", followed.headers["location"])
            assert ref
            body = order_paid(f"30{n}", f"friend{n}@example.com", "25.00", ref[1])
            headers = signed_headers(demo.secrets.webhook_secret, body, f"msg_{n}")
            assert http.post("/webhooks/orders", content=body, headers=headers).json()[
                "status"
            ] == ("recorded")
        body = order_refunded("302")
        headers = signed_headers(demo.secrets.webhook_secret, body, "refund_302")
        assert http.post("/webhooks/orders", content=body, headers=headers).status_code == 200


def test_the_owner_sets_milestones_and_tiers_and_reads_an_advocates_progress(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    page = new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    errors = watch_console(page)
    sign_in(page, demo)
    fill_plan(page, demo)
    seed_friends(demo)

    page.goto(f"{demo.backend}/admin/advocates")
    table = page.get_by_role("region", name="Advocates table")
    expect(table.get_by_role("columnheader", name="Tier")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Anna de Vries"))).to_contain_text("Zilver")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Anna de Vries").click()
    card = page.get_by_role("region", name="Milestones and tier")
    expect(card).to_contain_text("Zilver")
    expect(card).to_contain_text("Successful friends")
    milestones = card.get_by_role("table", name="Milestones reached, oldest first")
    expect(milestones.locator("tbody tr")).to_have_count(1)
    expect(milestones.locator("tbody tr").first).to_contain_text("€25 store credit")
    expect(milestones.locator("tbody tr").first).to_contain_text("Pending")
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / "advocate-loyalty.png"), full_page=True)
    profile = page.url
    assert not errors, errors

    phone = new_context(locale="nl-NL", **PHONE).new_page()
    sign_in_by_field(phone, demo)  # in Dutch, as the browser asks
    for path in (f"{demo.backend}/admin/campaigns/default/loyalty", profile):
        phone.goto(path)
        assert axe_violations(phone) == [], path
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], (path, width)  # type: ignore[index]
    expect(phone.get_by_role("region", name="Mijlpalen en niveau")).to_contain_text("Zilver")
    phone.goto(f"{demo.backend}/admin/campaigns/default/loyalty")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mijlpalen en niveaus")
    phone.screenshot(path=str(tmp_path / "loyalty-nl-phone.png"), full_page=True)
