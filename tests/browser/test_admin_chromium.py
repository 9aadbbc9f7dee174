"""The owner's dashboard in a real Chromium: sign in, create a campaign with its live preview, see a
referral move the numbers, approve its rewards, download the payout CSV, fill a code pool, add a
webhook endpoint and redeliver a dead delivery; axe-core on every page; the screenshots in docs/."""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import io
import random
import re
import secrets
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Frame, Page, Response, expect
from shareback import codes, emails
from shareback.attribution import Candidate
from shareback.auth import passwords
from shareback.outgoing.worker import DeliveryWorker, Report
from shareback.rewards import RewardSpec
from shareback.storage import open_store
from shareback.storage.base import (
    CampaignChanges,
    CampaignDraft,
    PaidOrder,
    PartialRefund,
    RefundPart,
)
from shareback.storage.database import to_db_time
from shareback.webhooks.standard import new_secret
from starlette.applications import Starlette
from starlette.responses import Response as PlainResponse
from starlette.routing import Route
from support import LiveServer, db_execute, db_rows, free_port, order_paid, signed_headers

from .browser_support import DOCS, WRITE_DOCS, Demo

pytestmark = pytest.mark.browser

OWNER = "owner@brandpunt.nl"
PASSWORD = "koffie-is-lekker-2026"
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
T = TypeVar("T")


def docs_path(path: object) -> str | None:
    """Screenshots are always taken; docs/ is rewritten only with SHAREBACK_WRITE_DOCS=1, so a
    test run leaves the tree clean (ports and dates in the pictures change every run)."""
    return str(path) if WRITE_DOCS else None


def off_loop(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Playwright's sync API keeps an event loop running on this thread: run the store on another."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


def create_owner(demo: Demo) -> None:
    async def create() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            user = await store.create_admin_user(
                OWNER, passwords.hash_password(PASSWORD), datetime.now(UTC)
            )
            assert user is not None
        finally:
            await store.close()

    off_loop(create)


def sign_in(page: Page, demo: Demo, lands: str = "/admin") -> None:
    page.goto(f"{demo.backend}/admin/login")
    page.get_by_label("E-mail address").fill(OWNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{demo.backend}{lands}")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical WCAG violations on the page and in its (same-origin) frames."""
    source = AXE.read_text()
    frames: list[Frame] = [page.main_frame, *page.main_frame.child_frames]
    for frame in frames:
        frame.evaluate(source + "\n;0")
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']})
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
          }))
        }"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def watch_console(page: Page) -> list[str]:
    """Errors in the console (a CSP violation, a script error) and failed subresources (a style,
    a script, a frame's API call). Pages answered 4xx on purpose (a refused form) are fine."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", on_response)
    return errors


def run_deliveries(demo: Demo, moment: datetime) -> Report:
    """One round of a DeliveryWorker of our own at `moment`: time moved, not slept."""

    async def deliver() -> Report:
        store = await open_store(demo.settings.database_url)
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                return await DeliveryWorker(store, demo.backend, http).deliver_due(moment)
        finally:
            await store.close()

    return off_loop(deliver)


def db_value(demo: Demo, sql: str) -> Any:
    return db_rows(demo.settings, sql)[0][0]


def widget_in(page: Page, lang: str) -> Any:
    return page.frame_locator(f"iframe[data-preview-lang={lang}]").locator("[data-shareback]")


def join_and_buy(demo: Demo, slug: str, friend: str, order_id: str, total: str) -> dict[str, Any]:
    """The shopper joins from the shop, a friend follows the link and the checkout signs the order."""
    with httpx.Client(base_url=demo.backend, timeout=10) as http:
        joined = http.post(
            "/api/v1/advocates",
            json={"campaign": slug, "email": "lotte@example.nl", "name": "Lotte Smit"},
            headers={"origin": demo.shop},
        )
        assert joined.status_code == 200, joined.text
        advocate: dict[str, Any] = joined.json()
        followed = http.get(
            f"/r/{advocate['code']}?ch=whatsapp",
            headers={"user-agent": "Mozilla/5.0 (iPhone) Mobile Safari"},
        )
        assert followed.status_code == 303
        assert followed.headers["location"].startswith(f"{demo.shop}/zomer")
        ref = re.search(r"[?&]ref=([^&]+)", followed.headers["location"])
        assert ref
        body = order_paid(order_id, friend, total, ref[1])
        headers = signed_headers(demo.secrets.webhook_secret, body, f"msg_{order_id}")
        answer = http.post("/webhooks/orders", content=body, headers=headers)
        assert answer.json()["status"] == "recorded", answer.text
    return advocate


def test_the_owner_runs_a_campaign_from_the_dashboard(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    context = new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    errors = watch_console(page)

    # Strangers meet the login page, and come back where they were heading.
    page.goto(f"{demo.backend}/admin/campaigns/new")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=/admin/campaigns/new$"))
    page.get_by_label("E-mail address").fill(OWNER)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an admin account")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{demo.backend}/admin/campaigns/new")

    # A new campaign; a mistake is explained beside its field and in the summary.
    page.get_by_label("Campaign name").fill("Zomeractie")
    page.get_by_label("Web address name (slug)").fill("zomer")
    page.get_by_label("Landing page").fill(f"{demo.shop}/zomer")
    page.get_by_label("Websites where the widget may appear").fill(demo.shop)
    friend_value = page.locator("#f-friend_reward_value")
    friend_value.fill("tien")
    page.get_by_role("button", name="Create campaign").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check 1 field")
    expect(summary).to_be_focused()
    expect(page.locator("#f-friend_reward_value-error")).to_contain_text("Enter a number")
    expect(friend_value).to_have_attribute("aria-invalid", "true")

    # The live preview: the real widget, in Dutch and English, following the form as one types.
    nl, en = widget_in(page, "nl"), widget_in(page, "en")
    friend_value.fill("15")
    expect(nl.get_by_role("heading")).to_have_text("Geef 15% korting, krijg €\u00a05 tegoed")
    expect(en.get_by_role("heading")).to_have_text("Give 15% off, get €5 store credit")
    page.locator("#f-referrer_reward_type").select_option("fixed_discount")
    page.locator("#f-referrer_reward_value").fill("7.50")
    expect(en.get_by_role("heading")).to_have_text("Give 15% off, get €7.50 off")
    expect(nl.get_by_role("heading")).to_have_text("Geef 15% korting, krijg €\u00a07,50 korting")
    nl.get_by_role("button", name="Vrienden uitnodigen").click()
    expect(nl.get_by_label("Je persoonlijke link")).to_have_value(re.compile(r"/r/ANNA-"))
    page.get_by_role("button", name="Create campaign").click()
    expect(page).to_have_url(f"{demo.backend}/admin/campaigns/zomer?notice=campaign-created")
    expect(page.get_by_role("status").first).to_contain_text("The campaign is created")

    # Before anything happened: dashes, not zeros, where a rate has nothing to divide by.
    page.goto(f"{demo.backend}/admin?campaign=zomer")
    kpis = page.locator(".kpis-main")
    expect(
        kpis.locator(".kpi", has_text="Clicks that became an order").locator("dd").first
    ).to_have_text("—")
    expect(
        kpis.locator(".kpi")
        .filter(has=page.get_by_text("Orders via friends", exact=True))
        .locator("dd")
        .first
    ).to_have_text("0")

    # A shopper shares, a friend buys: the numbers move.
    advocate = join_and_buy(demo, "zomer", "bram.jansen@example.com", "5001", "64.00")
    page.reload()
    expect(kpis.locator(".kpi", has_text="Sales through friends").locator("dd").first).to_have_text(
        "€64"
    )
    expect(
        kpis.locator(".kpi")
        .filter(has=page.get_by_text("Orders via friends", exact=True))
        .locator("dd")
        .first
    ).to_have_text("1")
    expect(
        kpis.locator(".kpi", has_text="Clicks that became an order").locator("dd").first
    ).to_have_text("100%")
    small = page.locator(".kpis-small")
    expect(small.locator(".kpi", has_text="Link clicks").locator("dd").first).to_have_text("1")
    # €7.50 for Lotte and Bram's 15 % off, which left €64 of €75.29: €11.29.
    expect(small.locator(".kpi", has_text="Reward cost").locator("dd").first).to_have_text("€18.79")
    expect(page.locator(".channels")).to_contain_text("WhatsApp")
    expect(page.get_by_role("region", name="Top ambassadors", exact=True)).to_contain_text(
        "Lotte Smit"
    )
    expect(page.locator("#activity")).to_contain_text("Order 5001 came in via a friend of")
    expect(page.get_by_role("img", name=re.compile("Clicks and orders per day"))).to_be_visible()

    # The rewards queue: Lotte's reward waits; Bram's discount was given at the checkout.
    page.get_by_role("link", name="Rewards", exact=True).click()
    page.get_by_label("Campaign").select_option("zomer")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.rewards tbody tr")
    expect(rows).to_have_count(1)
    page.get_by_label("Select all rewards on this page").check()
    expect(page.locator("[data-selected-count]")).to_have_text("1 selected")
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("status").first).to_have_text("1 reward approved.")
    expect(rows).to_have_count(0)
    # Lotte's €7.50 off is issued as a coupon code the moment it is approved.
    page.get_by_role("link", name="Given").click()
    expect(rows).to_have_count(2)
    expect(page.locator("table.rewards")).to_contain_text("Discount given at the checkout")
    expect(page.locator("table.rewards")).to_contain_text("Coupon code issued")

    # The list of the fulfilled rewards, as CSV.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list (spreadsheet, CSV)").click()
    assert re.fullmatch(
        r"shareback-rewards-fulfilled-zomer-\d{4}-\d\d-\d\d\.csv", download.value.suggested_filename
    )
    saved = tmp_path / "payout.csv"
    download.value.save_as(saved)
    payout = list(csv.DictReader(io.StringIO(saved.read_text("utf-8-sig"))))
    assert {(r["side"], r["email"], r["amount"], r["status"]) for r in payout} == {
        ("referrer", "lotte@example.nl", "7.50", "fulfilled"),
        ("friend", "bram.jansen@example.com", "11.29", "fulfilled"),
    }
    assert {r["advocate_code"] for r in payout} == {advocate["code"]}
    assert {r["order_id"] for r in payout} == {"5001"}

    # Friends' codes: a pool the friends draw from, filled from a CSV file; a bad file is
    # explained beside the field and adds nothing.
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.backend)
    closed = free_port()  # nothing listens here: every delivery and question to it fails
    page.goto(f"{demo.backend}/admin/campaigns/zomer")
    page.get_by_label("A code from your pool").check()
    page.get_by_label("Shared code", exact=True).fill("ZOMER10")
    page.get_by_label("Your shop's check (optional)").fill(f"http://127.0.0.1:{closed}/validate")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Your changes are saved")
    expect(page.get_by_label("A code from your pool")).to_be_checked()
    # The validation callback's signing secret: hidden, shown on request, copied.
    secret_field = page.get_by_label("Signing secret")
    expect(secret_field).to_have_attribute("type", "password")
    page.get_by_role("button", name="Show signing secret").click()
    expect(secret_field).to_have_attribute("type", "text")
    page.get_by_role("button", name="Copy signing secret").click()
    validation_secret = db_value(
        demo, "SELECT validation_secret FROM campaigns WHERE slug = 'zomer'"
    )
    assert validation_secret.startswith("whsec_")
    assert page.evaluate("navigator.clipboard.readText()") == validation_secret
    pool = page.get_by_role("region", name="Friends' code pool")
    expect(pool).to_contain_text("The pool is empty: friends now get the shared code ZOMER10")
    pool.get_by_label("Spreadsheet file (CSV) with codes").set_input_files(
        {"name": "codes.csv", "mimeType": "text/csv", "buffer": b"code\nZOMER-001\nzomer 002\n"}
    )
    pool.get_by_role("button", name="Upload codes").click()
    expect(page.locator("#pool-file-error")).to_contain_text("line 3: 'zomer 002'")
    expect(page.get_by_label("Spreadsheet file (CSV) with codes")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert axe_violations(page) == []
    page.get_by_label("Spreadsheet file (CSV) with codes").set_input_files(
        {
            "name": "codes.csv",
            "mimeType": "text/csv",
            "buffer": b"ZOMER-001\nZOMER-002\nZOMER-001\n",
        }
    )
    page.get_by_role("button", name="Upload codes").click()
    expect(pool.get_by_role("status")).to_contain_text("2 codes added.")
    expect(pool.get_by_role("status")).to_contain_text("1 was already in a pool or twice")
    expect(pool.locator(".pool-counts")).to_contain_text(re.compile(r"Codes left\s*2"))

    # Copying the webhook secret puts it on the clipboard.
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("button", name="Copy secret").click()
    assert page.evaluate("navigator.clipboard.readText()") == demo.secrets.webhook_secret

    # Outgoing webhooks: an endpoint (a mistake first), its secret copied.
    page.get_by_role("link", name="Links to other tools (webhooks)").click()
    page.get_by_label("Address", exact=True).fill("crm.example.com/hooks")
    page.get_by_label("Description (optional)").fill("CRM sync")
    page.get_by_role("button", name="Add address").click()
    expect(page.locator("#endpoint-url-error")).to_contain_text("Enter a full address")
    expect(page.get_by_role("alert")).to_be_focused()
    assert axe_violations(page) == []
    page.get_by_label("Address", exact=True).fill(f"http://127.0.0.1:{closed}/hooks")
    page.get_by_role("button", name="Add address").click()
    expect(page.get_by_role("status").first).to_contain_text("The endpoint is added")
    endpoint = page.locator(".endpoint-item").first
    expect(endpoint).to_contain_text("CRM sync")
    endpoint.get_by_role("button", name="Copy secret").click()
    endpoint_secret = db_value(demo, "SELECT secret FROM webhook_endpoints")
    assert page.evaluate("navigator.clipboard.readText()") == endpoint_secret

    # An event for it; the receiver stays down past the three days: a dead letter.
    with httpx.Client(base_url=demo.backend, timeout=10) as http:
        joined = http.post(
            "/api/v1/advocates",
            json={"campaign": "zomer", "email": "sanne@example.nl", "name": "Sanne Bakker"},
            headers={"origin": demo.shop},
        )
        assert joined.status_code == 200, joined.text
    assert run_deliveries(demo, datetime.now(UTC) + timedelta(days=4)).dead == 1
    page.get_by_role("link", name=re.compile(r"^Given up")).click()
    deliveries = page.locator("table.deliveries tbody tr")
    expect(deliveries).to_have_count(1)
    expect(deliveries.first).to_contain_text("advocate.created")
    expect(deliveries.first).to_contain_text("ConnectError")
    # Its attempts, one by one.
    deliveries.first.get_by_role("link", name=re.compile(r"^advocate\.created")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("advocate.created")
    expect(page.locator("table.attempts tbody tr")).to_have_count(1)
    expect(page.locator("table.attempts")).to_contain_text("no answer")
    assert axe_violations(page) == []
    page.go_back()
    # Redeliver: back in the queue, off the dead letters.
    deliveries.first.get_by_role("button", name=re.compile(r"^Send again")).click()
    expect(page.get_by_role("status").first).to_contain_text("The delivery is back in the queue")
    expect(page.locator("#deliveries .empty-state")).to_contain_text("Nothing given up")
    assert db_value(demo, "SELECT status FROM deliveries") == "pending"

    # Signing out ends it: the dashboard asks for the password again.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{demo.backend}/admin/login?notice=signed-out")
    page.goto(f"{demo.backend}/admin")
    expect(page).to_have_url(f"{demo.backend}/admin/login")
    assert not errors, errors


# The screenshots and the accessibility check run on a shop with a month of history.

NAMES = [
    "Anna de Vries",
    "Bram Jansen",
    "Sanne Bakker",
    "Daan Visser",
    "Lotte Smit",
    "Ruben Meijer",
    "Fleur de Boer",
    "Thijs Mulder",
    "Noor de Groot",
    "Jesse Bos",
    "Eva Vos",
    "Milan Peters",
]
SHARE_MIX = [
    ("whatsapp", 40),
    ("copy", 14),
    ("facebook", 10),
    ("email", 9),
    ("qr", 7),
    ("telegram", 5),
    ("x", 5),
    ("sms", 4),
    ("linkedin", 3),
    ("native", 3),
]


def seed_a_month(demo: Demo, days: int = 30) -> None:
    """A believable month for the default campaign, written through the store (dates moved back
    in SQL where the store stamps "now"). Deterministic: the screenshots only change with the UI."""
    rng = random.Random(7)

    def channel() -> str:
        names = [name for name, _ in SHARE_MIX]
        weights = [weight for _, weight in SHARE_MIX]
        return rng.choices(names, weights)[0]

    async def write() -> list[tuple[int, datetime]]:
        store = await open_store(demo.settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
            advocates = []
            for i, name in enumerate(NAMES):
                email = name.lower().replace(" ", ".") + "@example.nl"
                joined = now - timedelta(days=days - 1 - 2 * i, hours=rng.randint(0, 8))
                advocate, _ = await store.advocate_for(
                    campaign.id,
                    email,
                    emails.email_key(email),
                    name,
                    True,
                    codes.code_prefix(name),
                    joined,
                )
                advocates.append(advocate)
            weights = [(14 - i) ** 2 for i in range(len(advocates))]
            order_no, referred = 2000, []
            for d in range(days):
                day = now - timedelta(days=days - 1 - d)
                growth = 0.6 + d / days
                live = [a for a in advocates if a.created_at <= day] or advocates[:1]
                for _ in range(int(rng.randint(6, 14) * growth)):
                    who = rng.choices(live, weights[: len(live)])[0]
                    at = day - timedelta(hours=rng.randint(0, 10))
                    await store.record_event(campaign.id, who.id, "open", None, at)
                    if rng.random() < 0.55:
                        ch = channel()
                        kind = ch if ch in ("copy", "qr", "native") else "share"
                        await store.record_event(
                            campaign.id, who.id, kind, ch if kind == "share" else None, at
                        )
                for _ in range(int(rng.randint(8, 22) * growth)):
                    who = rng.choices(live, weights[: len(live)])[0]
                    ch = channel()
                    ch = "link" if ch in ("copy", "native") else ch
                    at = day - timedelta(hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
                    token = secrets.token_urlsafe(6)
                    device = rng.choice(["mobile", "mobile", "desktop"])
                    await store.record_click(who.id, token, ch, secrets.token_hex(16), device, at)
                    if rng.random() < 0.15:  # the link preview WhatsApp fetches
                        await store.record_click(
                            who.id, secrets.token_urlsafe(6), ch, "bot", "bot", at
                        )
                    if rng.random() < 0.075:
                        order_no += 1
                        friend = f"vriend{order_no}@example.com"
                        total = rng.choice([2490, 3290, 4590, 5990, 6480, 8950, 3790])
                        paid = at + timedelta(hours=1)
                        outcome = await store.record_paid_order(
                            f"msg_{order_no}",
                            PaidOrder("generic", str(order_no), friend, friend, total, "EUR", paid),
                            Candidate(who.id, who.email_key, campaign.id, "link", token, at),
                            "no_ref",
                        )
                        if outcome.referral_id:
                            referred.append((outcome.referral_id, paid))
                for _ in range(rng.randint(3, 7)):
                    order_no += 1
                    shopper = f"klant{order_no}@example.com"
                    total = rng.choice([1890, 2490, 3290, 4590, 2990])
                    await store.record_paid_order(
                        f"msg_{order_no}",
                        PaidOrder("generic", str(order_no), shopper, shopper, total, "EUR", day),
                        None,
                        "no_ref",
                    )
            for slug, name, friend_reward, referrer_reward, starts, ends in (
                (
                    "zomer",
                    "Summer special",
                    ("fixed_discount", "7.50"),
                    ("credit", "10.00"),
                    20,
                    80,
                ),
                (
                    "black-friday",
                    "Black Friday",
                    ("percent_discount", "20"),
                    ("points", "500"),
                    -60,
                    -30,
                ),
            ):
                await store.create_campaign(
                    CampaignDraft(
                        slug=slug,
                        name=name,
                        shop_name="Brandpunt Koffie",
                        landing_url=f"{demo.shop}/",
                        allowed_origins=(demo.shop,),
                        referrer_reward=RewardSpec(*referrer_reward),
                        friend_reward=RewardSpec(*friend_reward),
                        starts_at=now + timedelta(days=starts),
                        ends_at=now + timedelta(days=ends),
                    )
                )
            return referred
        finally:
            await store.close()

    referred = off_loop(write)
    for referral_id, paid in referred:
        db_execute(
            demo.settings,
            "UPDATE referrals SET created_at = ? WHERE id = ?",
            (to_db_time(paid), referral_id),
        )
        db_execute(
            demo.settings,
            "UPDATE rewards SET created_at = ?, approve_after = ? WHERE referral_id = ?",
            (to_db_time(paid), to_db_time(paid + timedelta(days=14)), referral_id),
        )

    async def approve() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            await store.approve_due_rewards(datetime.now(UTC))
        finally:
            await store.close()

    off_loop(approve)
    db_execute(
        demo.settings,
        "UPDATE reward_changes SET at = (SELECT approve_after FROM rewards w WHERE w.id = reward_id)",
    )
    db_execute(
        demo.settings,
        "UPDATE rewards SET approved_at = approve_after WHERE approved_at IS NOT NULL",
    )


def seed_clawbacks(demo: Demo) -> None:
    """After approval, the newest approved order is charged back and the one before it is
    refunded in part: clawbacks in the rewards queue, revenue net of the refund."""
    newest = [
        row[0]
        for row in db_rows(
            demo.settings,
            "SELECT o.order_id FROM rewards w JOIN referrals r ON r.id = w.referral_id "
            # Approved, or issued at approval (credit, coupons); never the checkout's discount.
            "JOIN orders o ON o.id = r.order_pk WHERE w.status IN ('approved', 'fulfilled') "
            "AND w.fulfilment <> 'checkout' "
            "GROUP BY o.id, o.order_id ORDER BY o.id DESC LIMIT 2",
        )
    ]
    assert len(newest) == 2

    async def refund() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            now = datetime.now(UTC)
            await store.record_refund("msg_cb", "generic", newest[0], now, "chargeback")
            part = RefundPart("re_seed", Decimal("10.00"))
            await store.record_partial_refund(
                "msg_re", PartialRefund("generic", newest[1], (part,), None, now)
            )
        finally:
            await store.close()

    off_loop(refund)


def seed_review(demo: Demo) -> None:
    """A friend with a throwaway address: held in the review queue, with its reason."""

    async def write() -> None:
        store = await open_store(demo.settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            email = "lotte.visser@example.com"
            advocate, _ = await store.advocate_for(
                campaign.id,
                email,
                emails.email_key(email),
                "Lotte Visser",
                True,
                "LOTTE",
                datetime.now(UTC),
            )
            friend = "deal@mailinator.com"
            order = PaidOrder(
                "orders",
                "review-1",
                friend,
                emails.email_key(friend),
                4250,
                "EUR",
                datetime.now(UTC),
            )
            candidate = Candidate(advocate.id, advocate.email_key, campaign.id, "link")
            outcome = await store.record_paid_order("msg_review", order, candidate, "")
            assert outcome.reason == "held_for_review", outcome
        finally:
            await store.close()

    off_loop(write)


def seed_webhooks(demo: Demo) -> int:
    """Two endpoints, one up and one down, with delivered, dead and waiting deliveries; a code
    pool and a validation callback on the default campaign. Returns a dead delivery's id."""
    received = Starlette(
        routes=[Route("/hooks", lambda request: PlainResponse(status_code=204), methods=["POST"])]
    )
    down = free_port()

    async def write(at: datetime, names: list[str]) -> None:
        store = await open_store(demo.settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            if not await store.endpoints():
                await store.create_endpoint(
                    f"http://127.0.0.1:{up.port}/hooks",
                    ("*",),
                    new_secret(),
                    "CRM sync",
                    at,
                )
                await store.create_endpoint(
                    f"http://127.0.0.1:{down}/shareback",
                    ("advocate.created", "reward.approved"),
                    new_secret(),
                    "Mailchimp via Zapier",
                    at,
                )
                await store.add_pool_codes(
                    campaign.id, [f"KOFFIE-{n:04d}" for n in range(1, 481)], at
                )
                await store.update_campaign(
                    "default",
                    CampaignChanges(
                        friend_fulfilment="pool",
                        friend_code="WELKOM10",
                        validation_url=f"http://127.0.0.1:{down}/validate",
                        validation_secret=new_secret(),
                    ),
                )
            # They join the summer campaign: the default one's numbers stay as photographed.
            summer = await store.campaign("zomer")
            assert summer is not None
            for name in names:
                email = name.lower().replace(" ", ".") + "@example.com"
                await store.advocate_for(
                    summer.id,
                    email,
                    emails.email_key(email),
                    name,
                    True,
                    codes.code_prefix(name),
                    at,
                )
        finally:
            await store.close()

    with LiveServer(received) as up:
        now = datetime.now(UTC)
        off_loop(lambda: write(now, ["Iris Kok", "Lars de Wit", "Femke Smits"]))
        run_deliveries(demo, now)  # delivered to the CRM; Mailchimp's fail and wait
        run_deliveries(demo, now + timedelta(days=4))  # still failing after three days: dead
        off_loop(lambda: write(now, ["Joris van Dam"]))
        run_deliveries(demo, now)  # the CRM has it; Mailchimp's waits for its next try
    dead: int = db_value(demo, "SELECT MAX(id) FROM deliveries WHERE status = 'dead'")
    return dead


PAGES = [
    ("overview", "/admin", True),
    ("campaigns", "/admin/campaigns", True),
    ("campaign", "/admin/campaigns/default", True),
    ("new-campaign", "/admin/campaigns/new", False),
    ("rewards", "/admin/rewards", False),
    ("rewards-approved", "/admin/rewards?status=approved", False),
    ("rewards-fulfilled", "/admin/rewards?status=fulfilled", False),
    ("payouts", "/admin/payouts", True),
    ("review", "/admin/review", False),
    ("fraud-rules", "/admin/campaigns/default/fraud", False),
    ("settings", "/admin/settings", True),
    ("webhooks", "/admin/settings/webhooks", True),
    ("webhooks-dead", "/admin/settings/webhooks?status=dead#deliveries", False),
]


def test_every_dashboard_page_passes_axe_and_is_photographed(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    assert AXE.exists(), (
        "axe-core is missing: run scripts/install-test-deps (npm ci in tests/browser)"
    )
    create_owner(demo)
    seed_a_month(demo)
    seed_clawbacks(demo)
    seed_review(demo)
    dead = seed_webhooks(demo)
    pages = [*PAGES, ("delivery", f"/admin/settings/webhooks/deliveries/{dead}", False)]
    context = new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = watch_console(page)

    page.goto(f"{demo.backend}/admin/login")
    assert axe_violations(page) == []
    page.screenshot(path=docs_path(DOCS / "admin-login.png"))
    sign_in(page, demo)

    failures: dict[str, list[dict[str, Any]]] = {}
    for name, path, full_page in pages:
        page.goto(f"{demo.backend}{path}")
        if name in ("campaign", "new-campaign"):
            expect(widget_in(page, "nl").get_by_role("heading")).to_be_visible()
            expect(widget_in(page, "en").get_by_role("heading")).to_be_visible()
        violations = axe_violations(page)
        if violations:
            failures[name] = violations
        if name != "new-campaign":
            page.screenshot(path=docs_path(DOCS / f"admin-{name}.png"), full_page=full_page)
    # The charts' data tables, opened.
    page.goto(f"{demo.backend}/admin")
    for summary in page.locator("details.data-table summary").all():
        summary.click()
    violations = axe_violations(page)
    if violations:
        failures["overview with tables"] = violations
    # The widget preview on its own.
    page.goto(f"{demo.backend}/admin/preview?campaign=default&lang=nl")
    expect(page.locator("[data-shareback]").get_by_role("heading")).to_be_visible()
    violations = axe_violations(page)
    if violations:
        failures["preview"] = violations
    assert failures == {}
    assert not errors, errors

    # The overview on a phone.
    phone = new_context(
        locale="en-GB",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ).new_page()
    sign_in(phone, demo)
    phone.screenshot(path=docs_path(DOCS / "admin-overview-phone.png"))
    assert axe_violations(phone) == []
