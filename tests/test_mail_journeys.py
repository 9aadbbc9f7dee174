"""E-mails through a real SMTP server on loopback: every message parsed with the standard `email`
package and checked (headers, both parts, links that lead to the right advocate), one-click
unsubscribe stops the next one, and an SMTP server that is down loses nothing."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.dates import format_date
from mail_support import Received, SmtpServer, html_links, send_rounds, text_links
from shareback import tokens
from shareback.app import create_app
from shareback.mail import journeys
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    SHOP,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    signed_headers,
)

SECRET_KEY = "mail-test-secret-key-0123456789abcdef"
FROM = "Brandpunt Koffie <hello@brandpunt.example>"
AUTH = {"authorization": "Bearer test-admin-key-0123456789"}
ORIGIN = {"origin": SHOP}
COUNTS: Counter[tuple[str, str]] = Counter()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp: SmtpServer) -> Settings:
    # The app's own sender runs once at start, then sleeps: the tests drive the rounds.
    return dataclasses.replace(
        settings,
        secret_key=SECRET_KEY,
        smtp_url=smtp.url,
        email_from=FROM,
        mail_interval_seconds=3600,
        admin_api_key="test-admin-key-0123456789",
    )


@pytest.fixture
def mail_client(mail_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(mail_settings), headers={"user-agent": BROWSER_UA}) as client:
        yield client


def paid(
    client: TestClient,
    secret: str,
    order_id: str,
    email: str,
    ref: str | None = None,
    **extra: object,
) -> None:
    body = order_paid(order_id, email, "50.00", ref, **extra)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"m-{order_id}")
    )
    assert response.status_code == 200, response.text


def check_headers(received: Received, to: str, moment: datetime) -> None:
    message = received.message
    assert message["From"] == FROM
    assert message["To"].addresses[0].addr_spec == to
    assert received.rcpt_tos == [to] and received.mail_from == "hello@brandpunt.example"
    assert message["Subject"] and "\n" not in str(message["Subject"])
    assert str(message["Message-ID"]).startswith("<sb.") and str(message["Message-ID"]).endswith(
        "@brandpunt.example>"
    )
    assert parsedate_to_datetime(str(message["Date"])) == moment.replace(microsecond=0)
    unsubscribe = str(message["List-Unsubscribe"])
    assert unsubscribe.startswith(
        "<http://refer.test/mail/unsubscribe?t="
    ) and unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert (
        unsubscribe[1:-1] in received.text
        and unsubscribe[1:-1].replace("&", "&amp;") in received.html
    )


def referral_link_of(received: Received) -> str:
    links = [link for link in text_links(received.text) if "/r/" in link]
    assert links, received.text
    assert links[0] in html_links(received.html)
    return links[0]


def follows_to(client: TestClient, link: str, settings: Settings) -> str:
    """The /r/ link followed like a browser: 303 to the landing page with a ref naming the code."""
    path = urlsplit(link)
    response = client.get(f"{path.path}?{path.query}", follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"{SHOP}/welcome")
    ref = parse_qs(urlsplit(location).query)["ref"][0]
    return tokens.verify_ref(SECRET_KEY, ref).code


def advocate_email(settings: Settings, code: str) -> str:
    return str(db_rows(settings, "SELECT email FROM advocates WHERE code = ?", (code,))[0][0])


def count(journey: str, *outcomes: str) -> None:
    for outcome in outcomes:
        COUNTS[(journey, outcome)] += 1


def on_store(settings: Settings, scenario: Callable[[Store], Awaitable[None]]) -> None:
    async def go() -> None:
        store = await open_store(settings.database_url)
        try:
            await scenario(store)
        finally:
            await store.close()

    asyncio.run(go())


def approve_rewards(settings: Settings, moment: datetime) -> int:
    async def approve() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(moment)
        finally:
            await store.close()

    return asyncio.run(approve())


def test_the_journeys_reach_the_inbox_parsed_linked_and_unsubscribable(
    mail_client: TestClient, mail_settings: Settings, smtp: SmtpServer, webhook_secret: str
) -> None:
    client, settings = mail_client, mail_settings
    anna = join_campaign(client, "anna@example.nl", "Anna de Vries", lang="nl")
    carla = join_campaign(client, "carla@example.com", "Carla", lang="en")  # never shares
    # A customer who is no advocate yet orders: "invite your friends" with their own link.
    paid(client, webhook_secret, "1001", "bob@example.com", name="Bob Smit")
    # A friend of Anna's orders through her link: Anna hears her reward is pending.
    ref = follow_link(client, str(anna["code"]), "whatsapp")
    paid(client, webhook_secret, "1002", "femke@example.com", ref, name="Femke Jansen")
    now = datetime.now(UTC)
    [report] = send_rounds(settings, SECRET_KEY, [now])
    assert (report.sent, report.retrying, report.dead) == (3, 0, 0)

    [bob] = smtp.inbox.to("bob@example.com")
    check_headers(bob, "bob@example.com", now)
    assert "Bob" in bob.text and "Bedankt" not in bob.text  # English: no language known
    bob_code = follows_to(client, referral_link_of(bob), settings)
    assert advocate_email(settings, bob_code) == "bob@example.com"
    coupon = db_rows(settings, "SELECT coupon_code FROM advocates WHERE code = ?", (bob_code,))
    assert coupon[0][0] in bob.text and coupon[0][0] in bob.html
    count("invite", "sent", "parsed")

    [femke] = smtp.inbox.to("femke@example.com")  # the friend is invited to share in turn
    check_headers(femke, "femke@example.com", now)
    femke_code = follows_to(client, referral_link_of(femke), settings)
    assert advocate_email(settings, femke_code) == "femke@example.com"
    count("invite", "sent", "parsed")

    [pending] = smtp.inbox.to("anna@example.nl")
    check_headers(pending, "anna@example.nl", now)
    assert pending.message["Content-Language"] == "nl"  # the widget saw Anna in Dutch
    assert "Femke" in pending.text and "Jansen" not in pending.text  # a first name only
    due = format_date((now + timedelta(days=14)).date(), format="long", locale="nl")
    assert (
        "Je beloning, €\u00a05 tegoed" in pending.text and f"op {due} goedgekeurd" in pending.text
    )
    assert follows_to(client, referral_link_of(pending), settings) == anna["code"]
    count("reward_pending", "sent", "parsed")

    # A friend who lands with Anna's link asks for their code by e-mail: the welcome.
    configure = client.patch(
        "/api/v1/campaigns/default", json={"friend_fulfilment": "generated"}, headers=AUTH
    )
    assert configure.status_code == 200, configure.text
    lotte_ref = follow_link(client, str(anna["code"]))
    widget = client.get(f"/api/v1/campaigns/default/widget?ref={lotte_ref}", headers=ORIGIN)
    code = widget.json()["friend"]["code"]
    asked = client.post(
        "/api/v1/campaigns/default/welcome",
        json={"ref": lotte_ref, "email": "Lotte@Example.com", "name": "Lotte", "lang": "nl"},
        headers=ORIGIN,
    )
    assert asked.status_code == 202 and asked.json() == {"status": "accepted"}
    again = client.post(
        "/api/v1/campaigns/default/welcome",
        json={"ref": lotte_ref, "email": "lotte@example.com"},
        headers=ORIGIN,
    )
    assert again.status_code == 202  # the same answer; planned once
    moment = now + timedelta(minutes=1)
    [report] = send_rounds(settings, SECRET_KEY, [moment])
    assert report.sent == 1
    [lotte] = smtp.inbox.to("Lotte@Example.com")
    check_headers(lotte, "Lotte@Example.com", moment)
    assert code in lotte.text and code in lotte.html and code.startswith("WELCOME-")
    assert "Anna geeft je 10% korting" in lotte.text and "Vries" not in lotte.text
    assert f"{SHOP}/welcome" in html_links(lotte.html)[0]
    count("welcome", "sent", "parsed")

    # Bob unsubscribes with one click, the way a mail client does it (RFC 8058).
    url = str(bob.message["List-Unsubscribe"])[1:-1]
    ask = client.get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert ask.status_code == 200 and "<form" in ask.text  # a GET only asks
    answer = client.post(
        urlsplit(url).path + "?" + urlsplit(url).query,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200 and "unsubscribed" in answer.text
    count("invite", "unsubscribed")
    # Bob's friend orders through Bob's link: the e-mail Bob would get is suppressed at send time.
    friend_ref = follow_link(client, bob_code, "email")
    paid(client, webhook_secret, "1003", "sanne@example.com", friend_ref, name="Sanne")
    moment = now + timedelta(minutes=2)
    before = len(smtp.inbox.received)
    [report] = send_rounds(settings, SECRET_KEY, [moment])
    assert (report.sent, report.suppressed) == (1, 1)  # Sanne's invite; Bob's news suppressed
    assert [r.rcpt_tos for r in smtp.inbox.received[before:]] == [["sanne@example.com"]]
    count("reward_pending", "suppressed")
    check_headers(smtp.inbox.received[-1], "sanne@example.com", moment)
    count("invite", "sent", "parsed")

    # A week on: one reminder to each advocate who never shared (no share event, no click).
    moment = now + timedelta(days=8)
    before = len(smtp.inbox.received)
    [report] = send_rounds(settings, SECRET_KEY, [moment])
    reminded = sorted(r.rcpt_tos[0] for r in smtp.inbox.received[before:])
    assert reminded == ["carla@example.com", "sanne@example.com"] and report.sent == 2
    for received in smtp.inbox.received[before:]:
        check_headers(received, received.rcpt_tos[0], moment)
    [reminder] = smtp.inbox.to("carla@example.com")
    assert "haven't shared it yet" in reminder.text
    assert follows_to(client, referral_link_of(reminder), settings) == carla["code"]
    count("reminder", "sent", "parsed", "sent", "parsed")
    [report] = send_rounds(settings, SECRET_KEY, [now + timedelta(days=9)])
    assert report.handled == 0  # a single reminder

    # The hold period ends: the referrers' rewards are approved, and they hear it.
    # The referrers', two orders (the friends' discounts were fulfilled at the checkout).
    assert approve_rewards(settings, now + timedelta(days=15)) == 2
    moment = now + timedelta(days=15, minutes=1)
    before = len(smtp.inbox.received)
    [report] = send_rounds(settings, SECRET_KEY, [moment])
    # Anna's only: friends' discounts were at checkout, and Bob unsubscribed.
    assert (report.sent, report.suppressed) == (1, 1)
    [approved] = smtp.inbox.received[before:]
    check_headers(approved, "anna@example.nl", moment)
    assert "goedgekeurd" in str(approved.message["Subject"])
    # How it reaches her: the store credit, and the balance as it stands when written.
    assert (
        "als tegoed voor je klaar bij Brandpunt Koffie: je saldo is nu €\u00a05." in approved.text
    )
    assert "je saldo is nu €\u00a05." in approved.html and "IBAN" not in approved.text
    count("reward_approved", "sent", "parsed")
    count("reward_approved", "suppressed")
    statuses = db_rows(
        settings,
        "SELECT journey, status FROM mail_messages WHERE recipient = ?",
        ("bob@example.com",),
    )
    assert sorted(map(tuple, statuses)) == [
        ("invite", "sent"),
        ("reward_approved", "suppressed"),
        ("reward_pending", "suppressed"),
    ]


def test_a_bad_unsubscribe_token_is_a_clear_400(mail_client: TestClient) -> None:
    for token in ("", "nope", "a" * 43 + "." + "b" * 16, "x" * 500):
        for method in ("GET", "POST"):
            response = mail_client.request(method, f"/mail/unsubscribe?t={token}")
            assert response.status_code == 400
            assert "not valid" in response.text


def test_welcome_requests_that_cannot_work_are_clear_4xx(
    mail_client: TestClient, mail_settings: Settings
) -> None:
    client = mail_client
    anna = join_campaign(client, "anna@example.nl", "Anna de Vries")
    ref = follow_link(client, str(anna["code"]))
    url = "/api/v1/campaigns/default/welcome"

    def refused(body: object, status: int = 422, path: str = url) -> str:
        response = client.post(path, json=body, headers=ORIGIN)
        assert response.status_code == status, response.text
        return str(response.json()["error"]["code"])

    assert refused({"ref": ref, "email": "lotte@example.com"}, 409) == "no_friend_code"  # link mode
    patched = client.patch(
        "/api/v1/campaigns/default", json={"friend_fulfilment": "generated"}, headers=AUTH
    )
    assert patched.status_code == 200
    assert refused({"ref": "nonsense", "email": "lotte@example.com"}) == "invalid_ref"
    assert refused({"ref": ref, "email": "not-an-address"}) == "invalid_email"
    assert refused({"ref": ref, "email": "ANNA@example.nl"}) == "own_link"
    assert refused({"email": "lotte@example.com"}) == "missing_ref"
    assert refused([1, 2], 400) == "invalid_body"
    assert refused(
        {"ref": ref, "email": "l@example.com"}, 404, "/api/v1/campaigns/nope/welcome"
    ) == ("unknown_campaign")
    dutch = client.post(
        url, json={"ref": "x", "email": "l@example.com", "lang": "nl"}, headers=ORIGIN
    )
    assert dutch.json()["error"]["message"] == "Deze uitnodigingslink is niet geldig."
    other = client.post(
        url, json={"ref": ref, "email": "l@example.com"}, headers={"origin": "https://evil.test"}
    )
    assert other.status_code == 403
    assert (
        db_rows(mail_settings, "SELECT COUNT(*) FROM mail_messages WHERE journey = 'welcome'")[0][0]
        == 0
    )


def test_the_owners_get_last_weeks_summary_when_the_campaign_asks(
    mail_client: TestClient, mail_settings: Settings, smtp: SmtpServer, webhook_secret: str
) -> None:
    client, settings = mail_client, mail_settings

    async def ask(store: Store) -> None:
        await store.create_admin_user("olga@brandpunt.nl", "hash", datetime.now(UTC), "owner")
        await store.create_admin_user("fien@brandpunt.nl", "hash", datetime.now(UTC), "finance")
        campaign = await store.campaign("default")
        assert campaign is not None
        chosen = (*journeys.DEFAULT_JOURNEYS, journeys.SUMMARY)
        await store.set_mail_settings(
            dataclasses.replace(journeys.defaults(campaign.id), lang="nl", journeys=chosen),
            datetime.now(UTC),
        )

    on_store(settings, ask)
    anna = join_campaign(client, "anna@example.nl", "Anna de Vries")
    shared = client.post(
        "/api/v1/events",
        json={"campaign": "default", "type": "share", "channel": "whatsapp", "code": anna["code"]},
        headers=ORIGIN,
    )
    assert shared.status_code == 204
    ref = follow_link(client, str(anna["code"]), "whatsapp")
    paid(client, webhook_secret, "3001", "femke@example.com", ref, name="Femke")
    now = datetime.now(UTC)
    monday = datetime.combine(now.date() + timedelta(days=7 - now.weekday()), time(1), UTC)
    [report] = send_rounds(settings, SECRET_KEY, [monday])
    assert report.sent == 3  # Femke's invite, Anna's reward news, Olga's summary
    # The app's own first round may run after the owner asked for the summary and send the
    # summary of the week before (a week of its own, so both are right): Monday's is this one.
    [summary] = [
        received
        for received in smtp.inbox.to("olga@brandpunt.nl")
        if parsedate_to_datetime(str(received.message["Date"])) == monday.replace(microsecond=0)
    ]
    check_headers(summary, "olga@brandpunt.nl", monday)
    assert summary.message["Content-Language"] == "nl"
    assert str(summary.message["Subject"]).endswith(": 1 bestelling via vrienden")
    for line in (
        "Nieuwe ambassadeurs: 1",
        "Keer gedeeld: 1",
        "Klikken op links: 1",
        "Bestellingen via vrienden: 1 (€\u00a050)",
        "Beloningen in afwachting: 1, goedgekeurd: 0",  # Anna's; Femke's discount was given
        "beheert",
    ):
        assert line in summary.text, (line, summary.text)
    assert "http://refer.test/admin" in html_links(summary.html)
    assert smtp.inbox.to("fien@brandpunt.nl") == []  # owners only
    count("summary", "sent", "parsed")
    [report] = send_rounds(settings, SECRET_KEY, [monday + timedelta(hours=1)])
    assert report.handled == 0  # once a week


def test_zz_print_counts() -> None:
    print("\nmail journeys (journey, outcome): count")
    for key, n in sorted(COUNTS.items()):
        print(f"  {key[0]:16} {key[1]:12} {n}")
