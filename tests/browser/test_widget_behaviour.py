"""The widget as shoppers and host pages meet it: e-mail form, dialog, requests, fallbacks, language,
layout stability and isolation from the host's CSS, in a real Chromium against the real servers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, FloatRect, Locator, Page, Request, Route, expect
from support import count, db_execute, db_rows

from .browser_support import WIDGET_API, Demo, host_page, screenshot_with_margin, shadow_focus

pytestmark = pytest.mark.browser

PRODUCT = "/product/ethiopie-yirgacheffe"  # a shop page without a [data-shareback] mount


def join_with_email(widget: Locator, email: str, name: str = "") -> str:
    """Anonymous shopper: opens the inline card, types an address; returns the referral link."""
    widget.get_by_role("button", name="Vrienden uitnodigen").click()
    widget.get_by_label("Je e-mailadres").fill(email)
    if name:
        widget.get_by_label("Je naam (optioneel)").fill(name)
    widget.get_by_role("button", name="Maak mijn link").click()
    field = widget.get_by_label("Je persoonlijke link")
    expect(field).to_have_value(re.compile(r"/r/[\w-]+$"))
    return field.input_value()


def test_anonymous_shopper_gets_a_clear_error_for_a_bad_address_then_a_link(
    demo: Demo, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(f"{demo.shop}/")
    widget = page.locator("#vrienden [data-shareback]")
    widget.get_by_role("button", name="Vrienden uitnodigen").click()
    form = widget.locator("form[part=form]")
    expect(form).to_be_visible()
    email = form.get_by_label("Je e-mailadres")
    error = form.locator("p[part=error]")
    expect(error).to_have_attribute("aria-live", "polite")
    expect(email).to_have_attribute("aria-describedby", "sb-e")

    # Nothing typed: the widget says so without asking the server.
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    form.get_by_role("button", name="Maak mijn link").click()
    expect(error).to_have_text("Vul je e-mailadres in.")
    expect(email).to_have_attribute("aria-invalid", "true")
    assert not [url for url in asked if "/api/v1/advocates" in url]

    # A bad address: the server refuses it, the widget shows why on the field, nothing is stored.
    email.fill("anna@@example")
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        form.get_by_role("button", name="Maak mijn link").click()
    assert answer.value.status == 422
    assert answer.value.json()["error"]["field"] == "email"
    expect(error).not_to_be_empty()
    expect(error).to_have_text(answer.value.json()["error"]["message"])
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(widget.locator("input[part=link]")).to_have_count(0)
    assert count(demo.settings, "advocates") == 0

    # A good address: a personal link, and the advocate in the database (not verified).
    email.fill("Noor.Bakker@Example.org")
    form.get_by_label("Je naam (optioneel)").fill("Noor Bakker")
    form.get_by_role("button", name="Maak mijn link").click()
    field = widget.get_by_label("Je persoonlijke link")
    expect(field).to_have_value(re.compile(re.escape(demo.backend) + r"/r/[\w-]+$"))
    expect(widget.locator("form[part=form]")).to_have_count(0)
    expect(error).to_have_count(0)
    rows = db_rows(demo.settings, "SELECT email, name, code, verified FROM advocates")
    assert len(rows) == 1
    assert rows[0]["email"].casefold() == "noor.bakker@example.org"
    assert rows[0]["verified"] == 0
    assert field.input_value() == f"{demo.backend}/r/{rows[0]['code']}"


def test_bad_address_error_is_in_the_widgets_language(demo: Demo, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{demo.shop}/")
    widget = page.locator("#vrienden [data-shareback]")
    widget.get_by_role("button", name="Vrienden uitnodigen").click()
    widget.get_by_label("Je e-mailadres").fill("anna@@example")
    widget.get_by_role("button", name="Maak mijn link").click()
    error = widget.locator("p[part=error]")
    expect(error).not_to_be_empty()
    assert "e-mailadres" in error.inner_text()
    expect(error).to_have_text("Dat is geen geldig e-mailadres.")


def test_bad_address_error_is_english_in_the_english_widget(
    demo: Demo, context: BrowserContext
) -> None:
    page = context.new_page()
    demo.host_pages["/en/join"] = host_page(demo.backend, html_lang="en")
    page.goto(f"{demo.host}/en/join")
    widget = page.locator("[data-shareback]")
    widget.get_by_role("button", name="Invite friends").click()
    widget.get_by_label("Your e-mail address").fill("anna@@example")
    widget.get_by_role("button", name="Get my link").click()
    expect(widget.locator("p[part=error]")).to_have_text("That is not a valid e-mail address.")


def test_floating_launcher_opens_a_modal_dialog_that_traps_focus_and_restores_it(
    demo: Demo, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(f"{demo.shop}{PRODUCT}")
    expect(page.locator("[data-shareback]")).to_have_count(0)
    launcher = page.locator("shareback-root button[part=launcher]")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-haspopup", "dialog")
    assert launcher.evaluate("b => getComputedStyle(b.closest('.r')).position") == "fixed"  # dock
    headline = launcher.inner_text().strip()
    assert headline.startswith("Geef ")

    launcher.click()
    dialog = page.locator("shareback-root dialog[part=dialog]")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.open && d.matches(':modal')")
    expect(page.get_by_role("dialog", name=headline)).to_be_visible()
    # Anonymous: focus lands in the e-mail field inside the dialog.
    assert shadow_focus(page, "shareback-root") == {
        "part": "input",
        "tag": "input",
        "inDialog": True,
    }

    # Tab and Shift+Tab go round inside the dialog, never out of it.
    forward = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused = shadow_focus(page, "shareback-root")
        assert focused is not None and focused["inDialog"], focused
        forward.append(focused["part"])
    assert forward == ["input", "submit", "close", "input", "input", "submit"]
    backward = []
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        focused = shadow_focus(page, "shareback-root")
        assert focused is not None and focused["inDialog"], focused
        backward.append(focused["part"])
    assert backward == ["input", "input", "close", "submit", "input"]

    # Escape closes it and gives the focus back to the launcher.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert not dialog.evaluate("d => d.open")
    assert shadow_focus(page, "shareback-root") == {
        "part": "launcher",
        "tag": "button",
        "inDialog": False,
    }

    # By keyboard alone: Enter opens it again, the close button closes it, focus comes back.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Sluiten").click()
    expect(dialog).to_be_hidden()
    assert shadow_focus(page, "shareback-root") == {
        "part": "launcher",
        "tag": "button",
        "inDialog": False,
    }


def test_widget_loads_with_one_api_call_and_never_asks_a_third_party(
    demo: Demo, context: BrowserContext
) -> None:
    page = context.new_page()
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(f"{demo.shop}/")
    widget = page.locator("#vrienden [data-shareback]")
    expect(widget.get_by_role("button", name="Vrienden uitnodigen")).to_be_visible()
    page.wait_for_load_state("networkidle")

    to_backend = [(r.method, r.url) for r in requests if r.url.startswith(demo.backend + "/")]
    assert to_backend == [
        ("GET", f"{demo.backend}/widget.js"),
        ("GET", f"{demo.backend}{WIDGET_API}?lang=nl"),
    ]
    api_call = next(r for r in requests if WIDGET_API in r.url)
    assert "cookie" not in api_call.all_headers()  # credentials: "omit"

    # Opening the panel, getting a link and showing the QR code still stays first-party.
    join_with_email(widget, "lotte@example.org")
    widget.get_by_role("button", name="Toon QR-code").click()
    expect(widget.locator("img[part=qr-image]")).to_have_js_property("complete", True)
    page.wait_for_load_state("networkidle")
    hosts = {urlsplit(r.url).netloc for r in requests if r.url.startswith("http")}
    assert hosts == {urlsplit(demo.shop).netloc, urlsplit(demo.backend).netloc}
    assert all(r.url.startswith(("http://", "data:")) for r in requests), [r.url for r in requests]
    assert not [c for c in context.cookies() if c["name"].startswith("shareback")]


def stub_clipboard_away(page: Page, *, exec_command_works: bool) -> None:
    script = "delete Navigator.prototype.clipboard;"
    if not exec_command_works:
        script += "Document.prototype.execCommand = function () { return false };"
    page.add_init_script(script)


def test_copy_falls_back_to_exec_command_without_the_clipboard_api(
    demo: Demo, context: BrowserContext
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.shop)
    page = context.new_page()
    stub_clipboard_away(page, exec_command_works=True)
    page.goto(f"{demo.shop}/")
    assert page.evaluate("navigator.clipboard") is None
    widget = page.locator("#vrienden [data-shareback]")
    link = join_with_email(widget, "sem@example.org")

    widget.get_by_role("button", name="Kopieer link").click()
    expect(widget.locator("p[part=status]")).to_have_text("Link gekopieerd")
    expect(widget.locator("button[part=copy]")).to_have_text("Gekopieerd")
    # The hidden textarea is gone again.
    expect(widget.locator("textarea")).to_have_count(0)

    # Read what landed on the system clipboard from a page that still has the Clipboard API.
    reader = context.new_page()
    reader.goto(f"{demo.shop}/cart")
    assert reader.evaluate("navigator.clipboard.readText()") == f"{link}?ch=copy"


def test_copy_selects_the_link_with_a_hint_when_nothing_can_copy(
    demo: Demo, context: BrowserContext
) -> None:
    page = context.new_page()
    stub_clipboard_away(page, exec_command_works=False)
    page.goto(f"{demo.shop}/")
    widget = page.locator("#vrienden [data-shareback]")
    link = join_with_email(widget, "daan@example.org")

    widget.get_by_role("button", name="Kopieer link").click()
    status = widget.locator("p[part=status]")
    expect(status).to_have_text("Druk op Ctrl+C om de link te kopiëren.")
    field = widget.locator("input[part=link]")
    expect(field).to_be_focused()
    expect(field).to_have_value(f"{link}?ch=copy")
    selected = field.evaluate("f => f.value.slice(f.selectionStart, f.selectionEnd)")
    assert selected == f"{link}?ch=copy"
    expect(widget.locator("button[part=copy]")).to_have_text("Kopieer link")


# Records navigator.share calls, and whether each came inside the click's own dispatch:
# window's capture listener runs before the widget's handler, its bubble listener after.
SHARE_STUB = """
window.__shares = []
let inClick = false
addEventListener('click', () => { inClick = true }, true)
addEventListener('click', () => { inClick = false })
Navigator.prototype.share = function (data) {
  window.__shares.push({ data, inClick, activation: navigator.userActivation.isActive })
  return Promise.resolve()
}
"""


def test_native_share_is_offered_only_with_web_share_and_called_in_the_click(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    without = new_context().new_page()
    without.add_init_script("delete Navigator.prototype.share; delete Navigator.prototype.canShare")
    without.goto(f"{demo.shop}/")
    widget = without.locator("#vrienden [data-shareback]")
    join_with_email(widget, "fenna@example.org")
    expect(widget.locator("button[part=copy]")).to_be_visible()
    expect(widget.locator("button[part=native]")).to_have_count(0)

    page = new_context().new_page()
    page.add_init_script(SHARE_STUB)
    page.goto(f"{demo.shop}/")
    widget = page.locator("#vrienden [data-shareback]")
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        link = join_with_email(widget, "fenna@example.org")
    advocate: dict[str, Any] = answer.value.json()
    native = widget.get_by_role("button", name="Delen…")
    expect(native).to_have_attribute("part", "native")
    native.click()
    shares = page.evaluate("window.__shares")
    assert shares == [
        {
            "data": {
                "title": advocate["headline"],
                "text": advocate["share"]["text"],
                "url": f"{link}?ch=native",
            },
            "inClick": True,
            "activation": True,
        }
    ]


@pytest.mark.parametrize(
    ("html_lang", "data_lang", "expected"),
    [
        ("en", "", "en"),
        ("nl", 'data-lang="en"', "en"),
        ("en-GB", 'data-lang="nl"', "nl"),
        ("nl-BE", "", "nl"),
        ("de-DE", "", "de"),
        ("en", 'data-lang="fr"', "fr"),
    ],
)
def test_widget_speaks_the_pages_language(
    demo: Demo, context: BrowserContext, html_lang: str, data_lang: str, expected: str
) -> None:
    page = context.new_page()
    url = f"{demo.host}/{html_lang}"
    demo.host_pages[f"/{html_lang}"] = host_page(
        demo.backend, html_lang=html_lang, script_attrs=data_lang
    )
    with page.expect_request(re.compile(re.escape(demo.backend + WIDGET_API))) as call:
        page.goto(url)
    assert call.value.url == f"{demo.backend}{WIDGET_API}?lang={expected}"
    widget = page.locator("[data-shareback]")
    words = {
        "en": ("Invite friends", "Your e-mail address", "Get my link", "Give "),
        "nl": ("Vrienden uitnodigen", "Je e-mailadres", "Maak mijn link", "Geef "),
        # German and French come with the config answer (texts), not in the bundle.
        "de": ("Freunde einladen", "Deine E-Mail-Adresse", "Meinen Link erhalten", "Schenke "),
        "fr": ("Inviter des amis", "Votre adresse e-mail", "Obtenir mon lien", "Offrez "),
    }[expected]
    invite, email_label, submit, headline = words
    expect(widget.locator("h2[part=title]")).to_have_text(re.compile("^" + headline))
    widget.get_by_role("button", name=invite).click()
    expect(widget.get_by_label(email_label)).to_be_visible()
    expect(widget.get_by_role("button", name=submit)).to_be_visible()
    if expected in ("de", "fr"):
        # The panel's labels and a share button's accessible name, in the same language.
        widget.get_by_label(email_label).fill(f"lena.{expected}@example.org")
        with page.expect_response(
            re.compile(re.escape(demo.backend) + "/api/v1/advocates")
        ) as answer:
            widget.get_by_role("button", name=submit).click()
        sent = answer.value.request.post_data_json
        assert sent is not None and sent["lang"] == expected
        link = {"de": "Dein Empfehlungslink", "fr": "Votre lien de parrainage"}[expected]
        expect(widget.get_by_label(link)).to_have_value(re.compile(r"/r/[\w-]+$"))
        share = {"de": "Auf WhatsApp teilen", "fr": "Partager sur WhatsApp"}[expected]
        expect(widget.get_by_role("link", name=share)).to_be_visible()


def test_an_owners_french_label_shows_as_plain_text(demo: Demo, context: BrowserContext) -> None:
    db_execute(
        demo.settings,
        "INSERT INTO campaign_labels (campaign_id, lang, key, text, updated_at) VALUES "
        "((SELECT id FROM campaigns WHERE slug = 'default'), 'fr', 'invite', '<b>On y va</b>', "
        "'2026-12-01T12:00:00.000000Z')",
    )
    try:
        page = context.new_page()
        demo.host_pages["/fr-own"] = host_page(demo.backend, html_lang="fr-FR")
        page.goto(f"{demo.host}/fr-own")
        widget = page.locator("[data-shareback]")
        button = widget.get_by_role("button", name="<b>On y va</b>")
        expect(button).to_have_text("<b>On y va</b>")  # the owner's markup is text, never HTML
        assert widget.locator("b").count() == 0
        button.click()
        expect(widget.get_by_label("Votre adresse e-mail")).to_be_visible()  # the rest: ours
    finally:
        db_execute(demo.settings, "DELETE FROM campaign_labels")


def test_english_panel_in_the_floating_dialog(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(locale="en-GB", device_scale_factor=2).new_page()
    url = f"{demo.host}/en/help"
    demo.host_pages["/en/help"] = host_page(
        demo.backend, html_lang="en", body="<p>No mount here.</p>"
    )
    page.goto(url)
    launcher = page.locator("button[part=launcher]")
    expect(launcher).to_have_text(re.compile("^Give "))
    launcher.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Your e-mail address").fill("emma@example.com")
    dialog.get_by_label("Your name (optional)").fill("Emma")
    dialog.get_by_role("button", name="Get my link").click()
    # Typed in, without the shop's signed identity: a code that spells nobody.
    expect(dialog.get_by_label("Your referral link")).to_have_value(re.compile(r"/r/FRIEND-"))
    for name in (
        "Copy link",
        "Show QR code",
        "Close",
    ):
        expect(dialog.get_by_role("button", name=name)).to_be_visible()
    for name in (
        "Share on WhatsApp",
        "Share on Facebook",
        "Share on X",
        "Share on LinkedIn",
        "Share on Telegram",
        "Share by e-mail",
        "Share by SMS",
    ):
        expect(dialog.get_by_role("link", name=name, exact=True)).to_be_visible()
    mail = dialog.get_by_role("link", name="Share by e-mail").get_attribute("href") or ""
    assert "I%20love%20Brandpunt%20Koffie" in mail
    # With a margin of the backdrop around it, so that it reads as a modal dialog.
    screenshot_with_margin(page, page.locator("dialog[part=dialog]"), "widget-en.png")


# Collects layout shifts (not caused by input), and holds the widget's API answer back so that
# the card is filled well after the page has settled.
LAYOUT_SHIFTS = """
window.__shifts = []
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts.push(entry)
}).observe({ type: 'layout-shift', buffered: true })
const realFetch = window.fetch
window.fetch = (...args) => realFetch(...args).then(
  (r) => new Promise((resolve) => setTimeout(() => resolve(r), 1000)))
"""

# The shifts that moved something in `region` or after it (what the widget there could push),
# and all of them, described, for the failure message. The shop's header is not the widget's.
SHIFTS_FROM = """(region) => {
  const start = document.querySelector(region)
  const near = (node) => node && (start.contains(node) ||
    (start.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING))
  const describe = (e) => ({
    value: e.value,
    at: Math.round(e.startTime),
    moved: e.sources.map((s) => s.node ? (s.node.outerHTML || s.node.nodeName).slice(0, 60) : '?'),
  })
  return {
    near: window.__shifts.filter((e) => e.sources.some((s) => near(s.node))).map(describe),
    all: window.__shifts.map(describe),
  }
}"""


def layout_shift(page: Page, region: str) -> float:
    """The cumulative layout shift of `region` and what follows it, settled."""
    page.wait_for_timeout(300)
    shifts = page.evaluate(SHIFTS_FROM, region)
    score = sum(shift["value"] for shift in shifts["near"])
    print("layout shifts:", shifts)
    return float(score)


def load_home_with_the_mount_in_view(page: Page, demo: Demo) -> Locator:
    """The home page with the widget's API answer held back and the mount scrolled into view
    before it arrives; returns the mount once the card is filled."""
    page.add_init_script(LAYOUT_SHIFTS)
    # Held for real, not raced: on a loaded machine the answer could otherwise arrive before the
    # scroll, and the card would be filled before it is in view.
    held: list[Route] = []
    released: list[bool] = []

    def hold(route: Route) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/v1/campaigns/*/widget?*", hold)
    page.goto(f"{demo.shop}/", wait_until="domcontentloaded")
    mount = page.locator("#vrienden [data-shareback]")
    mount.evaluate("m => m.scrollIntoView({ block: 'center', behavior: 'instant' })")
    expect(mount.locator("section[part=card]")).to_be_attached()
    expect(mount.locator("button[part=open]")).to_have_count(0)  # the API has not answered yet
    page.wait_for_timeout(300)  # the page settled in view before the answer comes
    released.append(True)
    for route in held:
        route.continue_()
    return mount


def test_inline_widget_causes_no_layout_shift(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    mount = load_home_with_the_mount_in_view(page, demo)
    expect(mount.get_by_role("button", name="Vrienden uitnodigen")).to_be_visible()
    assert layout_shift(page, "#vrienden") < 0.001


def test_inline_card_keeps_the_height_it_reserved_on_a_phone(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    mount = load_home_with_the_mount_in_view(page, demo)
    reserved = mount.evaluate("m => m.getBoundingClientRect().height")
    expect(mount.get_by_role("button", name="Vrienden uitnodigen")).to_be_visible()
    assert mount.evaluate("m => m.getBoundingClientRect().height") == reserved
    assert layout_shift(page, "#vrienden") < 0.001


# Rewards whose Dutch words are about as long as they get: "Geef een kortingscode, krijg €1250,50
# tegoed" and "Je vrienden krijgen een kortingscode, jij krijgt €1250,50 tegoed."
LONG_DUTCH_REWARDS = (
    "UPDATE campaigns SET friend_reward_type = 'coupon', referrer_reward_type = 'credit',"
    " referrer_reward_value = '1250.50'"
)


@pytest.mark.parametrize("rewards", ["default", "long"])
@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_inline_card_keeps_its_height_at_every_width(
    demo: Demo, new_context: Callable[..., BrowserContext], width: int, rewards: str
) -> None:
    if rewards == "long":
        db_execute(demo.settings, LONG_DUTCH_REWARDS)
    page = new_context(viewport={"width": width, "height": 844}).new_page()
    mount = load_home_with_the_mount_in_view(page, demo)
    reserved = mount.evaluate("m => m.getBoundingClientRect().height")
    expect(mount.get_by_role("button", name="Vrienden uitnodigen")).to_be_visible()
    if rewards == "long":
        expect(mount.locator("h2[part=title]")).to_have_text(re.compile("^Geef een kortingscode"))
    assert mount.evaluate("m => m.getBoundingClientRect().height") == reserved
    assert layout_shift(page, "#vrienden") < 0.001
    # The lines the card reserves hold the whole headline and offer: nothing is cut off.
    cut = mount.evaluate(
        "m => [...m.shadowRoot.querySelectorAll('h2, [part=offer]')]"
        ".map((e) => e.scrollHeight - e.clientHeight)"
    )
    assert cut == [0, 0]


def overlap(a: FloatRect | None, b: FloatRect | None) -> bool:
    assert a is not None and b is not None
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize(
    "viewport", [(320, 640), (390, 780), (1280, 800)], ids=["320", "390", "1280"]
)
def test_friend_banner_keeps_clear_of_the_shops_header_and_the_launcher(
    demo: Demo, new_context: Callable[..., BrowserContext], viewport: tuple[int, int]
) -> None:
    width, height = viewport
    advocate = (
        new_context()
        .request.post(
            f"{demo.backend}/api/v1/advocates",
            data={"campaign": "default", "email": "joris@example.org", "name": "Joris"},
            headers={"origin": demo.shop},
        )
        .json()
    )
    page = new_context(
        viewport={"width": width, "height": height}, reduced_motion="reduce"
    ).new_page()
    page.goto(f"{advocate['link']}?ch=whatsapp")
    banner = page.locator("div[part=banner]")
    expect(banner).to_contain_text("Joris geeft je")
    expect(banner).to_have_attribute("role", "status")
    assert banner.evaluate("b => getComputedStyle(b).animationName") == "none"
    # At the bottom edge, inside the screen: the shop's logo and navigation stay usable.
    box = banner.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert height - 40 < box["y"] + box["height"] <= height - 16
    for part in (".topbar", ".site-header"):
        assert not overlap(box, page.locator(part).bounding_box()), part
    for link in page.locator(".site-header a").all():
        link.click(trial=True, timeout=2000)  # nothing covers it

    # A page without a mount: the banner sits beside the launcher or above it, never on it.
    ref = page.evaluate("Shareback.ref()")
    product = new_context(viewport={"width": width, "height": height}).new_page()
    product.goto(f"{demo.shop}{PRODUCT}?ref={ref}")
    banner = product.locator("div[part=banner]")
    launcher = product.locator("button[part=launcher]")
    expect(banner).to_contain_text("Joris geeft je")
    expect(launcher).to_be_visible()
    assert not overlap(banner.bounding_box(), launcher.bounding_box())
    launcher.click(trial=True, timeout=2000)
    for link in product.locator(".site-header a").all():
        link.click(trial=True, timeout=2000)
    banner.get_by_role("button", name="Sluiten").click()
    expect(banner).to_have_count(0)
    expect(launcher).to_be_visible()


def test_friend_banner_starts_at_the_right_in_a_right_to_left_page(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    advocate = (
        new_context()
        .request.post(
            f"{demo.backend}/api/v1/advocates",
            data={"campaign": "default", "email": "joris@example.org", "name": "Joris"},
            headers={"origin": demo.shop},
        )
        .json()
    )
    landing = new_context().new_page()
    landing.goto(advocate["link"])
    expect(landing.locator("div[part=banner]")).to_be_visible()  # the ref is stored by then
    ref = landing.evaluate("Shareback.ref()")
    assert ref
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    demo.host_pages["/rtl"] = host_page(demo.backend, body="<p>No mount here.</p>").replace(
        '<html lang="nl">', '<html lang="nl" dir="rtl">'
    )
    page.goto(f"{demo.host}/rtl?ref={ref}")
    banner = page.locator("div[part=banner]")
    launcher = page.locator("button[part=launcher]")
    expect(banner).to_contain_text("Joris geeft je")
    banner_box, launcher_box = banner.bounding_box(), launcher.bounding_box()
    assert banner_box is not None and launcher_box is not None
    assert banner_box["x"] + banner_box["width"] == pytest.approx(1280 - 16, abs=1)
    assert launcher_box["x"] == pytest.approx(16, abs=1)


def test_floating_launcher_and_friend_banner_cause_no_layout_shift(
    demo: Demo, context: BrowserContext
) -> None:
    page = context.new_page()
    page.add_init_script(LAYOUT_SHIFTS)
    advocate = page.request.post(
        f"{demo.backend}/api/v1/advocates",
        data={"campaign": "default", "email": "joris@example.org", "name": "Joris"},
        headers={"origin": demo.shop},
    ).json()
    page.goto(f"{advocate['link']}?ch=link")
    banner = page.locator("div[part=banner]")
    expect(banner).to_contain_text("Joris geeft je")
    assert banner.evaluate("b => getComputedStyle(b.parentNode).position") == "fixed"  # the dock
    assert layout_shift(page, "main") < 0.001
    banner.get_by_role("button", name="Sluiten").click()
    expect(banner).to_have_count(0)

    page.goto(f"{demo.shop}{PRODUCT}")
    expect(page.locator("button[part=launcher]")).to_be_visible()
    assert layout_shift(page, "main") < 0.001


HOSTILE_CSS = """<style>
* { all: unset; }
head, script, style, title { display: none !important; }
html { font: 40px/3 fantasy; color: red; letter-spacing: 6px; text-transform: uppercase;
       word-spacing: 20px; text-align: right; cursor: wait; }
button, a, input, img, dialog, ul, li, form, label, p, h2, section, svg {
  display: none !important; }
div { padding: 40px !important; border: 4px dashed red !important; }
</style>"""


def test_host_page_css_cannot_break_the_widget(demo: Demo, context: BrowserContext) -> None:
    page = context.new_page()
    url = f"{demo.host}/hostile"
    demo.host_pages["/hostile"] = host_page(demo.backend, head=HOSTILE_CSS)
    page.goto(url)
    widget = page.locator("[data-shareback]")
    invite = widget.get_by_role("button", name="Vrienden uitnodigen")
    expect(invite).to_be_visible()
    style = invite.evaluate(
        "b => { const s = getComputedStyle(b); return [s.textTransform, s.letterSpacing, s.fontSize] }"
    )
    assert style[:2] == ["none", "normal"], style
    assert float(style[2].removesuffix("px")) < 20, style
    box = invite.bounding_box()
    assert box is not None and box["height"] >= 44

    link = join_with_email(widget, "hostile@example.org")
    assert link.startswith(f"{demo.backend}/r/")
    for target in widget.locator("a[part~=target]").all():
        expect(target).to_be_visible()
        target_box = target.bounding_box()
        assert target_box is not None and target_box["height"] >= 24 and target_box["width"] >= 24
    expect(widget.get_by_role("button", name="Kopieer link")).to_be_visible()
    expect(widget.get_by_role("button", name="Toon QR-code")).to_be_visible()
