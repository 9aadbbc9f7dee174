"""The advocate's own page as a person sees it in Chromium: the standalone page reached through
the magic link (asked for, then opened, on a phone), the widget's account view for a shopper the
shop signed in, and a friend in Instagram's in-app browser who sees and copies the code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect
from shareback import identity
from shareback.portal import access
from support import order_paid, signed_headers

from .browser_support import ANNA, DOCS, WRITE_DOCS, Demo, log_in
from .test_admin_chromium import axe_violations, watch_console

pytestmark = pytest.mark.browser

INSTAGRAM = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 Instagram 309.1.1.28.108 (iPhone14,5; iOS 17_1_2; nl_NL; nl; "
    "scale=3.00; 1170x2532; 541635890)"
)
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 800},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
FRIEND = "bram.jansen@example.com"


def join_as_anna(demo: Demo) -> dict[str, Any]:
    """Anna, as the shop signs her in: her link and coupon code."""
    answer = httpx.post(
        f"{demo.backend}/api/v1/advocates",
        json={
            "campaign": "default",
            "email": ANNA["email"],
            "name": ANNA["name"],
            "user_hash": identity.user_hash(demo.secrets.identity_secret, ANNA["email"]),
        },
        headers={"origin": demo.shop},
    )
    assert answer.status_code == 200, answer.text
    joined: dict[str, Any] = answer.json()
    return joined


def friend_orders(demo: Demo, code: str, order: str = "2001", friend: str = FRIEND) -> None:
    """Bram follows Anna's WhatsApp link and orders: the checkout's signed webhook."""
    landed = httpx.get(
        f"{demo.backend}/r/{code}?ch=whatsapp", headers={"user-agent": f"Mozilla/5.0 {friend}"}
    )
    ref = httpx.URL(landed.headers["location"]).params["ref"]
    body = order_paid(order, friend, "40.00", ref)
    headers = signed_headers(demo.secrets.webhook_secret, body, f"msg-{order}")
    answer = httpx.post(f"{demo.backend}/webhooks/orders", content=body, headers=headers)
    assert answer.json()["status"] == "recorded", answer.text


def test_the_advocate_asks_for_the_link_and_opens_their_page_on_a_phone(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    anna = join_as_anna(demo)
    friend_orders(demo, anna["code"])
    phone = new_context(**PHONE)
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.backend)
    page = phone.new_page()
    problems = watch_console(page)
    page.goto(f"{demo.backend}/advocate?lang=nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Je beloningen")
    page.get_by_label("Je e-mailadres").fill(ANNA["email"])
    assert axe_violations(page) == []
    page.get_by_role("button", name="Mail me mijn link").click()
    expect(page.get_by_role("status")).to_contain_text("De link werkt 60 minuten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je inbox")

    # The link the e-mail carries (its sending is tested through SMTP in test_advocate_page).
    token = access.link_token(demo.secrets.secret_key, anna["code"])
    page.goto(f"{demo.backend}/advocate/open?t={token}&lang=nl")
    assert page.url == f"{demo.backend}/advocate?lang=nl"  # the token left the address bar
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn beloningen")
    expect(page.get_by_role("link", name=anna["link"])).to_be_visible()
    expect(page.locator("code", has_text="ANNA10")).to_be_visible()
    clicks = page.locator("section", has=page.get_by_role("heading", name="Klikken op je link"))
    expect(clicks.get_by_role("listitem")).to_have_text(["WhatsApp1"])
    friends = page.locator(
        "section", has=page.get_by_role("heading", name="Vrienden die bestelden")
    )
    expect(friends.get_by_role("listitem")).to_contain_text(["b***@e***.com"])
    rewards = page.locator("section", has=page.get_by_role("heading", name="Je beloningen"))
    expect(rewards.get_by_role("listitem")).to_contain_text(["tegoed"])
    content = page.content()
    assert FRIEND not in content and "bram.jansen" not in content
    assert axe_violations(page) == []
    # The style is in force (its CSP hash matches): the link is the page's big green.
    weight = page.get_by_role("link", name=anna["link"]).evaluate(
        "a => getComputedStyle(a).fontWeight"
    )
    assert weight == "700"
    # The copy buttons (the page's one script, from its own origin under its CSP).
    copy = page.locator("button[data-copy=link]")
    expect(copy).to_have_accessible_name("Link kopiëren")
    copy.click()
    expect(copy).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == anna["link"]
    page.locator("li", has_text="ANNA10").get_by_role("button", name="Code kopiëren").click()
    assert page.evaluate("navigator.clipboard.readText()") == "ANNA10"
    expect(copy).to_have_text("Link kopiëren", timeout=5000)
    shot = DOCS / "advocate-page.png" if WRITE_DOCS else tmp_path / "advocate-page.png"
    page.screenshot(path=shot, full_page=True)
    page.screenshot(path=Path("/tmp/portal-advocate-page.png"), full_page=True)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_label("Je e-mailadres")).to_be_visible()
    assert problems == [], problems


def test_a_signed_in_shopper_opens_my_rewards_in_the_widget(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    page = new_context(device_scale_factor=2).new_page()
    problems = watch_console(page)
    log_in(page, demo.shop)
    widget = page.locator("[data-shareback]")
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        widget.get_by_role("button", name="Vrienden uitnodigen").click()
    anna = answer.value.json()
    friend_orders(demo, anna["code"])
    mine = widget.get_by_role("button", name="Mijn beloningen")
    with (
        page.expect_response(f"{demo.backend}/widget-account.js") as module,
        page.expect_response(f"{demo.backend}/api/v1/advocates/account") as account,
    ):
        mine.click()
    assert module.value.status == 200 and account.value.status == 200
    view = widget.locator("[part=account]")
    expect(view.get_by_role("heading", name="Mijn beloningen")).to_be_visible()
    expect(view.get_by_text(anna["link"])).to_be_visible()
    expect(view.locator("code", has_text="ANNA10")).to_be_visible()
    expect(view.get_by_role("region", name="Vrienden die bestelden")).to_contain_text(
        "b***@e***.com"
    )
    expect(view.get_by_role("region", name="Je beloningen")).to_contain_text("tegoed")
    assert FRIEND not in view.inner_text()
    back = view.get_by_role("button", name="Terug")
    expect(back).to_be_focused()
    assert axe_violations(page) == []
    view.screenshot(path=tmp_path / "widget-account.png")
    view.screenshot(path=Path("/tmp/portal-widget-account.png"))
    if WRITE_DOCS:
        view.screenshot(path=DOCS / "widget-account.png")
    back.click()
    expect(widget.get_by_label("Je persoonlijke link")).to_have_value(anna["link"])
    # Opened again: the module is not fetched twice.
    mine.click()
    expect(widget.locator("[part=account]")).to_be_visible()
    assert problems == [], problems


def test_a_friend_in_instagrams_browser_sees_the_code_and_copies_it(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    anna = join_as_anna(demo)
    friend = new_context(user_agent=INSTAGRAM, **PHONE)
    friend.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.shop)
    page = friend.new_page()
    page.goto(f"{anna['link']}?ch=native")
    banner = page.locator("div[part=banner]")
    expect(banner).to_contain_text(
        "Bestel je later in een andere browser? Vul dan bij het afrekenen code ANNA10 in."
    )
    code = banner.get_by_label("Je code")
    expect(code).to_be_visible()
    expect(code).to_have_value("ANNA10")
    box = banner.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    copy = banner.locator("button[part=copy-code]")
    expect(copy).to_have_accessible_name("Kopieer code")
    copy.click()
    expect(copy).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == "ANNA10"
    page.screenshot(path=tmp_path / "in-app.png")
    page.screenshot(path=Path("/tmp/portal-in-app.png"))
    if WRITE_DOCS:
        page.screenshot(path=DOCS / "in-app-code.png")
