"""The owner finds a customer in a real Chromium: signs in, searches the advocates, opens one
profile and reads what it shows; the advocates, referrals and profile pages pass axe at 1280 and
390 px, and the profile is photographed for the docs (docs/admin-advocate*.png)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from support import order_paid, order_refunded, signed_headers

from .browser_support import DOCS, WRITE_DOCS, Demo
from .test_admin_chromium import axe_violations, create_owner, sign_in, watch_console

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def seed_customers(demo: Demo) -> dict[str, Any]:
    """Anna shares and three friends order (one is refunded); Bram has one friend; Cleo none."""
    with httpx.Client(base_url=demo.backend, timeout=10) as http:

        def join(email: str, name: str) -> dict[str, Any]:
            joined = http.post(
                "/api/v1/advocates",
                json={"campaign": "default", "email": email, "name": name},
                headers={"origin": demo.shop},
            )
            assert joined.status_code == 200, joined.text
            document: dict[str, Any] = joined.json()
            return document

        def buy(code: str, channel: str, order_id: str, friend: str, total: str) -> None:
            followed = http.get(
                f"/r/{code}?ch={channel}",
                headers={"user-agent": f"Mozilla/5.0 (iPhone) Mobile Safari {order_id}"},
            )
            assert followed.status_code == 303
            ref = re.search(r"[?&]ref=([^&]+)", followed.headers["location"])
            assert ref
            body = order_paid(order_id, friend, total, ref[1])
            headers = signed_headers(demo.secrets.webhook_secret, body, f"msg_{order_id}")
            answer = http.post("/webhooks/orders", content=body, headers=headers)
            assert answer.json()["status"] == "recorded", answer.text

        anna = join("anna@example.nl", "Anna de Vries")
        bram = join("bram@example.nl", "Bram Jansen")
        join("cleo@example.nl", "Cleo Bakker")
        for channel in ("whatsapp", "whatsapp", "qr"):
            http.post(
                "/api/v1/events",
                json={
                    "campaign": "default",
                    "type": "share",
                    "channel": channel,
                    "code": anna["code"],
                },
                headers={"origin": demo.shop},
            )
        buy(anna["code"], "whatsapp", "2001", "femke@example.com", "42.50")
        buy(anna["code"], "whatsapp", "2002", "gijs@example.com", "18.00")
        buy(anna["code"], "qr", "2003", "hanna@example.com", "64.00")
        buy(bram["code"], "email", "2004", "ivo@example.com", "30.00")
        body = order_refunded("2002")
        headers = signed_headers(demo.secrets.webhook_secret, body, "refund_2002")
        assert http.post("/webhooks/orders", content=body, headers=headers).status_code == 200
    return anna


def shot(page: Page, name: str, tmp_path: Path) -> Path:
    path = DOCS / name if WRITE_DOCS else tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_the_owner_finds_an_advocate_and_reads_their_profile(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    anna = seed_customers(demo)
    page = new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    errors = watch_console(page)
    sign_in(page, demo)

    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Advocates").click()
    page.wait_for_url(f"{demo.backend}/admin/advocates")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advocates")
    assert axe_violations(page) == []
    page.get_by_label("Search", exact=True).fill("vries")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*/admin/advocates\?q=vries"))
    rows = page.get_by_role("region", name="Advocates table").locator("tbody tr")
    expect(rows).to_have_count(1)
    page.screenshot(path=str(tmp_path / "advocates-search.png"), full_page=True)
    expect(rows.first).to_contain_text("anna@example.nl")
    page.get_by_role("link", name="Anna de Vries").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Anna de Vries")
    expect(page.get_by_label("Referral link")).to_have_value(anna["link"])
    expect(page.get_by_text(anna["code"], exact=True).first).to_be_visible()
    channels = page.get_by_role(
        "table", name="Clicks on their link and shares from the widget, by channel"
    )
    expect(channels.get_by_role("row", name=re.compile(r"WhatsApp 2 2"))).to_be_visible()
    expect(channels.get_by_role("row", name=re.compile(r"QR code 1 1"))).to_be_visible()
    friends = page.get_by_role("region", name="Referred orders table")
    expect(friends.locator("tbody tr")).to_have_count(3)
    expect(friends.get_by_role("row", name=re.compile("#2002"))).to_contain_text("Refunded")
    expect(friends.get_by_role("row", name=re.compile("#2001"))).to_contain_text("€42.50")
    rewards = page.get_by_role("region", name="Rewards table")
    expect(rewards.locator("tbody tr")).to_have_count(3)
    expect(rewards.get_by_role("row", name=re.compile("#2002"))).to_contain_text("Revoked")
    expect(rewards.get_by_role("row", name=re.compile("#2003"))).to_contain_text("Pending")
    expect(page.get_by_role("heading", name="E-mails sent to them")).to_be_visible()
    assert axe_violations(page) == []
    profile = page.url
    desktop = shot(page, "admin-advocate.png", tmp_path)
    assert desktop.stat().st_size > 20_000

    page.get_by_role("link", name="Erase their data…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase this person's data")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(profile)

    page.goto(f"{demo.backend}/admin/referrals?channel=whatsapp")
    expect(
        page.get_by_role("region", name="Referred orders table").locator("tbody tr")
    ).to_have_count(2)
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / "referrals.png"), full_page=True)
    page.goto(f"{demo.backend}/admin/advocates?sort=referred")
    names = page.get_by_role("region", name="Advocates table").locator("tbody th a")
    expect(names).to_have_text(["Anna de Vries", "Bram Jansen"])
    assert not errors, errors

    phone = new_context(locale="en-GB", **PHONE).new_page()
    sign_in(phone, demo)
    for path in ("/admin/advocates", "/admin/referrals"):
        phone.goto(f"{demo.backend}{path}")
        assert axe_violations(phone) == [], path
    phone.goto(profile)
    expect(phone.get_by_label("Referral link")).to_have_value(anna["link"])
    assert axe_violations(phone) == []
    # Nothing wider than the phone but the tables' own scrolling regions (a wider page makes
    # a phone's browser widen its viewport, so the width is checked against the phone's own).
    for path in ("/admin/advocates", "/admin/referrals", profile):
        phone.goto(path if path.startswith("http") else f"{demo.backend}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], (path, width)  # type: ignore[index]
    shot(phone, "admin-advocate-phone.png", tmp_path)
