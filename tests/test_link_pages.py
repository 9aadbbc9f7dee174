"""The friend's first impression: a mistyped link or an ended campaign lands on a branded page in
Dutch and English that sends the visitor on to the shop; a link-preview bot gets the friend's
offer in Open Graph tags ("Anna geeft je 10% korting bij …") and is never counted as a click."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from shareback.app import create_app
from shareback.settings import Settings, SettingsError
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import BROWSER_UA, count, db_rows, join_campaign

WHATSAPP = "WhatsApp/2.23.20.0 A"
PREVIEW_BOTS = [
    WHATSAPP,
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "TelegramBot (like TwitterBot)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
]


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.tags[key] = str(found["content"])


def meta_tags(html: str) -> dict[str, str]:
    parser = Meta()
    parser.feed(html)
    return parser.tags


def test_a_mistyped_link_sends_the_visitor_on_to_the_shop(
    client: TestClient, settings: Settings
) -> None:
    page = client.get("/r/ANNA-NOPE", follow_redirects=False)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert re.search(r'<html lang="nl">.*<h1>Deze uitnodigingslink bestaat niet</h1>', page.text)
    assert "This invitation link does not exist" in page.text  # English below
    onward = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page.text)
    assert [href for href, _ in onward] == [settings.landing_url] * 2
    assert onward[0][1].startswith("Naar ") and onward[1][1].startswith("Go to ")
    english = client.get("/r/ANNA-NOPE", headers={"accept-language": "en-GB,en"})
    assert "<h1>This invitation link does not exist</h1>" in english.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_an_ended_campaigns_link_says_so_and_links_its_shop(
    client: TestClient, settings: Settings
) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])

    async def archive() -> None:
        store = await open_store(settings.database_url)
        try:
            await store.archive_campaign("default", datetime.now(UTC))
        finally:
            await store.close()

    asyncio.run(archive())
    with TestClient(create_app(settings)) as fresh:  # no kept look-up of the live campaign
        page = fresh.get(f"/r/{code}", follow_redirects=False)
    assert page.status_code == 410
    assert "<h1>Deze actie is afgelopen</h1>" in page.text
    assert f'<a href="{settings.landing_url}">' in page.text


@pytest.mark.parametrize("agent", PREVIEW_BOTS)
def test_link_preview_bots_get_the_friends_offer_and_count_as_no_click(
    client: TestClient, settings: Settings, agent: str
) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna de Vries")["code"])
    preview = client.get(f"/r/{code}?ch=whatsapp", headers={"user-agent": agent})
    assert preview.status_code == 200 and "location" not in preview.headers
    tags = meta_tags(preview.text)
    assert tags["og:title"] == f"Anna geeft je 10% korting bij {settings.shop_name}"
    assert (
        tags["og:description"] == "Open de uitnodiging: je voordeel staat klaar bij het afrekenen."
    )
    assert tags["og:url"] == f"{settings.public_url}/r/{code}"
    assert tags["twitter:card"] == "summary" and "og:image" not in tags  # no image set
    assert "de Vries" not in preview.text  # the first name only, as the widget shows it
    assert count(settings, "clicks") == 1
    assert [tuple(r) for r in db_rows(settings, "SELECT device FROM clicks")] == [("bot",)]
    person = client.get(f"/r/{code}", headers={"user-agent": BROWSER_UA}, follow_redirects=False)
    assert person.status_code == 303  # people are sent on as before


def test_the_shops_image_is_the_previews_picture(settings: Settings) -> None:
    image = "https://shop.example.com/share/koffie.jpg"
    with TestClient(create_app(dataclasses.replace(settings, share_image_url=image))) as client:
        code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
        english = client.get(
            f"/r/{code}", headers={"user-agent": WHATSAPP, "accept-language": "en-US"}
        )
    tags = meta_tags(english.text)
    assert (tags["og:image"], tags["twitter:image"]) == (image, image)
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:title"] == f"Anna gives you 10% off at {settings.shop_name}"
    with pytest.raises(SettingsError, match="SHAREBACK_SHARE_IMAGE_URL"):
        Settings.from_env({"SHAREBACK_SHARE_IMAGE_URL": "javascript:alert(1)"})
