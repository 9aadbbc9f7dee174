"""Codes in the widget, in a real Chromium: the advocate's own coupon code in the share view and
the friend's code in the landing banner, each with its own copy button."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from shareback.settings import Settings
from support import db_execute, db_rows

from .browser_support import ANNA, Demo, log_in

pytestmark = pytest.mark.browser


def set_fulfilment(settings: Settings, mode: str) -> None:
    """What PATCH /api/v1/campaigns/default does (the demo has no API key set)."""
    db_execute(
        settings,
        "UPDATE campaigns SET friend_fulfilment = ?, friend_code_prefix = 'WELKOM'",
        (mode,),
    )


def test_the_share_view_shows_the_advocates_coupon_code_with_its_own_copy_button(
    demo: Demo, context: BrowserContext
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.shop)
    page = context.new_page()
    log_in(page, demo.shop)
    widget = page.locator("[data-shareback]")
    widget.get_by_role("button", name="Vrienden uitnodigen").click()
    code = widget.get_by_label("Of geef vrienden je code")
    expect(code).to_have_value("ANNA10")
    expect(code).to_have_attribute("readonly", "")
    # Located by part: its name changes to "Gekopieerd" for a moment.
    copy = widget.locator("button[part=copy-code]")
    expect(copy).to_have_accessible_name("Kopieer code")
    copy.click()
    expect(copy).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == "ANNA10"
    expect(copy).to_have_text("Kopieer code", timeout=5000)
    # The link's own copy button is untouched by it.
    expect(widget.get_by_role("button", name="Kopieer link")).to_have_text("Kopieer link")
    stored = db_rows(
        demo.settings, "SELECT coupon_code FROM advocates WHERE email = ?", (ANNA["email"],)
    )
    assert stored[0][0] == "ANNA10"
    # The owner sees codes being copied, as a copy on channel "code".
    deadline = time.monotonic() + 5
    while not db_rows(demo.settings, "SELECT 1 FROM events WHERE channel = 'code'"):
        assert time.monotonic() < deadline, "no copy beacon for the code"
        time.sleep(0.05)


def test_the_friend_sees_their_code_in_the_banner_and_copies_it(
    demo: Demo, context: BrowserContext, new_context: Callable[..., BrowserContext]
) -> None:
    page = context.new_page()
    log_in(page, demo.shop)
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        page.locator("[data-shareback]").get_by_role("button", name="Vrienden uitnodigen").click()
    link = answer.value.json()["link"]
    set_fulfilment(demo.settings, "generated")

    friend_context = new_context(viewport={"width": 390, "height": 780}, is_mobile=True)
    friend_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.shop)
    friend = friend_context.new_page()
    friend.goto(f"{link}?ch=whatsapp")
    banner = friend.locator("div[part=banner]")
    expect(banner).to_contain_text("Anna geeft je 10% korting op je eerste bestelling")
    field = banner.get_by_label("Je code")
    expect(field).to_have_value(re.compile(r"^WELKOM-[2-9A-HJKMNP-Z]{6}$"))
    code = field.input_value()
    # The banner stays inside a phone's screen, its controls big enough to tap.
    box = banner.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    copy = banner.locator("button[part=copy-code]")
    expect(copy).to_have_accessible_name("Kopieer code")
    copy_box = copy.bounding_box()
    assert copy_box is not None and copy_box["height"] >= 44
    copy.click()
    expect(copy).to_have_text("Gekopieerd")
    assert friend.evaluate("navigator.clipboard.readText()") == code
    # The checkout can fill the code in later, on any page: the widget keeps it with the ref.
    assert friend.evaluate("Shareback.code()") == code
    friend.goto(f"{demo.shop}/cart")
    assert friend.evaluate("Shareback.code()") == code
    issued = db_rows(demo.settings, "SELECT code, source FROM friend_codes")
    assert [tuple(r) for r in issued] == [(code, "generated")]
    # Without a code (the link does it) the banner is as before, with no code field.
    set_fulfilment(demo.settings, "link")
    other = new_context().new_page()
    other.goto(link)
    plain = other.locator("div[part=banner]")
    expect(plain).to_contain_text("Anna geeft je 10% korting")
    expect(plain.locator("input[part=code]")).to_have_count(0)
    assert other.evaluate("Shareback.code()") is None
