"""The widget designer in a real Chromium: the floating button on a phone (an icon that leaves a
checkout's totals clear, off the pages the owner listed, hidden when the shopper says so), the
campaign's colours on the widget, and the designer page whose preview follows its form."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect
from shareback import design
from shareback.storage import open_store
from support import db_execute

from .browser_support import DOCS, Demo, host_page
from .test_admin_chromium import axe_violations, create_owner, docs_path, off_loop, sign_in

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
TABLET: ViewportSize = {"width": 800, "height": 900}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
GREEN = design.Design(
    accent="#0b7a3e",
    accent_text="#fffaf3",
    bg="#fbfff4",
    text="#10261a",
    radius=6,
    hidden_paths=("/checkout*", "/cart"),
    dismiss_days=7,
)
# A product page whose last element is the order's totals, full width at the very bottom.
TOTALS = """
<p style="height: 1400px">Koffiebonen, 250 g</p>
<div id="totals" style="display:flex; justify-content:space-between; margin:0; padding:12px 16px;
  font: 600 18px/1.4 sans-serif; background:#eee">
  <span>Totaal</span><span id="amount">€ 42,00</span>
</div>
"""
STYLE = "<style>body{margin:0} :root{--shareback-accent:#ff0000}</style>"


def set_design(demo: Demo, look: design.Design) -> None:
    async def save() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            await store.update_campaign_design("default", look)
        finally:
            await store.close()

    off_loop(save)


def launcher(page: Page) -> Any:
    return page.locator("shareback-root [part=launcher]")


def loaded(page: Page, url: str) -> None:
    """Opens the page and waits for the widget's config call and what it renders then."""
    with page.expect_response(re.compile(r"/api/v1/campaigns/default/widget")):
        page.goto(url)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")


def covers(page: Page, selector: str) -> list[str]:
    """Scrolled to the end of the page: points of the element (corners, edges, centre) where
    something else is on top."""
    hidden: list[str] = page.evaluate(
        """(selector) => {
          window.scrollTo(0, document.documentElement.scrollHeight)
          const el = document.querySelector(selector)
          const r = el.getBoundingClientRect()
          const xs = [r.left + 2, r.left + r.width / 2, r.right - 2]
          const ys = [r.top + 2, r.top + r.height / 2, r.bottom - 2]
          const out = []
          for (const x of xs) for (const y of ys) {
            const top = document.elementFromPoint(x, y)
            if (!top || !el.contains(top)) out.push(`${x},${y}: ${top && top.tagName}`)
          }
          return out
        }""",
        selector,
    )
    return hidden


def test_on_a_phone_the_launcher_is_an_icon_that_leaves_the_totals_clear(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    set_design(demo, GREEN)
    demo.host_pages["/product"] = host_page(demo.backend, head=STYLE, body=TOTALS)
    page = new_context(viewport=PHONE).new_page()
    loaded(page, f"{demo.host}/product")
    button = launcher(page)
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["width"] <= 56 and box["height"] <= 56, box
    # Only the icon shows; the headline still names it.
    expect(page.get_by_role("button", name=re.compile(r"^Geef "))).to_be_visible()
    # The campaign's colours win over the host page's --shareback-accent (red).
    expect(button).to_have_css("background-color", "rgb(11, 122, 62)")
    expect(button).to_have_css("color", "rgb(255, 250, 243)")
    # Scrolled to the end, nothing of the widget lies on the totals.
    assert covers(page, "#totals") == []
    # Wider than 480 pixels, the button shows its headline again.
    page.set_viewport_size(TABLET)
    wide = button.bounding_box()
    assert wide is not None and wide["width"] > 150, wide


def test_the_launcher_stays_off_the_pages_the_owner_listed(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    set_design(demo, GREEN)
    for path in ("/checkout/address", "/cart", "/product"):
        demo.host_pages[path] = host_page(demo.backend, body=TOTALS)
    page = new_context(viewport=PHONE).new_page()
    loaded(page, f"{demo.host}/checkout/address")
    expect(launcher(page)).to_have_count(0)
    assert covers(page, "#totals") == []
    loaded(page, f"{demo.host}/cart")
    expect(launcher(page)).to_have_count(0)
    loaded(page, f"{demo.host}/product")
    expect(launcher(page)).to_have_count(1)


def test_a_shopper_who_hides_the_launcher_does_not_see_it_again_for_days(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    set_design(demo, GREEN)
    demo.host_pages["/product"] = host_page(demo.backend, body=TOTALS)
    context = new_context(viewport=PHONE)
    page = context.new_page()
    loaded(page, f"{demo.host}/product")
    before = page.evaluate("() => document.documentElement.scrollHeight")
    page.get_by_role("button", name="Verberg de uitnodigingsknop").click()
    expect(launcher(page)).to_have_count(0)
    # The room it kept at the end of the page goes with it.
    assert page.evaluate("() => document.documentElement.scrollHeight") < before
    stored = page.evaluate("() => Number(localStorage['shareback-hide:default'])")
    assert stored > page.evaluate("() => Date.now() + 6.9 * 864e5")
    loaded(page, f"{demo.host}/product")
    expect(launcher(page)).to_have_count(0)
    # Another browser (no stored choice) shows it.
    other = new_context(viewport=PHONE).new_page()
    loaded(other, f"{demo.host}/product")
    expect(launcher(other)).to_have_count(1)
    # Storage that throws (blocked site data) only means the choice is not kept.
    blocked = new_context(viewport=PHONE)
    blocked.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new Error('blocked') }})"
    )
    third = blocked.new_page()
    errors: list[str] = []
    third.on("pageerror", lambda e: errors.append(str(e)))
    loaded(third, f"{demo.host}/product")
    third.get_by_role("button", name="Verberg de uitnodigingsknop").click()
    expect(launcher(third)).to_have_count(0)
    assert errors == []


def test_the_campaigns_colours_and_radius_reach_an_inline_card(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    set_design(demo, dataclasses.replace(GREEN, radius=0))
    demo.host_pages["/account"] = host_page(demo.backend, head=STYLE)
    page = new_context().new_page()
    loaded(page, f"{demo.host}/account")
    card = page.locator("[data-shareback] [part=card]")
    expect(card).to_have_css("background-color", "rgb(251, 255, 244)")
    expect(card).to_have_css("color", "rgb(16, 38, 26)")
    expect(card).to_have_css("border-top-left-radius", "0px")
    expect(page.locator("[data-shareback] [part=open]")).to_have_css(
        "background-color", "rgb(11, 122, 62)"
    )


def test_the_designers_preview_follows_its_form(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    set_design(demo, design.DEMO)  # what `shareback demo` gives its campaign
    db_execute(demo.settings, "UPDATE campaigns SET draft = ? WHERE slug = 'default'", (True,))
    page = new_context(locale="en-GB").new_page()
    sign_in(page, demo)
    page.goto(f"{demo.backend}/admin/campaigns/default")
    expect(page.get_by_role("heading", name="This campaign is a draft")).to_be_visible()
    expect(page.get_by_text("Not seen yet")).to_be_visible()
    assert axe_violations(page) == []
    page.locator(".campaign-widget-cards").screenshot(path=tmp_path / "campaign-cards.png")
    page.get_by_role("link", name=re.compile("^Design the widget")).click()
    expect(page).to_have_url(f"{demo.backend}/admin/campaigns/default/design")
    card = page.frame_locator("iframe[data-design-preview=card]")
    phone = page.frame_locator("iframe[data-design-preview=launcher]")
    # The demo's look is the demo shop's: brown.
    expect(card.locator("[part=open]")).to_have_css("background-color", "rgb(154, 67, 32)")
    expect(phone.locator("[part=launcher]")).to_have_css("background-color", "rgb(154, 67, 32)")
    assert axe_violations(page) == []
    page.screenshot(path=tmp_path / "designer.png")
    page.screenshot(path=docs_path(DOCS / "admin-designer.png"))
    page.set_viewport_size(PHONE)
    expect(card.get_by_role("heading")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=tmp_path / "designer-phone.png")
    page.screenshot(path=docs_path(DOCS / "admin-designer-phone.png"))
    print("designer screenshots:", tmp_path)
    page.set_viewport_size(DESKTOP)

    page.get_by_label("Button colour", exact=True).fill("#0b7a3e")
    page.get_by_label("Headline in Dutch").fill("Deel {shop}, krijg {referrer}")
    expect(card.get_by_role("heading")).to_have_text(re.compile(r"^Deel Brandpunt Koffie, krijg "))
    expect(card.locator("[part=open]")).to_have_css("background-color", "rgb(11, 122, 62)")
    phone_button = phone.locator("[part=launcher]")
    expect(phone_button).to_have_css("background-color", "rgb(11, 122, 62)")
    box = phone_button.bounding_box()
    assert box is not None and box["width"] <= 56  # the phone frame is under 480 pixels
    page.get_by_label("Corner radius").fill("2")
    expect(card.locator("[part=card]")).to_have_css("border-top-left-radius", "2px")
    # A mistake is explained beside its field; nothing is saved.
    page.get_by_label("Text colour", exact=True).fill("dark green")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check 1 field")
    expect(page.locator("#f-text-error")).to_contain_text("six hex digits")
    page.get_by_label("Text colour", exact=True).fill("#10261a")
    page.get_by_label("Bottom left").check()
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_role("status").first).to_contain_text("The design is saved")
    expect(page.get_by_label("Button colour", exact=True)).to_have_value("#0b7a3e")
    expect(page.get_by_label("Bottom left")).to_be_checked()
    assert axe_violations(page) == []

    # The draft goes live when the owner says so (after a confirmation).
    page.goto(f"{demo.backend}/admin/campaigns/default")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Go live").click()
    expect(page.get_by_role("status").first).to_contain_text("The campaign is live")
    expect(page.get_by_role("heading", name="This campaign is a draft")).to_have_count(0)
