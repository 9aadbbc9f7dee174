"""The owner picks ambassadors in a real Chromium: the ranked list with its reasons, a filter,
ticking customers and "Invite these", the decile table, in English and Dutch; the page passes axe
at 1280 and 390 px and is no wider than the phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from score_support import History, add_customer
from shareback.storage import open_store

from .browser_support import Demo
from .test_admin_chromium import axe_violations, create_owner, off_loop, sign_in, watch_console
from .test_admin_language_chromium import sign_in_by_field
from .test_people_chromium import PHONE

pytestmark = pytest.mark.browser

CUSTOMERS = (
    History(
        "anna@example.nl",
        "Anna",
        orders=((4, 4_500), (30, 3_000), (50, 5_000)),
        tickets=((40, False, 9),),
    ),
    History("bram@example.nl", "Bram", country="BE", orders=((200, 2_000),)),
    History("cor@example.nl", "Cor", orders=((3, 9_000),), tickets=((1, True, None),)),
    History("dirk@example.nl", "Dirk", consent=None, orders=((12, 3_000),)),
)


def seed(demo: Demo) -> None:
    async def work() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            for history in CUSTOMERS:
                await add_customer(store, history, datetime.now(UTC))
        finally:
            await store.close()

    off_loop(work)


def test_the_owner_reads_the_scores_and_invites_the_best(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    seed(demo)
    page = new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    errors = watch_console(page)
    sign_in(page, demo)
    nav = page.get_by_role("navigation", name="Dashboard")
    nav.get_by_role("link", name="Ambassadors").click()
    page.wait_for_url(re.compile(r".*/admin/ambassadors$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ambassadors")
    table = page.get_by_role("region", name="Ambassadors table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Anna")
    expect(rows.first).to_contain_text("3 orders in 90 days, last order 4 days ago")
    expect(rows.last).to_contain_text("Cor")
    expect(rows.last).to_contain_text("Not now")
    assert axe_violations(page) == []

    page.get_by_label("Country").fill("be")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*country=be"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bram")
    page.goto(f"{demo.backend}/admin/ambassadors")

    # Only those who may be asked have a box: Anna and Bram (Cor's complaint, Dirk's consent).
    expect(table.get_by_role("checkbox", name=re.compile("^Invite "))).to_have_count(2)
    table.get_by_role("checkbox", name="Invite anna@example.nl").check()
    page.get_by_role("button", name="Invite these").click()
    expect(page.get_by_role("status").filter(has_text="1 customer invited")).to_be_visible()
    expect(table.get_by_role("checkbox", name="Invite anna@example.nl")).to_have_count(0)
    deciles = page.get_by_role("region", name="Invitations by score decile")
    expect(deciles.get_by_role("row", name=re.compile(r"^1 \(the top tenth\) 1 0"))).to_be_visible()
    assert axe_violations(page) == []
    assert not errors, errors
    page.screenshot(path=str(tmp_path / "ambassadors.png"), full_page=True)
    print(f"\nscreenshot: {tmp_path / 'ambassadors.png'}")
    # The customer's own page says the same, with each reason's points and the invitation.
    table.get_by_role("link", name="Anna").click()
    score = page.get_by_role("region", name="Ambassador score")
    expect(score).to_contain_text("3 orders in 90 days, last order 4 days ago")
    expect(score).to_contain_text(re.compile(r"Invited into .+ \(score \d+, decile 1\)"))
    assert axe_violations(page) == []
    page.go_back()

    dutch = new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}).new_page()
    sign_in_by_field(dutch, demo)
    dutch.goto(f"{demo.backend}/admin/ambassadors")
    expect(dutch.get_by_role("heading", level=1)).to_have_text("Ambassadeurs")
    expect(
        dutch.get_by_role("region", name="Tabel met ambassadeurs").locator("tbody tr").first
    ).to_contain_text("3 bestellingen in 90 dagen")
    expect(dutch.get_by_role("heading", name="Voorspelt de score iets?")).to_be_visible()
    assert axe_violations(dutch) == []

    phone = new_context(locale="en-GB", **PHONE).new_page()
    sign_in(phone, demo)
    phone.goto(f"{demo.backend}/admin/ambassadors")
    assert axe_violations(phone) == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], width  # type: ignore[index]
