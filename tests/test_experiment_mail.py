"""The invitation e-mail of an experiment's variant: its subject and copy (templates with the
journey's own names), its offer, and the advocate recorded as having seen it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mail_support import SmtpServer, send_rounds
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows
from test_mail_journeys import AUTH, SECRET_KEY, paid
from test_mail_journeys import mail_client as mail_client
from test_mail_journeys import mail_settings as mail_settings
from test_mail_journeys import smtp as smtp

BASE = "/api/v1/campaigns/default/experiments"
SUBJECT = "{{ name }}, your friends get {{ friend_offer }}"
BODY = "Share {{ link }} & give {{ friend_offer }}.\n\nThanks, {{ shop }}"


def test_customers_get_the_invitation_of_their_variant(
    mail_client: TestClient, mail_settings: Settings, smtp: SmtpServer, webhook_secret: str
) -> None:
    plan = {
        "name": "Invitation copy",
        "primary_metric": "share_rate",
        "variants": [
            {"name": "As it is"},
            {
                "name": "Personal",
                "overrides": {
                    "email_subject": SUBJECT,
                    "email_body": BODY,
                    "friend_reward": {"type": "percent_discount", "value": "25"},
                },
            },
        ],
    }
    made = mail_client.post(BASE, json=plan, headers=AUTH)
    assert made.status_code == 201, made.text
    url = f"{BASE}/{made.json()['id']}/status"
    assert mail_client.post(url, json={"status": "running"}, headers=AUTH).status_code == 200
    for n in range(12):
        paid(mail_client, webhook_secret, f"order-{n}", f"buyer{n}@example.nl", name=f"Buyer{n}")
    send_rounds(mail_settings, SECRET_KEY, [datetime.now(UTC) + timedelta(minutes=1)])
    seen = {
        str(row[0]): str(row[1])
        for row in db_rows(
            mail_settings,
            "SELECT a.email, e.variant FROM experiment_exposures e "
            "JOIN advocates a ON a.id = e.advocate_id",
        )
    }
    assert len(seen) == 12 and set(seen.values()) == {"A", "B"}
    for email, variant in seen.items():
        (received,) = smtp.inbox.to(email)
        subject = str(received.message["Subject"])
        name = email.split("@")[0].capitalize()
        if variant == "B":
            assert subject == f"{name}, your friends get 25% off"
            assert (
                "& give 25% off." in received.text and "Thanks, Brandpunt Koffie" in received.text
            )
            assert "&amp; give 25% off.</p><p>Thanks" in received.html
        else:
            assert "your friends get" not in subject and "25%" not in received.text
