"""The dashboard's e-mail pages: the set-up and the log (status per message, "Send again" for a
dead letter), a campaign's mail settings, and templates edited, checked, previewed and reset."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx2
import pytest
from mail_support import SmtpServer, send_rounds
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_execute, db_rows, order_paid, signed_headers
from test_admin_auth import admin, form_token

__all__ = ["admin"]
SECRET = "mail-test-secret-key-0123456789abcdef"
TEMPLATE = "/admin/campaigns/default/mail/template?journey=invite&lang=en"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Port 9 (discard) on loopback: nothing listens, every attempt fails quickly.
    return dataclasses.replace(
        settings,
        secret_key=SECRET,
        smtp_url="smtp://mailer:hunter2-pass@127.0.0.1:9",
        email_from="Brandpunt Koffie <hello@brandpunt.example>",
        mail_interval_seconds=3600,
    )


def order(client: TestClient, secret: str, order_id: str, email: str, name: str = "Bob") -> None:
    body = order_paid(order_id, email, "20.00", None, name=name)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"m{order_id}")
    )
    assert response.status_code == 200


def post(
    client: TestClient, path: str, data: Mapping[str, str | list[str]], page: str | None = None
) -> httpx2.Response:
    token = form_token(client, page or path)
    return client.post(path, data={**data, "csrf": token}, follow_redirects=False)


def test_the_log_shows_each_message_and_sends_a_dead_letter_again(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    order(admin, webhook_secret, "1001", "bob@example.com")
    start = datetime.now(UTC)
    send_rounds(settings, SECRET, [start])
    page = admin.get("/admin/settings/mail")
    assert page.status_code == 200
    assert "127.0.0.1:9 (STARTTLS, signed in as mailer)" in page.text and "hunter2" not in page.text
    assert "bob@example.com" in page.text and "Waiting" in page.text
    db_execute(settings, "UPDATE mail_messages SET status = 'dead'")
    dead = admin.get("/admin/settings/mail?status=dead")
    [mail_id] = re.findall(r"/admin/settings/mail/(\d+)/resend", dead.text)
    answer = post(
        admin, f"/admin/settings/mail/{mail_id}/resend", {"back": "dead"}, "/admin/settings/mail"
    )
    assert answer.status_code == 303 and "notice=mail-queued" in answer.headers["location"]
    assert db_rows(settings, "SELECT status, attempts FROM mail_messages")[0][:2] == ("pending", 0)
    again = post(admin, f"/admin/settings/mail/{mail_id}/resend", {}, "/admin/settings/mail")
    assert again.status_code == 409
    assert (
        post(admin, "/admin/settings/mail/abc/resend", {}, "/admin/settings/mail").status_code
        == 404
    )


def test_campaign_mail_settings_are_checked_and_kept(admin: TestClient, settings: Settings) -> None:
    path = "/admin/campaigns/default/mail"
    bad = post(
        admin,
        path,
        {
            "sender": "two@a.nl, three@b.nl",
            "lang": "es",
            "reminder_days": "0",
            "journeys": ["invite", "spam"],
        },
    )
    assert bad.status_code == 400
    for words in (
        "Enter one address",
        "Choose a language from the list",
        "from 1 to 365",
        "Choose e-mails from the list",
    ):
        assert words in bad.text
    good = post(
        admin,
        path,
        {
            "sender": "Koffie <koffie@shop.example>",
            "lang": "nl",
            "reminder_days": "3",
            "journeys": ["invite", "reminder"],
        },
    )
    assert good.status_code == 303
    [row] = db_rows(settings, "SELECT sender, lang, journeys, reminder_days FROM mail_settings")
    assert tuple(row) == ("Koffie <koffie@shop.example>", "nl", "invite reminder", 3)
    assert 'value="invite" checked' in admin.get(path).text


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("subject", "{% if %}", "Expected an expression"),
        ("text_body", "Hi {{ password }}", "password&#39; is undefined"),
        ("html_body", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
        ("html_body", "", "Write something here"),
        ("subject", "x" * 201, "at most 200"),
    ],
)
def test_a_template_that_cannot_work_is_refused_beside_its_field(
    admin: TestClient, field: str, value: str, problem: str
) -> None:
    data = {
        "journey": "invite",
        "lang": "en",
        "subject": "Hi",
        "text_body": "{{ link }}",
        "html_body": "<p>{{ link }}</p>",
    }
    answer = post(admin, TEMPLATE, {**data, field: value})
    assert answer.status_code == 400, answer.text[:500]
    assert problem in answer.text


def test_an_owners_template_is_saved_previewed_sent_escaped_and_reset(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    html = (
        '<p>Dear {{ name }}, share <a href="{{ link }}">this</a> and give {{ friend_offer }}.</p>'
    )
    data = {
        "journey": "invite",
        "lang": "en",
        "subject": "Share {{ shop }}!",
        "text_body": "Dear {{ name }}: {{ link }}",
        "html_body": html,
    }
    preview = post(
        admin, "/admin/campaigns/default/mail/preview?journey=invite&lang=en", data, TEMPLATE
    )
    assert preview.status_code == 200
    assert "sandbox" in preview.headers["content-security-policy"]
    assert "Dear Anna, share" in preview.text and "Share Brandpunt Koffie!" in preview.text
    assert (
        db_rows(settings, "SELECT COUNT(*) FROM mail_templates")[0][0] == 0
    )  # a preview saves nothing
    saved = post(admin, TEMPLATE, data)
    assert saved.status_code == 303
    editor = admin.get(TEMPLATE)
    assert (
        "Your wording" in editor.text
        and 'sandbox src="/admin/campaigns/default/mail/preview' in editor.text
    )
    shown = admin.get("/admin/campaigns/default/mail/preview?journey=invite&lang=en")
    assert "Dear Anna, share" in shown.text and shown.headers["x-frame-options"] == "SAMEORIGIN"
    # A customer whose name is markup: escaped in the HTML part of the message sent.
    smtp = SmtpServer()
    smtp.start()
    try:
        mailing = dataclasses.replace(settings, smtp_url=smtp.url)
        order(
            admin, webhook_secret, "1001", "eve@example.com", name='<img src=x onerror="alert(1)">'
        )
        [report] = send_rounds(mailing, SECRET, [datetime.now(UTC) + timedelta(seconds=1)])
        assert report.sent == 1
        [received] = smtp.inbox.received
    finally:
        smtp.stop()
    assert received.message["Subject"] == "Share Brandpunt Koffie!"
    assert "&lt;img" in received.html and "<img src=x" not in received.html
    assert received.text.startswith("Dear <img")  # plain text is plain
    reset = post(admin, TEMPLATE, {"journey": "invite", "lang": "en", "action": "reset"})
    assert reset.status_code == 303
    assert db_rows(settings, "SELECT COUNT(*) FROM mail_templates")[0][0] == 0


def test_unknown_journeys_and_languages_are_a_404_page(admin: TestClient) -> None:
    for query in ("journey=spam&lang=en", "journey=invite&lang=es", ""):
        assert admin.get(f"/admin/campaigns/default/mail/template?{query}").status_code == 404
        assert admin.get(f"/admin/campaigns/default/mail/preview?{query}").status_code == 404
    assert admin.get("/admin/campaigns/nope/mail").status_code == 404
