"""The advocate's own page: a magic link e-mailed on request (through a real SMTP server), the
same answer for known and unknown addresses, rate limited; the link signed, expiring and good
for this page only; the page and its JSON (by the shop's identity or the link's session) with
the link, codes, clicks by channel, masked friends, rewards, credit; nobody else's e-mail."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import test_mail_journeys
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from mail_support import SmtpServer, send_rounds, text_links
from shareback import identity, payouts
from shareback.i18n import use_locale
from shareback.portal import access
from shareback.portal.account import progress_words
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import IDENTITY_SECRET, SHOP, db_rows, follow_link, join_campaign
from test_mail_journeys import AUTH, SECRET_KEY, approve_rewards, paid

smtp = test_mail_journeys.smtp
mail_settings = test_mail_journeys.mail_settings
mail_client = test_mail_journeys.mail_client

ANNA, BOB, CARLA = "anna@example.nl", "bob.friend@gmail.com", "carla@example.org"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, secret_key=SECRET_KEY)


def ask_for_link(client: TestClient, email: str, lang: str = "nl") -> str:
    response = client.post(
        "/advocate/link", data={"email": email, "campaign": "default", "lang": lang}, headers=FORM
    )
    assert response.status_code == 200, response.text
    return response.text


def sign_in(client: TestClient, link: str) -> None:
    opened = client.get(link.removeprefix("http://refer.test"), follow_redirects=False)
    assert opened.status_code == 303, opened.text
    assert opened.headers["location"] == "/advocate?lang=nl"
    cookie = opened.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie


@pytest.fixture
def anna_with_a_friend(mail_client: TestClient, mail_settings: Settings) -> Iterator[str]:
    """Anna shared on WhatsApp; Bob followed it and ordered; Anna's reward is pending."""
    anna = join_campaign(mail_client, ANNA, "Anna de Vries", lang="nl")
    ref = follow_link(mail_client, str(anna["code"]), "whatsapp")
    paid(mail_client, mail_settings.webhook_secrets[0], "1001", BOB, ref)
    follow_link(mail_client, str(anna["code"]), "qr")
    yield str(anna["code"])


def test_the_emailed_link_opens_the_advocates_own_page(
    mail_client: TestClient, mail_settings: Settings, smtp: SmtpServer, anna_with_a_friend: str
) -> None:
    # Asked from an English page: the e-mail still speaks Anna's own language.
    answer = ask_for_link(mail_client, ANNA, lang="en")
    assert "Check your inbox" in answer
    send_rounds(mail_settings, SECRET_KEY, [datetime.now(UTC)])
    [mail] = [m for m in smtp.inbox.to(ANNA) if "/advocate/open" in m.text]
    assert mail.message["Subject"] == "Je beloningen bij Brandpunt Koffie"
    assert mail.message["List-Unsubscribe"]
    [link] = [u for u in text_links(mail.text) if "/advocate/open" in u]
    # Signed when sent: the outbox (and the dashboard's mail log) keeps no live link.
    [facts] = db_rows(
        mail_settings, "SELECT facts FROM mail_messages WHERE journey = 'advocate_link'"
    )
    assert "advocate/open" not in facts[0] and link.split("t=")[1].split("&")[0] not in facts[0]
    assert "60 minuten" in mail.text
    sign_in(mail_client, link)
    page = mail_client.get("/advocate?lang=nl")
    assert page.status_code == 200
    html = page.text
    assert f"http://refer.test/r/{anna_with_a_friend}" in html
    assert "ANNA10" in html and anna_with_a_friend in html
    assert re.search(r"WhatsApp</span><strong>1<", html)
    assert re.search(r"QR-code</span><strong>1<", html)
    # Bob, masked; his address appears nowhere, nor any part of it past the first letters.
    assert "b***@g***.com" in html
    assert BOB not in html and "friend@" not in html and "gmail" not in html
    assert "Wachtend" in html and "€\xa05 tegoed" in html and "wordt goedgekeurd op" in html
    # One script, from this origin (the copy buttons); nothing inline.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/advocate/page.js" defer>']
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    script = mail_client.get("/advocate/page.js")
    assert script.status_code == 200 and "clipboard" in script.text
    # The same document as JSON, by the session.
    document = mail_client.post("/api/v1/advocates/account", json={"lang": "en"}).json()
    assert document["clicks"] == [
        {"channel": "qr", "label": "QR code", "clicks": 1},
        {"channel": "whatsapp", "label": "WhatsApp", "clicks": 1},
    ] or sorted(c["channel"] for c in document["clicks"]) == ["qr", "whatsapp"]
    assert [f["friend"] for f in document["friends"]] == ["b***@g***.com"]
    assert [(r["status"], r["state"]) for r in document["rewards"]] == [("pending", "Pending")]
    assert BOB not in mail_client.post("/api/v1/advocates/account", json={}).text
    # Signing out ends it.
    mail_client.post("/advocate/sign-out", follow_redirects=False)
    assert "Je e-mailadres" in mail_client.get("/advocate?lang=nl").text
    assert mail_client.post("/api/v1/advocates/account", json={}).status_code == 401


def test_known_and_unknown_addresses_get_the_same_answer(
    mail_client: TestClient, mail_settings: Settings, smtp: SmtpServer, anna_with_a_friend: str
) -> None:
    known = ask_for_link(mail_client, ANNA)
    unknown = ask_for_link(mail_client, "nobody@example.nl")
    friend = ask_for_link(mail_client, BOB)  # bought, never joined: not an advocate
    assert known == unknown == friend
    # Asked twice within the quarter: one e-mail.
    ask_for_link(mail_client, ANNA)
    send_rounds(mail_settings, SECRET_KEY, [datetime.now(UTC)])
    assert [r.rcpt_tos for r in smtp.inbox.received if "/advocate/open" in r.text] == [[ANNA]]


def test_asking_for_links_is_rate_limited_per_connection(client: TestClient) -> None:
    answers = [
        client.post(
            "/advocate/link",
            data={"email": f"person{n}@example.nl", "campaign": "default"},
            headers=FORM,
        )
        for n in range(7)
    ]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert int(answers[-1].headers["retry-after"]) > 0


def test_a_malformed_address_is_pointed_out_without_a_lookup(client: TestClient) -> None:
    response = client.post(
        "/advocate/link", data={"email": "not an address", "lang": "en"}, headers=FORM
    )
    assert response.status_code == 422
    assert "That is not an e-mail address" in response.text


def test_only_a_genuine_unexpired_page_link_opens_the_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = join_campaign(client, ANNA, "Anna")
    secret, code = SECRET_KEY, str(anna["code"])
    good = access.link_token(secret, code)
    with monkeypatch.context() as past:
        made = int(time.time()) - access.LINK_MINUTES * 60 - 5
        past.setattr(TimestampSigner, "get_timestamp", lambda self: made)
        expired = access.link_token(secret, code)
    forged = URLSafeTimedSerializer("another-secret", salt=access.LINK_SALT).dumps(code)
    for token in (
        payouts.account_link_token(secret, code),  # a payout link: another purpose
        access.session_token(secret, code),  # the session: not a link
        forged,
        expired,
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "",
        "x" * 5000,
    ):
        response = client.get("/advocate/open", params={"t": token}, follow_redirects=False)
        assert response.status_code == 400, token
        assert "set-cookie" not in response.headers
    assert access.link_code(secret, expired) is None
    opened = client.get("/advocate/open", params={"t": good}, follow_redirects=False)
    assert opened.status_code == 303


def test_the_widgets_account_view_opens_by_the_shops_signed_identity(
    client: TestClient, settings: Settings
) -> None:
    anna = join_campaign(client, ANNA, "Anna de Vries")
    body = {
        "campaign": "default",
        "email": ANNA,
        "user_hash": identity.user_hash(IDENTITY_SECRET, ANNA),
        "lang": "nl",
    }
    answer = client.post("/api/v1/advocates/account", json=body, headers={"origin": SHOP})
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == SHOP
    assert answer.headers["cache-control"] == "no-store"
    document = answer.json()
    assert document["link"] == f"http://refer.test/r/{anna['code']}"
    assert document["labels"]["title"] == "Mijn beloningen"
    assert document["name"] == "Anna"
    wrong = client.post(
        "/api/v1/advocates/account",
        json={**body, "user_hash": identity.user_hash(IDENTITY_SECRET, CARLA)},
        headers={"origin": SHOP},
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "invalid_user_hash"
    # An address alone opens nothing; another site is refused.
    bare = client.post("/api/v1/advocates/account", json={"campaign": "default", "email": ANNA})
    assert bare.status_code == 422
    elsewhere = client.post(
        "/api/v1/advocates/account", json=body, headers={"origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 403
    # A shopper the shop vouches for who never joined has no page yet.
    carla = {**body, "email": CARLA, "user_hash": identity.user_hash(IDENTITY_SECRET, CARLA)}
    missing = client.post("/api/v1/advocates/account", json=carla, headers={"origin": SHOP})
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Je hebt hier nog geen persoonlijke link."


def test_a_signed_address_sharing_an_inbox_opens_no_other_account(client: TestClient) -> None:
    """victoria+me@ and victoria@ share an inbox key, not an account at the shop."""
    join_campaign(client, "victoria@gmail.com", "Victoria")
    other = "victoria+me@gmail.com"
    body = {
        "campaign": "default",
        "email": other,
        "user_hash": identity.user_hash(IDENTITY_SECRET, other),
    }
    answer = client.post("/api/v1/advocates/account", json=body, headers={"origin": SHOP})
    assert answer.status_code == 404
    assert "victoria@gmail.com" not in answer.text and "Victoria" not in answer.text


def test_one_advocates_session_never_shows_another_advocate(client: TestClient) -> None:
    anna = join_campaign(client, ANNA, "Anna")
    carla = join_campaign(client, CARLA, "Carla")
    client.get("/advocate/open", params={"t": access.link_token(SECRET_KEY, str(carla["code"]))})
    page = client.get("/advocate?lang=en").text
    assert str(carla["code"]) in page and str(anna["code"]) not in page
    assert ANNA not in page and CARLA not in page


def test_progress_to_the_next_milestone_is_worded_in_the_pages_language() -> None:
    loyalty = {
        "friends_converted": 3,
        "tier": {"key": "silver", "name": "Zilver"},
        "next_tier": {"key": "gold", "name": "Goud", "friends_needed": 1},
        "next_milestone": {
            "friends_needed": 2,
            "reward": {"type": "credit", "amount": "25.00", "currency": "EUR"},
        },
        "cap": 10,
    }
    with use_locale("nl"):
        assert progress_words(loyalty, "nl") == [
            "Nog 2 vrienden tot €\xa025",
            "Nog 1 vriend tot Goud",
        ]
    with use_locale("en"):
        assert progress_words(loyalty, "en") == ["2 more friends to €25", "1 more friend to Goud"]
    assert progress_words({**loyalty, "next_milestone": None, "next_tier": None}, "en") == []
    by_spend = {
        "key": "gold",
        "name": "Goud",
        "friends_needed": None,
        "spend_needed": {"amount": "40.00", "currency": "EUR"},
    }
    with use_locale("nl"):
        assert progress_words({**loyalty, "next_milestone": None, "next_tier": by_spend}, "nl") == [
            "Nog €\xa040 tot Goud"
        ]
    assert progress_words(None, "nl") == []


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jan.jansen@gmail.com", "j***@g***.com"),
        ("a@b.nl", "a***@b***.nl"),
        ("x@localhost", "x***@l***"),
        ("broken", "***"),
        (None, "***"),
    ],
)
def test_friends_addresses_are_masked(address: str | None, masked: str) -> None:
    assert access.mask_email(address) == masked


@pytest.mark.parametrize(
    "body",
    [
        "&".join(f"f{n}=1" for n in range(2000)),
        "email=a%00b%40c.nl",
        b"email=%ff%fe@x.nl",
        "email=" + "a" * 2_000_000,
        "email=anna%40example.nl&campaign=%ED%A0%80",
        "email=anna%40example.nl&campaign=a%00&lang=%00",
    ],
    ids=["fields", "nul", "bytes", "huge", "surrogate", "nul-campaign"],
)
def test_hostile_link_requests_get_a_4xx_or_the_usual_answer(
    client: TestClient, body: str | bytes, caplog: pytest.LogCaptureFixture
) -> None:
    join_campaign(client, ANNA, "Anna")
    response = client.post("/advocate/link", content=body, headers=FORM)
    assert response.status_code in (200, 400, 413, 422), response.status_code
    assert "could not be planned" not in caplog.text


def test_the_page_shows_the_credit_once_the_reward_is_approved(
    mail_client: TestClient, mail_settings: Settings, anna_with_a_friend: str
) -> None:
    approve_rewards(mail_settings, datetime.now(UTC) + timedelta(days=60))
    sign_in(
        mail_client,
        f"/advocate/open?t={access.link_token(SECRET_KEY, anna_with_a_friend)}&lang=nl",
    )
    document = mail_client.post("/api/v1/advocates/account", json={"lang": "nl"}).json()
    assert document["credit"]["balance"] == "5.00"
    assert document["credit"]["currency"] == "EUR"
    assert document["credit"]["text"] == "€\xa05"
    assert [r["status"] for r in document["rewards"]] == ["fulfilled"]
    html = mail_client.get("/advocate?lang=nl").text
    assert "Tegoed in de winkel" in html and "€\xa05" in html and "Ontvangen" in html


LOYALTY = {
    "milestones": [{"friends": 2, "reward": {"type": "credit", "value": "25.00"}}],
    "tiers": {
        "basis": "referrals",
        "levels": [
            {"key": "bronze", "name": "Brons", "from": 1},
            {"key": "silver", "name": "Zilver", "from": 3},
        ],
    },
}


def test_the_page_shows_the_tier_and_the_way_to_the_next_milestone(
    mail_client: TestClient, mail_settings: Settings
) -> None:
    stored = mail_client.put("/api/v1/campaigns/default/loyalty", json=LOYALTY, headers=AUTH)
    assert stored.status_code == 200, stored.text
    anna = join_campaign(mail_client, ANNA, "Anna de Vries", lang="nl")
    ref = follow_link(mail_client, str(anna["code"]), "whatsapp")
    paid(mail_client, mail_settings.webhook_secrets[0], "1001", BOB, ref)
    body = {
        "campaign": "default",
        "email": ANNA,
        "user_hash": identity.user_hash(IDENTITY_SECRET, ANNA),
        "lang": "nl",
    }
    document = mail_client.post(
        "/api/v1/advocates/account", json=body, headers={"origin": SHOP}
    ).json()
    # The same loyalty object the widget's advocate answer carries.
    joined = join_campaign(mail_client, ANNA, "Anna de Vries", lang="nl")
    assert document["loyalty"] == joined["loyalty"]
    assert document["loyalty"]["friends_converted"] == 1
    assert document["tier_text"] == "Brons"
    assert document["progress"] == ["Nog 1 vriend tot €\xa025", "Nog 2 vrienden tot Zilver"]
    sign_in(mail_client, f"/advocate/open?t={access.link_token(SECRET_KEY, str(anna['code']))}")
    html = mail_client.get("/advocate?lang=nl").text
    assert "Je niveau" in html and "Brons" in html and "Nog 1 vriend tot €\xa025" in html
    english = mail_client.post("/api/v1/advocates/account", json={"lang": "en"}).json()
    assert english["progress"] == ["1 more friend to €25", "2 more friends to Zilver"]
    # A second friend reaches the milestone: its bonus is one of the rewards, named as such.
    second = follow_link(mail_client, str(anna["code"]), "qr")
    paid(mail_client, mail_settings.webhook_secrets[0], "1002", CARLA, second)
    after = mail_client.post("/api/v1/advocates/account", json={"lang": "nl"}).json()
    bonuses = [r for r in after["rewards"] if r["kind"] == "milestone"]
    assert [r["description"] for r in bonuses] == ["Mijlpaalbonus: €\xa025 tegoed"]
    assert after["progress"] == ["Nog 1 vriend tot Zilver"]
