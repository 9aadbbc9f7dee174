"""An advocate with an approved cash reward gives their own bank account: the approval e-mail
(through a real SMTP server) carries a signed link; the page takes a valid IBAN, refuses a bad
one with a clear 422 and saves nothing, shows the saved account masked, and the owner's payout
batch then pays that account. Forged, altered and expired links get a 400."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import test_mail_journeys
import xmlschema
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from mail_support import SmtpServer, html_links, send_rounds
from shareback import payouts
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows, follow_link, join_campaign
from test_mail_journeys import AUTH, SECRET_KEY, approve_rewards, paid
from test_reward_month import XSD

IBAN = "NL91ABNA0417164300"
# The mail tests' fixtures: a real SMTP server on loopback and the app sending to it.
smtp = test_mail_journeys.smtp
mail_settings = test_mail_journeys.mail_settings
mail_client = test_mail_journeys.mail_client


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shop's own account, which the SEPA file pays from."""
    return dataclasses.replace(
        settings, payout_name="Brandpunt Koffie", payout_iban="NL44RABO0123456789"
    )


def cash_campaign(client: TestClient) -> None:
    changed = client.patch(
        "/api/v1/campaigns/default",
        json={"referrer_reward": {"type": "cash", "value": "7.50"}},
        headers=AUTH,
    )
    assert changed.status_code == 200, changed.text


def form(client: TestClient, url: str, **fields: str) -> Any:
    return client.post(
        url, data=fields, headers={"content-type": "application/x-www-form-urlencoded"}
    )


def saved_accounts(settings: Settings) -> list[tuple[str, str]]:
    rows = db_rows(settings, "SELECT holder_name, iban FROM payout_accounts")
    return [(row[0], row[1]) for row in rows]


def test_the_advocate_gives_their_iban_from_the_approval_email_and_the_batch_pays_it(
    mail_client: TestClient, mail_settings: Settings, smtp: SmtpServer, webhook_secret: str
) -> None:
    client, settings = mail_client, mail_settings
    cash_campaign(client)
    anna = join_campaign(client, "anna@example.nl", "Anna de Vries")
    ref = follow_link(client, str(anna["code"]))
    paid(client, webhook_secret, "5001", "femke@example.com", ref, name="Femke")
    now = datetime.now(UTC)
    send_rounds(settings, SECRET_KEY, [now])  # Femke's invitation, Anna's pending news
    assert approve_rewards(settings, now + timedelta(days=15)) == 1
    before = len(smtp.inbox.received)
    [report] = send_rounds(settings, SECRET_KEY, [now + timedelta(days=15, minutes=1)])
    assert report.sent == 1
    [approved] = smtp.inbox.received[before:]
    assert approved.rcpt_tos == ["anna@example.nl"]
    assert "Tell us where to transfer €7.50: enter your bank account (IBAN)" in approved.text
    [link] = [url for url in html_links(approved.html) if "/payout-account?" in url]
    assert link in approved.text  # the text part carries the same link
    parts = urlsplit(link)
    assert parts.netloc == "refer.test" and parse_qs(parts.query)["lang"] == ["en"]
    page = parts.path + "?" + parts.query

    shown = client.get(page)
    assert shown.status_code == 200 and "Where should we send your reward?" in shown.text
    assert 'value="Anna de Vries"' in shown.text  # her name, to confirm or change
    assert "default-src 'none'" in shown.headers["content-security-policy"]

    # A mistyped IBAN (one digit off) is refused and nothing is saved.
    wrong = form(client, page, holder_name="Anna de Vries", iban="NL91ABNA0417164301")
    assert wrong.status_code == 422 and "not a valid IBAN" in wrong.text
    assert saved_accounts(settings) == []
    nameless = form(client, page, holder_name="  ", iban=IBAN)
    assert nameless.status_code == 422 and "Enter the account holder" in nameless.text
    assert saved_accounts(settings) == []

    done = form(client, page, holder_name=" Anna  de Vries ", iban="nl91 abna 0417 1643 00")
    assert done.status_code == 200 and "Saved. We transfer your reward to" in done.text
    assert "NL91 •••• •••• 4300" in done.text and IBAN not in done.text
    assert saved_accounts(settings) == [("Anna de Vries", IBAN)]
    again = client.get(parts.path + "?" + parts.query.replace("lang=en", "lang=nl"))
    assert "Nu opgeslagen: Anna de Vries, NL91 •••• •••• 4300" in again.text
    assert '<html lang="nl">' in again.text

    # The owner's batch pays the account Anna gave, in a SEPA file that validates.
    payable = client.get("/api/v1/payouts/payable", headers=AUTH).json()["data"]
    assert [p["account"]["iban"] for p in payable] == [IBAN]
    batch = client.post(
        "/api/v1/payout-batches", json={"reward_ids": [payable[0]["reward_id"]]}, headers=AUTH
    )
    assert batch.status_code == 201, batch.text
    sepa = client.get(batch.json()["sepa_url"], headers=AUTH).text
    xmlschema.XMLSchema(str(XSD)).validate(sepa)
    assert IBAN in sepa and "Anna de Vries" in sepa


def test_forged_altered_and_expired_links_are_a_clear_400_and_save_nothing(
    mail_client: TestClient, mail_settings: Settings
) -> None:
    client = mail_client
    anna = join_campaign(client, "anna@example.nl", "Anna")
    code = str(anna["code"])
    genuine = payouts.account_link_token(SECRET_KEY, code)
    assert payouts.account_link_code(SECRET_KEY, genuine) == code

    class SignedLongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - (payouts.ACCOUNT_LINK_DAYS + 1) * 86_400

    expired = URLSafeTimedSerializer(
        SECRET_KEY, salt=payouts.ACCOUNT_LINK_SALT, signer=SignedLongAgo
    ).dumps(code)
    assert payouts.account_link_code(SECRET_KEY, expired) is None
    other_key = payouts.account_link_token("another-secret-key-0123456789abcdef", code)
    altered = genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB")
    for token in (expired, other_key, altered, "", "x" * 5000, genuine + "\x00"):
        shown = client.get("/payout-account", params={"t": token})
        assert shown.status_code == 400 and "does not work" in shown.text, token[:40]
        posted = client.post(
            "/payout-account",
            params={"t": token},
            data={"holder_name": "Mallory", "iban": IBAN},
        )
        assert posted.status_code == 400
    assert saved_accounts(mail_settings) == []
    unknown = payouts.account_link_token(SECRET_KEY, "NOBODY-123")
    assert client.get("/payout-account", params={"t": unknown}).status_code == 400
    # The genuine link works, and takes no more fields than its form has.
    assert client.get("/payout-account", params={"t": genuine}).status_code == 200
    flood = client.post(
        "/payout-account",
        params={"t": genuine},
        data={f"f{i}": "x" for i in range(50)},
    )
    assert flood.status_code == 400
    assert saved_accounts(mail_settings) == []
