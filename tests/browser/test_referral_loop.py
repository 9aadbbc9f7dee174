"""The whole referral loop in a real Chromium: Anna shares, a friend follows her link and buys."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from support import count, db_rows

from .browser_support import (
    ANNA,
    DOCS,
    WRITE_DOCS,
    Demo,
    decode_qr,
    log_in,
    query_values,
    screenshot_with_margin,
)

pytestmark = pytest.mark.browser

# A phone-sized browser, where friends usually open a link from WhatsApp.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 780},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
FRIEND = {"email": "bram.jansen@example.com", "name": "Bram Jansen"}


def open_annas_widget(page: Page, demo: Demo) -> dict[str, Any]:
    """Logs Anna in, opens her widget on /account; returns the advocate document the widget got."""
    log_in(page, demo.shop)
    widget = page.locator("[data-shareback]")
    expect(widget.locator("button[part=open]")).to_have_text("Vrienden uitnodigen")
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        widget.get_by_role("button", name="Vrienden uitnodigen").click()
    assert answer.value.status in (200, 201), answer.value.text()
    advocate: dict[str, Any] = answer.value.json()
    expect(widget.locator("input[part=link]")).to_have_value(advocate["link"])
    return advocate


def share_link(widget: Locator, name: str) -> str:
    link = widget.get_by_role("link", name=name, exact=True)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    href = link.get_attribute("href")
    assert href is not None
    # encodeURIComponent everywhere: a space is %20, a plus would be %2B.
    assert "+" not in href, href
    return href


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """For effects of fire-and-forget requests (beacons) that land in the database a bit later."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_referral_loop_from_share_to_refund(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    # Anna, logged in: the shop signs her identity, so the widget asks nothing.
    anna = new_context(device_scale_factor=2)
    anna.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.shop)
    page = anna.new_page()
    advocate = open_annas_widget(page, demo)
    widget = page.locator("[data-shareback]")
    expect(widget.locator("form[part=form]")).to_have_count(0)
    link = advocate["link"]
    assert link == f"{demo.backend}/r/{advocate['code']}"
    assert advocate["verified"] is True
    expect(widget.get_by_label("Je persoonlijke link")).to_have_value(link)
    expect(widget.locator("input[part=link]")).to_have_attribute("readonly", "")
    screenshot_with_margin(page, page.locator(".account-invite"), "widget-nl.png")

    # Every share target is the network's official share URL with the link tagged by channel.
    text, subject = advocate["share"]["text"], advocate["share"]["subject"]
    assert "Brandpunt Koffie" in text
    expect(widget.locator("ul[part=targets] a")).to_have_count(7)

    whatsapp = share_link(widget, "Deel via WhatsApp")
    assert whatsapp.startswith("https://wa.me/?text=")
    assert query_values(whatsapp) == {"text": f"{text} {link}?ch=whatsapp"}

    facebook = share_link(widget, "Deel via Facebook")
    assert facebook.startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert query_values(facebook) == {"u": f"{link}?ch=facebook"}

    x = share_link(widget, "Deel via X")
    assert x.startswith("https://x.com/intent/tweet?text=")
    assert query_values(x) == {"text": text, "url": f"{link}?ch=x"}
    assert len(text) + 1 + len(f"{link}?ch=x") <= 280

    linkedin = share_link(widget, "Deel via LinkedIn")
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?url=")
    assert query_values(linkedin) == {"url": f"{link}?ch=linkedin"}

    telegram = share_link(widget, "Deel via Telegram")
    assert telegram.startswith("https://t.me/share/url?url=")
    assert query_values(telegram) == {"url": f"{link}?ch=telegram", "text": text}

    mail = share_link(widget, "Deel via e-mail")
    assert mail.startswith("mailto:?subject=")
    assert "%20" in mail
    assert query_values(mail) == {"subject": subject, "body": f"{text}\r\n\r\n{link}?ch=email"}
    assert "%0D%0A%0D%0A" in mail  # RFC 6068 line breaks

    sms = share_link(widget, "Deel via sms")
    assert sms.startswith("sms:?body=")  # Chromium on Linux is not iOS
    assert query_values(sms) == {"body": f"{text} {link}?ch=sms"}

    # Copy link: exactly the link (tagged ?ch=copy) on the clipboard, announced politely.
    copy = widget.locator("button[part=copy]")
    expect(copy).to_have_accessible_name("Kopieer link")
    copy.click()
    status = widget.locator("p[part=status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("Link gekopieerd")
    expect(copy).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == f"{link}?ch=copy"

    # The QR code, as the browser draws it, scans to the link tagged ?ch=qr.
    widget.get_by_role("button", name="Toon QR-code").click()
    qr = widget.get_by_role("img", name="QR-code voor je persoonlijke link")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert decode_qr(qr.screenshot(), tmp_path) == f"{link}?ch=qr"
    expect(widget.get_by_role("button", name="Verberg QR-code")).to_have_attribute(
        "aria-expanded", "true"
    )
    screenshot_with_margin(page, widget.locator("section[part=card]"), "widget-qr.png")

    # The widget's first-party beacons reached the backend, attributed to Anna.
    anna_id = db_rows(demo.settings, "SELECT id FROM advocates WHERE email = ?", (ANNA["email"],))[
        0
    ]["id"]

    def event_types() -> set[str]:
        rows = db_rows(demo.settings, "SELECT type FROM events")
        return {row["type"] for row in rows}

    wait_for(lambda: {"open", "copy", "qr"} <= event_types(), "the open, copy and qr beacons")
    copies = db_rows(demo.settings, "SELECT advocate_id FROM events WHERE type = 'copy'")
    assert [row["advocate_id"] for row in copies] == [anna_id]

    # The friend, on a phone, follows the link Anna sent on WhatsApp.
    friend = new_context(**PHONE).new_page()
    with friend.expect_response(re.compile(re.escape(demo.backend + "/r/"))) as hop:
        friend.goto(f"{link}?ch=whatsapp")
    assert hop.value.status == 303
    assert hop.value.headers["location"].startswith(f"{demo.shop}/?ref=")
    banner = friend.locator("div[part=banner]")
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_contain_text("Anna geeft je 10% korting op je eerste bestelling")
    expect(banner).not_to_contain_text("de Vries")  # first name only
    assert friend.evaluate("location.href") == f"{demo.shop}/"
    assert friend.url == f"{demo.shop}/"
    cookies = {c["name"]: c for c in friend.context.cookies(demo.shop)}
    assert "shareback_ref" in cookies
    token = cookies["shareback_ref"]["value"]
    assert token == hop.value.headers["location"].split("ref=", 1)[1]
    assert cookies["shareback_ref"]["sameSite"] == "Lax"
    assert cookies["shareback_ref"]["expires"] > time.time() + 29 * 86400
    assert friend.evaluate("Shareback.ref()") == token
    # First-party: written by the widget in the shop's own document, also in localStorage.
    assert f"shareback_ref={token}" in friend.evaluate("document.cookie")
    assert friend.evaluate("JSON.parse(localStorage.getItem('shareback_ref')).ref") == token
    friend.screenshot(
        path=DOCS / "friend-landing.png" if WRITE_DOCS else None, animations="disabled"
    )

    # A bag of coffee, with Anna's discount for the friend.
    friend.get_by_role("button", name="Yirgacheffe Kochere in winkelmand").click()
    friend.wait_for_url(f"{demo.shop}/cart")
    discount = friend.locator(".totals__discount")
    expect(discount).to_contain_text("Vriendenkorting van Anna")
    expect(discount).to_contain_text("10")
    expect(discount).to_contain_text("1,45")  # what the shop takes off: 10 % of € 14,50
    expect(friend.locator(".totals__total dd")).to_have_text(re.compile(r"13,05"))

    friend.get_by_role("link", name="Afrekenen").click()
    friend.get_by_label("Naam").fill(FRIEND["name"])
    friend.get_by_label("E-mailadres").fill(FRIEND["email"])
    friend.get_by_role("button", name=re.compile("^Bestelling plaatsen")).click()
    friend.wait_for_url(re.compile(re.escape(demo.shop) + r"/orders/\w+$"))
    order_id = friend.url.rsplit("/", 1)[1]
    notices = friend.locator(".demo-panel")
    expect(notices).to_contain_text("Verwijzing geregistreerd")
    expect(notices.locator(".notice--ok code")).to_have_text(re.compile("^recorded"))
    expect(notices).to_contain_text("Deze bestelling kwam binnen via een uitnodiging.")

    # The thank-you moment (data-placement="thank-you"): the buyer's own link at once, without a
    # click, opened with the signed identity the shop made from the order's address.
    thanks = friend.locator(".thanks-share [data-shareback]")
    expect(thanks.locator("input[part=link]")).to_have_value(re.compile(r"/r/BRAM-\w+$"))
    expect(thanks.locator("button[part=open]")).to_have_count(0)
    expect(thanks.get_by_role("link", name="Deel via WhatsApp")).to_be_visible()
    bram = db_rows(
        demo.settings, "SELECT code, verified FROM advocates WHERE email = ?", (FRIEND["email"],)
    )
    assert [(row["code"][:5], bool(row["verified"])) for row in bram] == [("BRAM-", True)]
    friend.screenshot(path=tmp_path / "thank-you.png", full_page=True)

    # What Shareback's own database now holds: one referral, a reward for each side, pending.
    referrals = db_rows(
        demo.settings,
        "SELECT r.*, o.order_id, o.total_minor, c.channel FROM referrals r"
        " JOIN orders o ON o.id = r.order_pk LEFT JOIN clicks c ON c.id = r.click_id",
    )
    assert len(referrals) == 1
    referral = referrals[0]
    assert referral["advocate_id"] == anna_id
    assert referral["order_id"] == order_id
    assert referral["via"] == "link"
    assert referral["channel"] == "whatsapp"
    assert referral["total_minor"] == 1305
    assert count(demo.settings, "clicks") == 1
    rewards = {
        row["side"]: row
        for row in db_rows(demo.settings, "SELECT side, email, status, amount_minor FROM rewards")
    }
    # The friend's reward is the discount the shop gave at its checkout, to the cent.
    assert rewards["friend"]["amount_minor"] == 145
    assert set(rewards) == {"referrer", "friend"}
    assert rewards["referrer"]["email"] == ANNA["email"]
    assert rewards["friend"]["email"] == FRIEND["email"]
    # Anna's waits out its hold; the friend's discount was given at the checkout: fulfilled.
    assert (rewards["referrer"]["status"], rewards["friend"]["status"]) == ("pending", "fulfilled")

    # The shop refunds the order: the referrer's reward is revoked.
    friend.get_by_role("button", name="Demo: terugbetalen").click()
    expect(friend.locator(".demo-panel")).to_contain_text("Terugbetaling doorgegeven aan Shareback")
    expect(friend.get_by_text("Deze bestelling is terugbetaald.")).to_be_visible()
    statuses = db_rows(demo.settings, "SELECT side, status FROM rewards ORDER BY side")
    # Anna's reward goes; the friend's discount was given and is not owed back.
    assert [(row["side"], row["status"]) for row in statuses] == [
        ("friend", "fulfilled"),
        ("referrer", "revoked"),
    ]
    assert db_rows(demo.settings, "SELECT status FROM orders")[0]["status"] == "refunded"
    assert count(demo.settings, "referrals") == 1
