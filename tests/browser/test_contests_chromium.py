"""A contest as people see it in Chromium: the owner plans it on the campaign's contests page
(axe-clean), a shopper the shop signed in opens "My rewards" in the widget and finds the board
with masked names and their own place, and no friend's or rival's address anywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect
from shareback import identity

from .browser_support import ANNA, DOCS, WRITE_DOCS, Demo, log_in
from .test_admin_chromium import axe_violations, create_owner, sign_in, watch_console
from .test_advocate_page_chromium import friend_orders

pytestmark = pytest.mark.browser


def rival_with_friends(demo: Demo, email: str, name: str, friends: int) -> None:
    """Another advocate, signed in by the shop, whose friends order through the link."""
    joined = httpx.post(
        f"{demo.backend}/api/v1/advocates",
        json={
            "campaign": "default",
            "email": email,
            "name": name,
            "user_hash": identity.user_hash(demo.secrets.identity_secret, email),
        },
        headers={"origin": demo.shop},
    ).json()
    for n in range(friends):
        friend_orders(demo, joined["code"], order=f"{email}-{n}", friend=f"f{n}.{email}")


def test_the_owner_plans_a_contest_and_a_shopper_sees_the_board_in_the_widget(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    owner = new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(owner, demo)
    owner.goto(f"{demo.backend}/admin/campaigns/default/contests")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Contests")
    owner.get_by_label("Name").fill("Lentewedstrijd")
    start = datetime.now(UTC) - timedelta(days=1)
    owner.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_label("Ends").fill((start + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    first = owner.get_by_role("group", name="First prize")
    first.get_by_label("What").select_option("credit")
    first.get_by_label("Amount (EUR), or 1 for a gift").fill("25")
    assert axe_violations(owner) == []
    owner.get_by_role("button", name="Plan the contest").click()
    expect(owner.get_by_role("status")).to_have_text("Contest planned.")

    rival_with_friends(demo, "cees.vandijk@example.nl", "Cees van Dijk", 2)
    page = new_context(device_scale_factor=2).new_page()
    problems = watch_console(page)
    log_in(page, demo.shop)
    widget = page.locator("[data-shareback]")
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        widget.get_by_role("button", name="Vrienden uitnodigen").click()
    friend_orders(demo, answer.value.json()["code"])
    widget.get_by_role("button", name="Mijn beloningen").click()
    board = widget.locator("[part=account]").get_by_role("region", name="Lentewedstrijd")
    expect(board.get_by_role("listitem")).to_have_text(
        ["Cees v. D.2 vrienden", "Anna d. V.1 vriend"]
    )
    expect(board).to_contain_text("Je staat op plaats 2, met 1 vriend.")
    text = widget.inner_text()
    assert "cees.vandijk" not in text and "example.com" not in text
    assert axe_violations(page) == []
    board.screenshot(path=tmp_path / "widget-contest.png")
    board.screenshot(path=Path("/tmp/widget-contest.png"))
    if WRITE_DOCS:
        board.screenshot(path=DOCS / "widget-contest.png")

    owner.reload()
    table = owner.get_by_role("region", name="Leaderboard of Lentewedstrijd")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("row").nth(1)).to_contain_text("Cees v. D.")
    assert "cees.vandijk" not in owner.content()
    assert axe_violations(owner) == []
    owner.screenshot(path=tmp_path / "admin-contests.png", full_page=True)
    owner.screenshot(path=Path("/tmp/admin-contests.png"), full_page=True)
    if WRITE_DOCS:
        owner.screenshot(path=DOCS / "admin-contests.png", full_page=True)
    assert problems == [], problems
    assert ANNA["email"] not in table.inner_text()
