"""The dashboard in Dutch and English: the signed-in user's choice (kept on their account), else the
browser's Accept-Language, else SHAREBACK_LOCALE; amounts, percentages and dates as each language
writes them, times in the shop's time zone. Runs on SQLite and PostgreSQL like the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, db_execute, db_rows, join_campaign
from test_admin_auth import OWNER, create_admin, csrf_token, sign_in
from test_admin_dashboard import referred_order

NBSP = "\u00a0"

# Every dashboard page a signed-in owner reaches without making data first, with its heading in
# each language.
PAGES = {
    "/admin": ("Overzicht", "Overview"),
    "/admin/campaigns": ("Campagnes", "Campaigns"),
    "/admin/campaigns/new": ("Nieuwe campagne", "New campaign"),
    "/admin/campaigns/default": ("Beloningen", "Rewards"),
    "/admin/campaigns/default/fraud": ("Frauderegels", "Fraud rules"),
    "/admin/campaigns/default/mail": ("E-mails die verstuurd worden", "E-mails to send"),
    "/admin/campaigns/default/mail/template?journey=invite&lang=nl": (
        "Onderwerp",
        "Subject",
    ),
    "/admin/rewards": ("Beloningen", "Rewards"),
    "/admin/rewards?status=approved": ("Geldbeloningen in één keer uitbetalen", "Pay cash"),
    "/admin/payouts": ("Uitbetalingen", "Payouts"),
    "/admin/review": ("Controle", "Review"),
    "/admin/settings": ("Code voor je winkel", "Code for your shop"),
    "/admin/settings/webhooks": ("Ontvangende adressen", "Receiving addresses"),
    "/admin/settings/mail": ("Mailserver", "Mail server"),
    "/admin/account": ("Taal van het dashboard", "Dashboard language"),
    "/admin/campaigns/default/design": ("Ontwerp van de widget", "Widget design"),
    "/admin/advocates": ("Ambassadeurs", "Advocates"),
    "/admin/referrals": ("Doorverwijzingen", "Referrals"),
    "/admin/experiments": ("Experimenten", "Experiments"),
    "/admin/experiments/new?campaign=default": ("Experiment plannen", "Plan an experiment"),
    "/admin/campaigns/nope": ("Deze campagne bestaat niet", "No such campaign"),
}
# English a Dutch page must never show (the navigation and common buttons).
ENGLISH = ("Overview", "Sign out", "Settings", "Skip to content", "Technical details")


@pytest.fixture
def amsterdam(settings: Settings) -> Settings:
    return replace(settings, timezone="Europe/Amsterdam", locale="en")


@pytest.fixture
def owner(amsterdam: Settings) -> Iterator[TestClient]:
    create_admin(amsterdam)
    with TestClient(create_app(amsterdam), headers={"user-agent": BROWSER_UA}) as client:
        assert sign_in(client).status_code == 303
        yield client


def choose(client: TestClient, locale: str) -> None:
    token = csrf_token(client.get("/admin/account").text)
    response = client.post(
        "/admin/account/language",
        data={"csrf": token, "locale": locale},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def lang_of(html: str) -> str:
    found = re.search(r'<html lang="([a-z]+)"', html)
    assert found, html[:200]
    return found[1]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_dashboard_page_speaks_dutch_to_a_dutch_user(owner: TestClient, page: str) -> None:
    choose(owner, "nl")
    response = owner.get(page)
    assert response.status_code in (200, 404), response.text
    html = response.text
    assert lang_of(html) == "nl"
    assert PAGES[page][0] in html, page
    visible = re.sub(r"<[^>]+>", " ", html)
    assert "Uitloggen" in visible and "Naar de inhoud" in visible
    for word in ENGLISH:
        assert not re.search(rf"\b{re.escape(word)}\b", visible), (page, word)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_dashboard_page_speaks_english_to_an_english_user(
    owner: TestClient, page: str
) -> None:
    choose(owner, "en")
    response = owner.get(page, headers={"accept-language": "nl-NL,nl;q=0.9"})
    html = response.text
    assert lang_of(html) == "en"  # the user's choice wins over the browser's
    assert PAGES[page][1] in html, page
    assert "Sign out" in html and "Uitloggen" not in html


def test_without_a_choice_the_browser_decides_then_the_shop(
    owner: TestClient, amsterdam: Settings
) -> None:
    dutch = owner.get("/admin", headers={"accept-language": "de-DE, nl;q=0.8, en;q=0.5"})
    assert lang_of(dutch.text) == "nl" and "Overzicht" in dutch.text
    english = owner.get("/admin", headers={"accept-language": "en-GB,en;q=0.9,nl;q=0.8"})
    assert lang_of(english.text) == "en"
    # Neither language asked for: the shop's SHAREBACK_LOCALE (en here).
    assert lang_of(owner.get("/admin", headers={"accept-language": "fr"}).text) == "en"
    # The login page follows the browser too.
    login = owner.get("/admin/login", headers={"accept-language": "nl"}, follow_redirects=False)
    assert login.status_code == 303  # signed in: sent on
    with TestClient(create_app(replace(amsterdam, locale="nl"))) as stranger:
        page = stranger.get("/admin/login")
        assert lang_of(page.text) == "nl" and "Log in op je dashboard" in page.text
        page = stranger.get("/admin/login", headers={"accept-language": "en-US"})
        assert lang_of(page.text) == "en" and "Sign in to your dashboard" in page.text


def test_the_users_choice_is_kept_across_sessions(owner: TestClient, amsterdam: Settings) -> None:
    choose(owner, "nl")
    assert db_rows(amsterdam, "SELECT locale FROM admin_users WHERE email = ?", (OWNER,)) == [
        ("nl",)
    ]
    with TestClient(create_app(amsterdam), headers={"user-agent": BROWSER_UA}) as again:
        assert sign_in(again).status_code == 303
        page = again.get("/admin", headers={"accept-language": "en"}).text
        assert lang_of(page) == "nl"
        account = again.get("/admin/account").text
        assert '<option value="nl" lang="nl" selected>' in account
        choose(again, "")  # back to the browser's language
        assert lang_of(again.get("/admin", headers={"accept-language": "en"}).text) == "en"
    assert db_rows(amsterdam, "SELECT locale FROM admin_users WHERE email = ?", (OWNER,)) == [
        (None,)
    ]


def test_an_unknown_language_is_refused_and_nothing_changes(
    owner: TestClient, amsterdam: Settings
) -> None:
    token = csrf_token(owner.get("/admin/account").text)
    response = owner.post("/admin/account/language", data={"csrf": token, "locale": "de"})
    assert response.status_code == 400
    assert "Choose one of the languages in the list." in response.text
    assert db_rows(amsterdam, "SELECT locale FROM admin_users WHERE email = ?", (OWNER,)) == [
        (None,)
    ]


def test_a_dutch_user_sees_dutch_amounts_and_amsterdam_times(
    owner: TestClient, amsterdam: Settings, webhook_secret: str
) -> None:
    choose(owner, "nl")
    referred_order(owner, webhook_secret, "1001", "bram@example.com", total="1234.50")
    # The order came in at 23:30 in Amsterdam (22:30 UTC) on 1 December; its reward was booked
    # at 00:30 Amsterdam on 1 December, which is still 30 November in UTC.
    db_execute(
        amsterdam,
        "UPDATE referrals SET created_at = ?",
        (datetime(2026, 12, 1, 22, 30, tzinfo=UTC),),
    )
    db_execute(
        amsterdam,
        "UPDATE rewards SET created_at = ?",
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC),),
    )
    page = owner.get("/admin").text
    assert f"€{NBSP}1.234,50" in page  # sales through friends
    assert "100%" in page and "Bestellingen via vrienden" in page
    assert "Bestelling 1001 kwam binnen via een vriend van Anna de Vries" in page
    assert 'title="1 dec 2026, 23:30"' in page
    rewards = owner.get("/admin/rewards").text
    assert "1 dec 2026" in rewards and "30 nov 2026" not in rewards
    assert f"€{NBSP}5" in rewards  # Anna's credit, a whole amount without cents

    choose(owner, "en")
    page = owner.get("/admin").text
    assert "€1,234.50" in page and "Orders via friends" in page
    assert 'title="1 Dec 2026, 23:30"' in page
    assert "Order 1001 came in via a friend of Anna de Vries" in page


def test_the_activity_feed_names_people_and_groups_alike_events(
    owner: TestClient,
) -> None:
    choose(owner, "nl")
    for n in range(4):
        join_campaign(owner, f"friend{n}@example.nl", f"Vriend {n}" if n else None)
    feed = owner.get("/admin/activity?campaign=default").text
    lines = re.findall(r"<p>(.*?)</p>", feed, re.S)
    assert len(lines) == 1, lines
    # Newest first; the one without a name shows by the start of their address, never a code.
    assert lines[0].strip().startswith("4 nieuwe ambassadeurs: Vriend 3, Vriend 2 en 2 anderen")


def test_a_refused_sign_in_is_worded_in_the_browsers_language(amsterdam: Settings) -> None:
    create_admin(amsterdam)
    with TestClient(create_app(amsterdam), headers={"accept-language": "nl-NL,nl"}) as client:
        refused = sign_in(client, password="not the password")
        assert refused.status_code == 401
        assert lang_of(refused.text) == "nl"
        assert "Dat e-mailadres en wachtwoord horen niet bij een beheerdersaccount." in refused.text


def test_the_referrals_date_filter_reads_as_a_range_in_dutch(owner: TestClient) -> None:
    choose(owner, "nl")
    html = owner.get("/admin/referrals").text
    assert '<label for="filter-from">Van</label>' in html
    assert '<label for="filter-to">Tot</label>' in html  # not "Aan", the e-mail's To
