"""The friend's first impression in a real Chromium: the preview card a chat app draws from the
Open Graph tags of a referral link, and the branded page of a mistyped link, which passes axe and
takes the visitor on to the shop."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from .browser_support import ANNA, DOCS, WRITE_DOCS, Demo
from .test_admin_chromium import axe_violations

pytestmark = pytest.mark.browser
WHATSAPP = "WhatsApp/2.23.20.0 A"


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.tags[key] = str(found["content"])


def chat_bubble(tags: dict[str, str], link: str) -> str:
    """A chat message with its link preview drawn the way WhatsApp draws one: the site, the
    og:title in bold, the og:description, then the link. Only what the tags say is shown."""
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8"><style>
      body {{ margin: 0; padding: 24px; background: #efeae2; font: 15px/1.35 system-ui; }}
      .bubble {{ max-width: 340px; margin-left: auto; background: #d9fdd3; border-radius: 8px;
                 padding: 4px; box-shadow: 0 1px 0.5px rgba(0,0,0,.13); }}
      .card {{ background: #cfe9c7; border-radius: 6px; padding: 8px 10px; }}
      .site {{ color: #667781; font-size: 12px; }}
      .title {{ font-weight: 600; margin: 2px 0; color: #111b21; }}
      .desc {{ color: #3b4a54; font-size: 13px; }}
      .text {{ padding: 6px 6px 2px; color: #027eb5; word-break: break-all; }}
    </style></head><body><div class="bubble"><div class="card">
      <div class="site">{escape(tags["og:site_name"])}</div>
      <div class="title">{escape(tags["og:title"])}</div>
      <div class="desc">{escape(tags["og:description"])}</div>
    </div><div class="text">{escape(link)}</div></div></body></html>"""


def test_a_shared_link_previews_as_the_friends_offer(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    joined = httpx.post(
        f"{demo.backend}/api/v1/advocates",
        json={"campaign": "default", "email": ANNA["email"], "name": ANNA["name"]},
        headers={"origin": demo.shop},
    ).json()
    link = joined["link"]
    fetched = httpx.get(link, headers={"user-agent": WHATSAPP})
    assert fetched.status_code == 200
    parser = Meta()
    parser.feed(fetched.text)
    tags = parser.tags
    assert tags["og:title"] == "Anna geeft je 10% korting bij Brandpunt Koffie"
    page = new_context(viewport={"width": 420, "height": 260}, device_scale_factor=2).new_page()
    page.set_content(chat_bubble(tags, link))
    expect(page.locator(".title")).to_have_text("Anna geeft je 10% korting bij Brandpunt Koffie")
    expect(page.locator(".site")).to_have_text("Brandpunt Koffie")
    page.screenshot(path=DOCS / "link-preview.png" if WRITE_DOCS else tmp_path / "preview.png")


def test_a_mistyped_link_lands_on_a_page_that_takes_the_friend_to_the_shop(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    for width in (1280, 390):
        page = new_context(viewport={"width": width, "height": 800}, locale="nl-NL").new_page()
        response = page.goto(f"{demo.backend}/r/ANNA-OOPS")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Deze uitnodigingslink bestaat niet"
        )
        assert axe_violations(page) == []
        name = f"broken-link-{width}.png"
        page.screenshot(path=DOCS / name if WRITE_DOCS else tmp_path / name, full_page=True)
    page.get_by_role("link", name="Naar Brandpunt Koffie").click()
    page.wait_for_url(f"{demo.shop}/")


@pytest.mark.parametrize(
    ("locale", "heading", "second", "onward"),
    [
        (
            "de-DE",
            "Diesen Einladungslink gibt es nicht",
            "This invitation link does not exist",
            "Weiter zu Brandpunt Koffie",
        ),
        (
            "fr-FR",
            "Ce lien d'invitation n'existe pas",
            "This invitation link does not exist",
            "Aller sur Brandpunt Koffie",
        ),
    ],
)
def test_a_german_or_french_friend_reads_the_dead_end_in_their_language_then_english(
    demo: Demo,
    new_context: Callable[..., BrowserContext],
    locale: str,
    heading: str,
    second: str,
    onward: str,
) -> None:
    page = new_context(locale=locale).new_page()
    response = page.goto(f"{demo.backend}/r/ANNA-OOPS")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("heading", level=2)).to_have_text(second)
    assert page.locator("html").get_attribute("lang") == locale[:2]
    assert axe_violations(page) == []
    page.get_by_role("link", name=onward).click()
    page.wait_for_url(f"{demo.shop}/")
