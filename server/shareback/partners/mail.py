"""The partners' e-mails: an invitation from the owner and the portal's sign-in link, sent at
once through the shop's SMTP server (SHAREBACK_SMTP_URL, mail/smtp.py), in the partner's
language, with the List-Unsubscribe headers every Shareback message carries."""

from __future__ import annotations

import logging
import secrets
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

import aiosmtplib

from shareback import tokens
from shareback.i18n import gettext as _
from shareback.i18n import pick_locale, use_locale
from shareback.mail.sender import unsubscribe_url
from shareback.mail.smtp import parse_sender, parse_smtp_url
from shareback.settings import Settings

log = logging.getLogger("shareback.mail")
KINDS = ("invitation", "sign_in")


def partner_message(
    kind: str,
    lang: str,
    *,
    sender: Address,
    to: Address,
    shop: str,
    link: str,
    unsubscribe: str,
) -> EmailMessage:
    assert kind in KINDS
    lang = pick_locale(lang)  # only a language we speak reaches the message's headers and HTML
    with use_locale(lang):
        if kind == "invitation":
            subject = _("%(shop)s invites you to its partner programme") % {"shop": shop}
            lead = _(
                "%(shop)s would like you as a partner: you earn a commission on the orders "
                "your links bring. Say yes on this page:"
            ) % {"shop": shop}
            button = _("Join the partner programme")
        else:
            subject = _("Your sign-in link for the %(shop)s partner portal") % {"shop": shop}
            lead = _(
                "Open your partner portal with this link. It works for 7 days; ask for a new "
                "one at any time. Did you not ask for it? Then ignore this e-mail."
            )
            button = _("Open my partner portal")
        reason = _("You get this e-mail because of the %(shop)s partner programme.") % {
            "shop": shop
        }
        stop = _("Unsubscribe")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(tokens.now_utc())
    message["Message-ID"] = f"<partner-{secrets.token_hex(12)}@{sender.domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(f"{lead}\n\n{link}\n\n-- \n{reason}\n{stop}: {unsubscribe}\n")
    message.add_alternative(
        f'<!doctype html><html lang="{lang}"><body><p>{escape(lead)}</p>'
        f'<p><a href="{escape(link)}">{escape(button)}</a></p>'
        f'<hr><p><small>{escape(reason)} <a href="{escape(unsubscribe)}">{escape(stop)}</a>'
        "</small></p></body></html>",
        subtype="html",
    )
    message["Content-Language"] = lang
    return message


async def send_partner_mail(
    settings: Settings,
    secret_key: str,
    kind: str,
    lang: str,
    *,
    email: str,
    email_key: str,
    name: str,
    shop: str,
    link: str,
) -> bool:
    """False (logged) when no SMTP server or sender is set, or the server refused."""
    if not settings.smtp_url or not settings.email_from:
        log.warning("partner %s e-mail not sent: set SHAREBACK_SMTP_URL and EMAIL_FROM", kind)
        return False
    target = parse_smtp_url(settings.smtp_url)
    sender = parse_sender(settings.email_from)
    local, _at, domain = email.rpartition("@")
    message = partner_message(
        kind,
        lang,
        sender=sender,
        to=Address(name[:70], local, domain),
        shop=shop,
        link=link,
        unsubscribe=unsubscribe_url(settings.public_url, secret_key, email_key),
    )
    try:
        await aiosmtplib.send(
            message,
            hostname=target.host,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.implicit_tls,
            start_tls=target.starttls,
            timeout=30,
        )
    except (aiosmtplib.SMTPException, OSError):
        log.exception("the partner %s e-mail could not be sent", kind)
        return False
    return True
