"""The partner portal as a partner sees it in Chromium on a phone, in Dutch: reached by the signed
link, it passes axe; she makes a sub-link for her Instagram bio and sees its click counted, a
mistyped IBAN is pointed out and the saved one shows masked; no console errors (the dashboard's
CSP holds: no inline script or style)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect
from shareback import emails, tokens
from shareback.partners.sign_in import portal_token
from shareback.storage import open_store

from .browser_support import Demo
from .test_admin_chromium import axe_violations, create_owner, sign_in, watch_console

pytestmark = pytest.mark.browser
SANNE = "sanne@influencer.example"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def approve(demo: Demo) -> int:
    """The owner's approval (the dashboard's button), done on the store: on another thread, as
    Playwright's sync API keeps this one's event loop."""

    async def go() -> int:
        store = await open_store(demo.settings.database_url)
        try:
            [partner] = await store.partners_by_email(emails.email_key(SANNE))
            await store.decide_partner(partner.id, "approved", "owner", tokens.now_utc())
            return partner.id
        finally:
            await store.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(go())).result()


def test_a_partner_uses_her_portal_on_a_phone(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    applied = httpx.post(
        f"{demo.backend}/partners/apply", data={"name": "Sanne de Wit", "email": SANNE}
    )
    assert applied.status_code == 200
    partner_id = approve(demo)
    token = portal_token(demo.secrets.secret_key, partner_id, emails.email_key(SANNE))
    page = new_context(viewport={"width": 390, "height": 800}, locale="nl-NL").new_page()
    problems = watch_console(page)
    page.goto(f"{demo.backend}/partners/portal?t={token}&lang=nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo Sanne de Wit")
    expect(page.get_by_role("heading", name="Je cijfers")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Korte naam in de link").fill("instagram-bio")
    page.get_by_label("Omschrijving").fill("Instagram bio")
    page.get_by_role("button", name="Link maken").click()
    expect(page.get_by_role("status")).to_have_text("Je nieuwe link staat klaar.")
    link = page.locator('code[data-link="instagram-bio"]').inner_text()
    assert link.startswith(f"{demo.backend}/r/") and link.endswith("/instagram-bio")
    followed = httpx.get(link, headers={"user-agent": UA}, follow_redirects=False)
    assert followed.status_code == 303 and followed.headers["location"].startswith(demo.shop)

    page.goto(f"{demo.backend}/partners/portal?t={token}&lang=nl")
    row = page.locator('#partner-stats tr[data-placement="instagram-bio"]')
    expect(row.locator('[data-stat="clicks"]')).to_have_text("1")
    expect(page.locator('#partner-stats tr[data-placement="*"] [data-stat="clicks"]')).to_have_text(
        "1"
    )

    page.get_by_label("Rekeninghouder").fill("Sanne de Wit")
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 01")
    page.get_by_role("button", name="Rekening bewaren").click()
    expect(page.get_by_role("alert")).to_contain_text("IBAN")
    assert axe_violations(page) == []
    page.get_by_label("Rekeninghouder").fill("Sanne de Wit")
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 00")
    page.get_by_role("button", name="Rekening bewaren").click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen")
    expect(page.get_by_text("Nu: Sanne de Wit, NL91 •••• •••• 4300")).to_be_visible()
    page.screenshot(path=tmp_path / "partner-portal.png", full_page=True)
    assert problems == [], problems


def test_the_owner_approves_an_application_in_the_dashboard(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    for name, email in (("Sanne de Wit", SANNE), ("Tim Bakker", "tim@example.nl")):
        assert httpx.post(
            f"{demo.backend}/partners/apply",
            data={"name": name, "email": email, "pitch": "YouTube, 40k"},
        ).is_success
    create_owner(demo)
    page = new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    problems = watch_console(page)
    sign_in(page, demo)
    page.get_by_role("link", name="Partners", exact=True).click()
    expect(page.get_by_role("heading", name="Waiting for your answer")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Approve Sanne de Wit").click()
    expect(page.get_by_role("status")).to_have_text(
        "The partner is approved: their links and code work now."
    )
    page.get_by_role("button", name="Reject Tim Bakker").click()
    expect(page.locator("#partner-list")).to_contain_text("Sanne de Wit")
    page.get_by_role("link", name="Sanne de Wit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanne de Wit")
    expect(page.locator('#partner-stats tr[data-placement="*"] [data-stat="orders"]')).to_have_text(
        "0"
    )
    page.get_by_label("Checkout code").fill("sanne15")
    page.get_by_role("button", name="Save the terms").click()
    expect(page.get_by_role("status")).to_have_text("The partner's terms are saved.")
    expect(page.get_by_label("Checkout code")).to_have_value("SANNE15")
    assert axe_violations(page) == []
    page.screenshot(path=tmp_path / "admin-partner.png", full_page=True)
    assert problems == [], problems
