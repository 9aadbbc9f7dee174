"""Every dashboard page in Dutch and in English in a real Chromium, chosen by the browser's
language: the right `<html lang>`, no serious or critical axe-core violations, and the Dutch
overview photographed at 1280 and 390 px (docs/admin-overview-nl*.png with SHAREBACK_WRITE_DOCS=1)."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from experiment_seed import seed_both
from playwright.sync_api import BrowserContext, Page, expect

from .browser_support import DOCS, WRITE_DOCS, Demo
from .test_admin_chromium import (
    AXE,
    OWNER,
    PAGES,
    PASSWORD,
    axe_violations,
    create_owner,
    seed_a_month,
    seed_clawbacks,
    seed_review,
    seed_webhooks,
    watch_console,
)

pytestmark = pytest.mark.browser
MORE_PAGES = [
    ("account", "/admin/account"),
    ("mail", "/admin/settings/mail"),
    ("campaign-mail", "/admin/campaigns/default/mail"),
    ("mail-template", "/admin/campaigns/default/mail/template?journey=invite&lang=nl"),
    ("advocates", "/admin/advocates"),
    ("advocates-search", "/admin/advocates?q=anna"),
    ("advocate", "/admin/advocates/1"),
    ("referrals", "/admin/referrals"),
    ("design", "/admin/campaigns/default/design"),
    ("experiments", "/admin/experiments"),
    ("contests", "/admin/campaigns/default/contests"),
    ("loyalty", "/admin/campaigns/default/loyalty"),
    ("labels", "/admin/campaigns/default/labels?lang=nl"),
    ("partners", "/admin/partners"),
]
WORDS = {"nl": ("Overzicht", "Uitloggen"), "en": ("Overview", "Sign out")}


def sign_in_by_field(page: Page, demo: Demo) -> None:
    """The login form in whichever language the browser asked for."""
    page.goto(f"{demo.backend}/admin/login")
    page.locator("#email").fill(OWNER)
    page.locator("#password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{demo.backend}/admin")


def open_details(page: Page) -> None:
    """The technical details and tables one click away are checked too."""
    for summary in page.locator("details > summary").all():
        if summary.is_visible():
            summary.click()


def test_every_dashboard_page_in_dutch_and_english_passes_axe(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    assert AXE.exists(), "axe-core is missing: run scripts/install-test-deps"
    create_owner(demo)
    seed_a_month(demo)
    seed_clawbacks(demo)
    seed_review(demo)
    dead = seed_webhooks(demo)
    pages = [
        *[(name, path) for name, path, _full in PAGES],
        ("delivery", f"/admin/settings/webhooks/deliveries/{dead}"),
        *MORE_PAGES,
    ]
    failures: dict[str, list[dict[str, Any]]] = {}
    for lang, browser_locale in (("nl", "nl-NL"), ("en", "en-GB")):
        page = new_context(
            locale=browser_locale, viewport={"width": 1280, "height": 900}
        ).new_page()
        errors = watch_console(page)
        page.goto(f"{demo.backend}/admin/login")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        if found := axe_violations(page):
            failures[f"{lang} login"] = found
        sign_in_by_field(page, demo)
        for name, path in pages:
            page.goto(f"{demo.backend}{path}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            home, sign_out = WORDS[lang]
            expect(page.get_by_role("navigation", name="Dashboard")).to_contain_text(home)
            expect(page.get_by_role("button", name=sign_out)).to_be_visible()
            open_details(page)
            if found := axe_violations(page):
                failures[f"{lang} {name}"] = found
            if name == "mail-template":
                # Its preview frame shows the e-mail's own inline styles, which the dashboard's
                # CSP blocks by design (test_mail_chromium covers that page).
                errors.clear()
            assert not errors, (lang, name, errors)
    assert failures == {}


def test_the_dutch_overview_looks_right_on_a_laptop_and_a_phone(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    seed_a_month(demo)
    seed_review(demo)
    out = DOCS if WRITE_DOCS else tmp_path
    laptop = new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}).new_page()
    sign_in_by_field(laptop, demo)
    expect(laptop.get_by_role("heading", name="Overzicht", exact=True)).to_be_visible()
    expect(laptop.locator(".kpi-accent dd").first).to_contain_text("€\u00a0")
    expect(laptop.get_by_role("heading", name="Laatste activiteit")).to_be_visible()
    # The feed is bounded: a few grouped lines, not a column running below the page.
    assert laptop.locator("#activity > li").count() <= 10
    laptop.screenshot(path=str(out / "admin-overview-nl.png"), full_page=True)
    assert axe_violations(laptop) == []

    phone = new_context(
        locale="nl-NL",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ).new_page()
    sign_in_by_field(phone, demo)
    # Nothing wider than the screen: the page never scrolls sideways.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    phone.screenshot(path=str(out / "admin-overview-nl-phone.png"))
    assert axe_violations(phone) == []


def test_the_new_pages_in_dutch_on_a_laptop_and_a_phone(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    """An advocate's profile, the widget designer with its preview and a decided and a running
    experiment, as a Dutch owner sees them: Dutch words, nothing wider than a phone, axe clean
    (docs/*-nl*.png with SHAREBACK_WRITE_DOCS=1)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        decided, running = pool.submit(seed_both, demo.settings.database_url).result()
    create_owner(demo)
    seed_a_month(demo)
    out = DOCS if WRITE_DOCS else tmp_path
    shots = [
        ("admin-advocate-nl", "/admin/advocates/1"),
        ("admin-designer-nl", "/admin/campaigns/default/design"),
        ("admin-experiment-decided-nl", f"/admin/experiments/{decided}"),
        ("admin-experiment-running-nl", f"/admin/experiments/{running}"),
    ]
    for width, suffix in ((1280, ""), (390, "-phone")):
        page = new_context(
            locale="nl-NL", viewport={"width": width, "height": 900 if width > 400 else 844}
        ).new_page()
        errors = watch_console(page)
        sign_in_by_field(page, demo)
        for name, path in shots:
            page.goto(f"{demo.backend}{path}")
            expect(page.locator("html")).to_have_attribute("lang", "nl")
            expect(page.get_by_role("navigation", name="Dashboard")).to_contain_text("Ambassadeurs")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (name, width, scroll)
            assert axe_violations(page) == [], (name, width)
            page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=width > 400)
        assert not errors, errors
