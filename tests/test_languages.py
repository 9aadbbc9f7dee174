"""German and French beside Dutch and English: the widget's labels come with its API answers in
the shopper's language (the bundle keeps English), an owner rewords them per campaign and
language (checked, shown as text), and e-mails speak the recipient's language, else the shop's."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mail_support import SmtpServer, send_rounds
from shareback import widget_texts
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, join_campaign, order_paid, signed_headers
from test_admin_auth import admin, form_token

WIDGET = "/api/v1/campaigns/default/widget"
ORIGIN = {"origin": "http://shop.test"}
BUNDLE_EN = Path(__file__).resolve().parents[1] / "widget" / "src" / "i18n.js"
SECRET_KEY = "languages-test-secret-key-0123456789abcdef"

__all__ = ["admin"]  # the dashboard fixture, used by name


def config(client: TestClient, query: str = "", **headers: str) -> dict[str, object]:
    response = client.get(WIDGET + query, headers={**ORIGIN, **headers})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize(
    ("query", "accept", "lang", "invite", "on"),
    [
        ("?lang=de", "", "de", "Freunde einladen", "Auf {n} teilen"),
        ("?lang=fr-BE", "", "fr", "Inviter des amis", "Partager sur {n}"),
        ("?lang=nl", "de", "nl", "Vrienden uitnodigen", "Deel via {n}"),
        ("?lang=", "fr-CH, de;q=0.8", "fr", "Inviter des amis", "Partager sur {n}"),
        ("?lang=es", "es, de;q=0.5", "de", "Freunde einladen", "Auf {n} teilen"),
        ("", "ja", "en", None, None),
    ],
)
def test_the_config_answer_carries_the_labels_in_the_shoppers_language(
    client: TestClient, query: str, accept: str, lang: str, invite: str | None, on: str | None
) -> None:
    response = client.get(WIDGET + query, headers={**ORIGIN, "accept-language": accept})
    assert response.headers["vary"] == "Origin, Accept-Language"  # a cache keeps each language
    body = response.json()
    assert body["lang"] == lang
    texts = body["texts"]
    assert isinstance(texts, dict)
    if invite is None:
        assert texts == {}  # English: the bundle has it all
        return
    assert texts["invite"] == invite and texts["on"] == on
    assert set(texts) == set(widget_texts.LABELS)
    headline = str(body["headline"])
    assert headline.startswith({"de": "Schenke", "fr": "Offrez", "nl": "Geef"}[lang])


def test_the_bundles_english_is_the_catalogues_source() -> None:
    source = BUNDLE_EN.read_text()
    bundle = dict(re.findall(r"^  (\w+): '([^']*)',$", source, re.M))
    found = re.findall(r"^  (\w+): \['([^']*)', '([^']*)'\],$", source, re.M)
    pairs = {key: (visible, named) for key, visible, named in found}
    assert {**bundle, **pairs} == widget_texts.LABELS
    assert "Vrienden" not in source and "Kopieer" not in source  # no other language in the bundle


def test_the_advocates_answer_and_its_errors_speak_german(client: TestClient) -> None:
    refused = client.post(
        "/api/v1/advocates",
        json={"campaign": "default", "email": "anna@@example", "lang": "de"},
        headers=ORIGIN,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == "Das ist keine gültige E-Mail-Adresse."
    assert refused.json()["error"]["code"] == "invalid_email"
    joined = join_campaign(client, "anna@example.de", "Anna", lang="de-DE")
    texts = joined["texts"]
    assert isinstance(texts, dict) and texts["copy"] == "Link kopieren"
    assert "Mit meinem Link" in str(joined["share"])


def test_an_owner_rewords_a_label_per_language_checked_and_shown_as_text(
    admin: TestClient,
) -> None:
    page = admin.get("/admin/campaigns/default/labels?lang=de")
    assert page.status_code == 200
    assert 'placeholder="Freunde einladen"' in page.text
    token = form_token(admin, "/admin/campaigns/default/labels?lang=de")
    bad = admin.post(
        "/admin/campaigns/default/labels?lang=de",
        data={"csrf": token, "invite": "x" * 33, "on": "Teilen", "myCode": "Kopier {it}"},
    )
    assert bad.status_code == 400
    assert "Höchstens" not in bad.text  # the dashboard's own language words the problems
    assert "Keep it to 32 characters." in bad.text  # a button stays one line on a phone
    assert "Keep {n} in it, and no other braces." in bad.text
    assert "Leave out { and }" in bad.text
    saved = admin.post(
        "/admin/campaigns/default/labels?lang=de",
        data={"csrf": token, "invite": "<b>Lade ein</b>", "on": "Bei {n} teilen"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = admin.get("/admin/campaigns/default/labels?lang=de")
    assert 'value="&lt;b&gt;Lade ein&lt;/b&gt;"' in shown.text  # escaped, never markup
    texts = config(admin, "?lang=de")["texts"]
    assert isinstance(texts, dict)
    assert texts["invite"] == "<b>Lade ein</b>" and texts["on"] == "Bei {n} teilen"
    assert texts["copy"] == "Link kopieren"  # the rest: the catalogue's
    french = config(admin, "?lang=fr")["texts"]
    assert isinstance(french, dict) and french["invite"] == "Inviter des amis"
    assert admin.get("/admin/campaigns/default/labels?lang=es").status_code == 404


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("shop_lang", ["fr", "en"])
def test_emails_speak_the_recipients_language_else_the_shops(
    settings: Settings, smtp: SmtpServer, webhook_secret: str, shop_lang: str
) -> None:
    configured = dataclasses.replace(
        settings,
        secret_key=SECRET_KEY,
        smtp_url=smtp.url,
        email_from="Brandpunt Koffie <hello@brandpunt.example>",
        mail_interval_seconds=3600,
        locale=shop_lang,
    )
    with TestClient(create_app(configured), headers={"user-agent": BROWSER_UA}) as client:
        join_campaign(client, "jonas@example.de", "Jonas", lang="de")  # the widget spoke German
        for order_id, email in (("2001", "jonas@example.de"), ("2002", "claire@example.fr")):
            body = order_paid(order_id, email, "50.00", None, name=email.split("@")[0])
            headers = signed_headers(webhook_secret, body, f"m-{order_id}")
            assert client.post("/webhooks/orders", content=body, headers=headers).status_code == 200
        send_rounds(configured, SECRET_KEY, [datetime.now(UTC)])
    [jonas] = smtp.inbox.to("jonas@example.de")
    assert jonas.message["Content-Language"] == "de"
    assert "vielen Dank für deine Bestellung" in jonas.text and "Abmelden" in jonas.text
    assert "<strong>" in jonas.html and "Link teilen" in jonas.html
    [claire] = smtp.inbox.to("claire@example.fr")  # no language known: the shop's
    assert claire.message["Content-Language"] == shop_lang
    if shop_lang == "fr":
        assert "Merci pour votre commande" in claire.text and "Se désabonner" in claire.text
    else:
        assert "Thank you for your order" in claire.text


@pytest.mark.parametrize("lang", ["nl", "en", "de", "fr"])
def test_our_own_labels_obey_the_rules_an_owners_do(lang: str) -> None:
    for key in widget_texts.EDITABLE:
        text = widget_texts.label(lang, key)
        assert isinstance(text, str)
        assert widget_texts.own_label(key, text) == (text, None), (lang, key, text)


def test_the_owner_edits_and_previews_each_email_in_german_and_french(admin: TestClient) -> None:
    overview = admin.get("/admin/campaigns/default/mail")
    assert ">German</th>" in overview.text and ">French</th>" in overview.text
    editor = admin.get("/admin/campaigns/default/mail/template?journey=invite&lang=de")
    assert editor.status_code == 200 and "vielen Dank für deine Bestellung" in editor.text
    preview = admin.get("/admin/campaigns/default/mail/preview?journey=reward_approved&lang=fr")
    assert preview.status_code == 200
    assert '<html lang="fr">' in preview.text and "Se désabonner" in preview.text
    assert "10\u00a0€ d&#39;avoir" in preview.text or "10\u00a0€ d'avoir" in preview.text
