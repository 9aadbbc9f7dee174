"""SHAREBACK_SMTP_URL and SHAREBACK_EMAIL_FROM: read into the SMTP target, and checked when
Shareback starts, with a message that says what to write (and never shows the password)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from shareback.cli import main
from shareback.mail.smtp import SmtpTarget, SmtpUrlError, parse_sender, parse_smtp_url
from shareback.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("smtp://mail.example.com", SmtpTarget("mail.example.com", 587, False, True, None, None)),
        (
            "smtp://apikey:s3cr%40t%3Ax@smtp.example.com:2525",
            SmtpTarget("smtp.example.com", 2525, False, True, "apikey", "s3cr@t:x"),
        ),
        (
            "smtps://shop%40example.nl:pw@smtp.example.com",
            SmtpTarget("smtp.example.com", 465, True, False, "shop@example.nl", "pw"),
        ),
        (
            "smtp://127.0.0.1:1025?starttls=off",
            SmtpTarget("127.0.0.1", 1025, False, False, None, None),
        ),
    ],
)
def test_smtp_urls_name_host_port_tls_and_sign_in(url: str, target: SmtpTarget) -> None:
    assert parse_smtp_url(url) == target


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "mail.example.com:587",
        "smtp://",
        "smtp://user:pw@",
        "smtp://mail.example.com:99999",
        "smtp://mail.example.com:abc",
        "smtp://mail.example.com/path",
        "smtp://mail.example.com?tls=maybe",
        "smtp://mail.example.com?starttls=sometimes",
    ],
)
def test_an_smtp_url_that_cannot_work_stops_the_start(url: str) -> None:
    with pytest.raises(SmtpUrlError):
        parse_smtp_url(url)
    with pytest.raises(SettingsError, match="SHAREBACK_SMTP_URL") as info:
        Settings.from_env({"SHAREBACK_SMTP_URL": url})
    assert "smtp://user:password@mail.example.com:587" in str(info.value)


def test_the_password_is_never_shown() -> None:
    target = parse_smtp_url("smtps://user:hunter2-secret@mail.example.com")
    assert "hunter2" not in repr(target)
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"SHAREBACK_SMTP_URL": "smtp://user:hunter2-secret@mail.example.com/x"})
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    "sender",
    [
        "Brandpunt Koffie <hello@brandpunt.example>",
        "hello@brandpunt.example",
        '"Café, Inc" <a@b.nl>',
    ],
)
def test_a_sender_is_one_address(sender: str) -> None:
    settings = Settings.from_env({"SHAREBACK_EMAIL_FROM": sender})
    assert settings.email_from == sender
    assert "@" in parse_sender(sender).addr_spec


@pytest.mark.parametrize(
    "sender",
    ["nope", "a@b", "One <a@b.nl>, two@b.nl", "Shop <a@b.nl>\nBcc: x@y.nl", "<>", "Shop"],
)
def test_a_sender_that_is_not_one_address_stops_the_start(sender: str) -> None:
    with pytest.raises(SettingsError, match="SHAREBACK_EMAIL_FROM"):
        Settings.from_env({"SHAREBACK_EMAIL_FROM": sender})


def test_the_cli_says_what_is_wrong_with_the_smtp_url(database_url: str) -> None:
    environ = {
        "SHAREBACK_DATABASE_URL": database_url,
        "SHAREBACK_SMTP_URL": "smtp://mail.example.com:0x",
    }
    result = CliRunner().invoke(main, ["migrate"], env=environ)
    assert result.exit_code == 1
    assert "Error: SHAREBACK_SMTP_URL" in result.output and "Traceback" not in result.output
