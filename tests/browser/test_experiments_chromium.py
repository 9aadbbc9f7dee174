"""An experiment's page in a real Chromium: a decided one and one still running, readable (axe: no
serious or critical violations), no console errors under the strict CSP, and their screenshots
(docs/admin-experiment-decided.png, docs/admin-experiment-running.png)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from pathlib import Path

import pytest
from experiment_seed import seed_both
from playwright.sync_api import BrowserContext, expect
from shareback import tokens
from shareback.storage import open_store
from shareback.storage.experiment_records import NewExperiment, Variant

from .browser_support import DOCS, Demo
from .test_admin_chromium import axe_violations, create_owner, docs_path, sign_in, watch_console

pytestmark = pytest.mark.browser


def test_a_decided_and_a_running_experiment_read_clearly(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        decided, running = pool.submit(seed_both, demo.settings.database_url).result()
    create_owner(demo)
    page = new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    errors = watch_console(page)
    sign_in(page, demo)
    for experiment, heading, name in (
        (decided, "B wins", "admin-experiment-decided.png"),
        (running, "No clear winner yet", "admin-experiment-running.png"),
    ):
        page.goto(f"{demo.backend}/admin/experiments/{experiment}")
        expect(page.locator("#verdict-title")).to_contain_text(heading)
        expect(page.locator("svg.experiment-intervals circle")).to_have_count(1)
        expect(page.locator("svg.experiment-lines polyline")).to_have_count(4)
        assert axe_violations(page) == [], name
        page.screenshot(path=docs_path(DOCS / name) or str(tmp_path / name), full_page=True)
    expect(page.get_by_role("button", name="Stop and roll out B")).to_have_count(0)
    page.goto(f"{demo.backend}/admin/experiments?campaign=spring")
    expect(page.get_by_role("heading", name="Current experiment")).to_be_visible()
    assert axe_violations(page) == []
    assert errors == []


def start_experiment(demo: Demo) -> None:
    """On the demo's default campaign: B (weight 999 of 1000) words the headline and buttons."""

    async def start() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            arms = (
                Variant("A", "As it is", 1, {}),
                Variant(
                    "B",
                    "Twenty euro",
                    999,
                    {
                        "friend_reward": {"type": "credit", "value": "20.00"},
                        "headline": "Geef {friend}, krijg {referrer}",
                        "channels": ["sms", "email"],
                    },
                ),
            )
            made = await store.create_experiment(
                NewExperiment(
                    campaign.id, "Test", "order_rate", 20, arms, "owner", tokens.now_utc()
                )
            )
            await store.change_experiment(made.id, "running", "owner", tokens.now_utc())
        finally:
            await store.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(start())).result()


def test_the_widget_shows_the_advocates_variant_from_its_own_answer(
    demo: Demo, context: BrowserContext
) -> None:
    start_experiment(demo)
    page = context.new_page()
    page.goto(f"{demo.shop}/")
    widget = page.locator("#vrienden [data-shareback]")
    widget.get_by_role("button", name="Vrienden uitnodigen").click()
    widget.get_by_label("Je e-mailadres").fill("noor@example.org")
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        widget.get_by_role("button", name="Maak mijn link").click()
    assert answer.value.json()["experiment"]["variant"] == "B"
    expect(widget.locator("[part=title]")).to_have_text(
        "Geef €\u00a020 tegoed, krijg €\u00a05 tegoed"
    )
    expect(widget.locator("[part~=target]").first).to_have_attribute("part", "target target-sms")
    expect(widget.locator("[part=offer]")).to_contain_text("€\u00a020 tegoed")
