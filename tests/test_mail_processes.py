"""Two real `shareback serve` processes on one PostgreSQL, each with its own mail sender loop,
and one SMTP server: every customer's invitation arrives once, within seconds of the order."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import ExitStack

import httpx
import pytest
from mail_support import SmtpServer
from shareback.settings import Settings
from support import db_rows, new_webhook_secret, order_paid, shareback_serve, signed_headers

pytestmark = pytest.mark.postgres
ORDERS = 30


def test_two_processes_send_each_invitation_once(settings: Settings) -> None:
    smtp = SmtpServer()
    smtp.start()
    secret = new_webhook_secret()
    mail = {
        "webhook_secret": secret,
        "secret_key": "one-signing-key-for-both-processes",
        "smtp_url": smtp.url,
        "email_from": "Brandpunt Koffie <hello@brandpunt.example>",
        "mail_interval_seconds": "0.2",
    }
    try:
        with ExitStack() as running:
            first = running.enter_context(shareback_serve(settings.database_url, **mail))
            second = running.enter_context(shareback_serve(settings.database_url, **mail))
            for n in range(ORDERS):
                body = order_paid(f"{2000 + n}", f"buyer{n}@example.com", "25.00")
                answer = httpx.post(
                    f"{(first, second)[n % 2]}/webhooks/orders",
                    content=body,
                    headers=signed_headers(secret, body, f"msg-{n}"),
                    timeout=10,
                )
                assert answer.status_code == 200, answer.text
            deadline = time.monotonic() + 60
            while len(smtp.inbox.received) < ORDERS and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)  # both loops go round a few more times: nothing more may come
            # Either process's public URL is in the links: the one whose loop sent the message.
            links = Counter(r.text.split("/r/")[0].rsplit(" ", 1)[-1] for r in smtp.inbox.received)
    finally:
        smtp.stop()
    recipients = Counter(r.rcpt_tos[0] for r in smtp.inbox.received)
    assert len(recipients) == ORDERS and set(recipients.values()) == {1}, recipients
    statuses = Counter(row[0] for row in db_rows(settings, "SELECT status FROM mail_messages"))
    assert statuses == {"sent": ORDERS}
    assert set(links) <= {first, second} and links
    print(f"\ninvitations sent once each, by process: {dict(links)}")
