"""A journey's template rendered in Jinja2's sandbox, and the multipart message built from it.

Owner-edited templates are untrusted text: the sandbox refuses attribute tricks, the HTML part
escapes every variable, and an unknown name is an error at save time, not a blank at send time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from shareback.mail import journeys, variables
from shareback.storage.records import MailTemplate

MAX_SUBJECT = 200
MAX_BODY = 20_000
_text = ImmutableSandboxedEnvironment(
    autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
)
_html = ImmutableSandboxedEnvironment(
    autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
)


class RenderError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _one(
    env: ImmutableSandboxedEnvironment, field: str, source: str, variables: dict[str, Any]
) -> str:
    try:
        return env.from_string(source).render(variables)
    except TemplateError as exc:  # syntax, unknown names, sandbox refusals
        raise RenderError(field, str(exc.message or exc)) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise RenderError(field, f"{type(exc).__name__}: {exc}") from None


def render(template: MailTemplate, variables: dict[str, Any]) -> Rendered:
    subject = " ".join(_one(_text, "subject", template.subject, variables).split())
    if not subject:
        raise RenderError("subject", "the subject is empty")
    return Rendered(
        subject=subject[:MAX_SUBJECT],
        text=_one(_text, "text_body", template.text_body, variables),
        html=_one(_html, "html_body", template.html_body, variables),
    )


SAMPLE: dict[str, Any] = {
    "shop": "Brandpunt Koffie",
    "name": "Anna",
    "link": "https://refer.example.com/r/ANNA7K",
    "code": "ANNA10",
    "friend_offer": "10% off",
    "referrer_offer": "€10.00 store credit",
    "referrer_name": "Anna",
    "friend_name": "Femke",
    "reward": "€10.00 store credit",
    "amount": "10.00",
    "approve_after": "2026-12-15",
    "fulfilment": "",  # worded per language by sample_variables
    "payout_link": None,
    "campaign": "Spring",
    "week": "24 \u2013 30 November 2026",
    "new_advocates": 12,
    "shares": 31,
    "clicks": 58,
    "referred_orders": 4,
    "revenue": "€183.60",
    "pending_rewards": 4,
    "approved_rewards": 2,
    "dashboard_link": "https://refer.example.com/admin",
    "tier": "Goud",
    "previous_tier": "Zilver",
    "promoted": True,
    "page_link": "https://refer.example.com/advocate/open?t=…",
    "minutes": 60,
}


def sample_variables(journey: str, lang: str) -> dict[str, Any]:
    """What the preview shows: every name the journey offers, with an example value."""
    sample = {name: SAMPLE[name] for name in journeys.VARIABLES[journey]}
    if lang == "nl":
        sample.update(friend_offer="10% korting", referrer_offer="€10,00 tegoed")
        sample.update(reward="€10,00 tegoed")
    if "fulfilment" in sample:
        credit = {"method": "credit", "balance_minor": 1000, "currency": "EUR"}
        sample["fulfilment"] = variables.fulfilment({"reaches": credit}, lang, SAMPLE["shop"])
    return sample


def check(template: MailTemplate) -> dict[str, str]:
    """Each field's problem (syntax, an unknown name, too long), as the form shows it."""
    problems: dict[str, str] = {}
    for field, value, limit in (
        ("subject", template.subject, MAX_SUBJECT),
        ("text_body", template.text_body, MAX_BODY),
        ("html_body", template.html_body, MAX_BODY),
    ):
        if not value.strip():
            problems[field] = "Write something here."
        elif len(value) > limit:
            problems[field] = f"Keep it to at most {limit:,} characters."
        elif "\x00" in value:
            problems[field] = "Remove the control characters."
    if problems:
        return problems
    try:
        render(template, sample_variables(template.journey, template.lang))
    except RenderError as exc:
        names = ", ".join(journeys.VARIABLES[template.journey])
        problems[exc.field] = f"{exc.message}. The names you can use: {names}."
    return problems


BODY_STYLE = (
    "margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;"
    "line-height:1.5;color:#222222;background:#ffffff"
)


def _content(body: str, footer: Markup) -> str:
    return (
        f'<div style="max-width:560px;margin:0 auto">{body}'
        '<hr style="border:0;border-top:1px solid #dddddd;margin:32px 0 16px">'
        f'<p style="font-size:12px;color:#666666">{footer}</p></div>'
    )


def _html_document(body: str, lang: str, footer: Markup) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width"></head>'
        f'<body style="{BODY_STYLE}">{_content(body, footer)}</body></html>\n'
    )


def _footer(journey: str, lang: str, shop: str, unsubscribe_url: str) -> tuple[str, str, Markup]:
    reason, label = journeys.footer_reason(journey, lang, shop), journeys.FOOTER_LINK[lang]
    html = escape(reason) + Markup(' <a href="{0}" style="color:#666666">{1}</a>').format(
        unsubscribe_url, label
    )
    return reason, label, html


def preview_document(rendered: Rendered, journey: str, lang: str, shop: str, sender: str) -> str:
    """The dashboard's preview: the subject, the HTML part as the shopper sees it, and the
    plain-text part, in one page (shown in a sandboxed frame)."""
    url = "https://refer.example.com/mail/unsubscribe?t=…"
    reason, label, footer = _footer(journey, lang, shop, url)
    text = f"{rendered.text.rstrip()}\n\n-- \n{reason}\n{label}: {url}\n"
    meta = Markup(
        '<div style="font:14px/1.4 Arial,sans-serif;background:#f4f5f7;padding:12px 24px;'
        'border-bottom:1px solid #dddddd"><p style="margin:0"><b>From:</b> {0}</p>'
        '<p style="margin:0"><b>Subject:</b> {1}</p></div>'
    ).format(sender, rendered.subject)
    plain = Markup(
        '<div style="padding:0 24px 24px"><h2 style="font:bold 14px Arial,sans-serif">'
        'Plain-text part</h2><pre style="white-space:pre-wrap;font-size:13px;background:#f4f5f7;'
        'padding:12px">{0}</pre></div>'
    ).format(text)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>Preview</title>'
        f'</head><body style="margin:0">{meta}<div style="{BODY_STYLE}">'
        f"{_content(rendered.html, footer)}</div>{plain}</body></html>\n"
    )


def build_message(
    rendered: Rendered,
    *,
    journey: str,
    sender: Address,
    to: Address,
    message_id: str,
    unsubscribe_url: str,
    lang: str,
    shop: str,
    at: datetime,
) -> EmailMessage:
    """text/plain and text/html alternatives, with RFC 8058 one-click unsubscribe headers."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    reason, label, footer_html = _footer(journey, lang, shop, unsubscribe_url)
    message.set_content(f"{rendered.text.rstrip()}\n\n-- \n{reason}\n{label}: {unsubscribe_url}\n")
    message.add_alternative(_html_document(rendered.html, lang, footer_html), subtype="html")
    # After the parts: the alternatives' making moves Content-* headers into the first part.
    message["Content-Language"] = lang
    return message
