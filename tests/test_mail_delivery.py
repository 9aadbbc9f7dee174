"""How e-mail reaches the SMTP server: STARTTLS and TLS with a sign-in, retried with backoff
while the server is down, dead after three days and sent again from the log, never sent twice by
two senders, never sent without a sender or to a suppressed address."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from mail_support import SmtpServer, send_rounds
from shareback.mail import journeys
from shareback.mail.sender import MailReport, MailSender
from shareback.mail.unsubscribe import address_hash
from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.records import CampaignDraft, MailRow

T = TypeVar("T")
SECRET = "mail-test-secret-key-0123456789abcdef"
FROM = "Brandpunt Koffie <hello@brandpunt.example>"
DRAFT = CampaignDraft(
    slug="default",
    name="Default",
    shop_name="Brandpunt Koffie",
    landing_url="https://shop.example/welcome",
    allowed_origins=("https://shop.example",),
    referrer_reward=RewardSpec("credit", "5.00"),
    friend_reward=RewardSpec("percent_discount", "10"),
)


def on_store(settings: Settings, scenario: Callable[[Store], Awaitable[T]]) -> T:
    async def go() -> T:
        store = await open_store(settings.database_url)
        try:
            await store.migrate()
            return await scenario(store)
        finally:
            await store.close()

    return asyncio.run(go())


def plan_invites(settings: Settings, *emails: str, at: datetime | None = None) -> None:
    moment = at or datetime.now(UTC)

    async def plan(store: Store) -> None:
        campaign = await store.ensure_campaign(DRAFT)
        for email in emails:
            assert await store.plan_mail(
                campaign.id, journeys.INVITE, f"invite:{email}", email, email, None, {}, moment
            )

    on_store(settings, plan)


def mail_log(settings: Settings) -> list[MailRow]:
    async def rows(store: Store) -> list[MailRow]:
        return await store.list_mail()

    return list(reversed(on_store(settings, rows)))


def with_smtp(settings: Settings, url: str | None, sender: str | None = FROM) -> Settings:
    return dataclasses.replace(settings, smtp_url=url, email_from=sender, secret_key=SECRET)


@pytest.fixture
def plain_smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_starttls_and_tls_with_a_sign_in_from_the_url(settings: Settings, tls: str) -> None:
    server = SmtpServer(tls)
    server.start()
    try:
        configured = with_smtp(settings, server.url)
        plan_invites(configured, "bob@example.com")
        [report] = send_rounds(
            configured, SECRET, [datetime.now(UTC)], tls_context=server.client_context()
        )
        assert report == MailReport(sent=1)
        [received] = server.inbox.received
        assert received.rcpt_tos == ["bob@example.com"] and received.signed_in  # as USER
    finally:
        server.stop()


def test_smtp_url_without_starttls_on_offer_is_not_sent_in_the_clear(
    settings: Settings, plain_smtp: SmtpServer
) -> None:
    configured = with_smtp(settings, f"smtp://127.0.0.1:{plain_smtp.port}")
    plan_invites(configured, "bob@example.com")
    [report] = send_rounds(configured, SECRET, [datetime.now(UTC)])
    assert report == MailReport(retrying=1) and plain_smtp.inbox.received == []
    [row] = mail_log(configured)
    assert row.status == "pending" and "STARTTLS" in (row.last_error or "").upper()


def test_smtp_down_is_retried_with_backoff_then_dead_then_sent_again(settings: Settings) -> None:
    server = SmtpServer()  # not started: nothing listens on its port
    configured = with_smtp(settings, server.url)
    start = datetime.now(UTC)
    plan_invites(configured, "bob@example.com", at=start)
    reports = send_rounds(configured, SECRET, [start, start + timedelta(seconds=1)])
    assert reports == [MailReport(retrying=1), MailReport()]  # the second round: not due yet
    [row] = mail_log(configured)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error and "connect" in row.last_error.lower()
    assert timedelta(seconds=3) <= row.next_attempt_at - start <= timedelta(seconds=7)
    # Every retry fails for three days: then it is a dead letter, kept, never lost.
    moment, attempts = start, 1
    while mail_log(configured)[0].status == "pending":
        moment = mail_log(configured)[0].next_attempt_at
        send_rounds(configured, SECRET, [moment])
        attempts += 1
    [row] = mail_log(configured)
    assert row.status == "dead" and row.attempts == attempts and 10 < attempts < 30
    assert moment - start <= timedelta(days=3)
    server.start()
    try:

        async def resend(store: Store) -> bool:
            return await store.resend_mail(row.id, moment)

        assert on_store(configured, resend) is True
        [report] = send_rounds(configured, SECRET, [moment])
        assert report == MailReport(sent=1)
        assert [r.rcpt_tos for r in server.inbox.received] == [["bob@example.com"]]
    finally:
        server.stop()


def test_a_permanent_refusal_is_dead_at_once(settings: Settings, plain_smtp: SmtpServer) -> None:
    plain_smtp.inbox.refuse = "550 5.1.1 No such mailbox"
    configured = with_smtp(settings, plain_smtp.url)
    plan_invites(configured, "nobody@example.com")
    [report] = send_rounds(configured, SECRET, [datetime.now(UTC)])
    assert report == MailReport(dead=1)
    assert "550" in (mail_log(configured)[0].last_error or "")


def test_two_senders_never_send_one_message_twice(
    settings: Settings, plain_smtp: SmtpServer
) -> None:
    configured = with_smtp(settings, plain_smtp.url)
    addresses = [f"buyer{n}@example.com" for n in range(30)]
    plan_invites(configured, *addresses)
    now = datetime.now(UTC)

    async def race() -> list[MailReport]:
        stores = [await open_store(configured.database_url) for _ in range(3)]
        try:
            senders = [MailSender(s, configured, SECRET, batch=7) for s in stores]
            reports: list[MailReport] = []
            for _ in range(6):
                reports += await asyncio.gather(*(s.send_due(now) for s in senders))
            return reports
        finally:
            for s in stores:
                await s.close()

    reports = asyncio.run(race())
    assert sum(r.sent for r in reports) == 30
    assert sorted(r.rcpt_tos[0] for r in plain_smtp.inbox.received) == sorted(addresses)


@pytest.mark.parametrize(
    ("url", "sender", "reason"),
    [
        (None, FROM, "SHAREBACK_SMTP_URL"),
        ("smtp://127.0.0.1:1?starttls=off", None, "SHAREBACK_EMAIL_FROM"),
    ],
)
def test_nothing_is_sent_without_a_server_and_a_sender(
    settings: Settings, url: str | None, sender: str | None, reason: str
) -> None:
    configured = with_smtp(settings, url, sender)
    plan_invites(configured, "bob@example.com")
    [report] = send_rounds(configured, SECRET, [datetime.now(UTC)])
    assert report == MailReport(skipped=1)
    [row] = mail_log(configured)
    assert row.status == "skipped" and reason in (row.last_error or "")


def test_a_campaigns_own_sender_is_used(settings: Settings, plain_smtp: SmtpServer) -> None:
    configured = with_smtp(settings, plain_smtp.url, None)

    async def own_sender(store: Store) -> None:
        campaign = await store.ensure_campaign(DRAFT)
        await store.set_mail_settings(
            dataclasses.replace(
                journeys.defaults(campaign.id), sender="Koffie <koffie@shop.example>"
            ),
            datetime.now(UTC),
        )

    on_store(configured, own_sender)
    plan_invites(configured, "bob@example.com")
    [report] = send_rounds(configured, SECRET, [datetime.now(UTC)])
    assert report == MailReport(sent=1)
    assert plain_smtp.inbox.received[0].message["From"] == "Koffie <koffie@shop.example>"


def test_a_suppressed_address_gets_nothing_even_when_planned_before(
    settings: Settings, plain_smtp: SmtpServer
) -> None:
    configured = with_smtp(settings, plain_smtp.url)
    plan_invites(configured, "bob@example.com", "ann@example.com")

    async def suppress(store: Store) -> bool:
        return await store.suppress_address(
            address_hash(SECRET, "bob@example.com"), "unsubscribed", datetime.now(UTC)
        )

    assert on_store(configured, suppress)
    [report] = send_rounds(configured, SECRET, [datetime.now(UTC)])
    assert report == MailReport(sent=1, suppressed=1)
    assert [r.rcpt_tos for r in plain_smtp.inbox.received] == [["ann@example.com"]]


def test_a_name_cannot_add_headers_and_a_message_that_cannot_be_built_is_dead(
    settings: Settings, plain_smtp: SmtpServer
) -> None:
    configured = with_smtp(settings, plain_smtp.url)
    moment = datetime.now(UTC)

    async def plan(store: Store) -> None:
        campaign = await store.ensure_campaign(DRAFT)
        for key, email, name in (
            ("a", "bob@example.com", "Bob\r\nBcc: eve@evil.test"),
            ("b", "no address at all", None),
            ("c", "ann@example.com", "Ann"),
        ):
            await store.plan_mail(campaign.id, journeys.INVITE, key, email, email, name, {}, moment)

    on_store(configured, plan)
    [report] = send_rounds(configured, SECRET, [moment])
    assert report == MailReport(sent=2, dead=1)
    assert sorted(r.rcpt_tos[0] for r in plain_smtp.inbox.received) == [
        "ann@example.com",
        "bob@example.com",
    ]
    bob = plain_smtp.inbox.to("bob@example.com")[0].message
    assert bob["Bcc"] is None and str(bob["To"]) == '"Bob Bcc: eve@evil.test" <bob@example.com>'
    dead = [row for row in mail_log(configured) if row.status == "dead"]
    assert [row.recipient for row in dead] == ["no address at all"] and dead[0].last_error
