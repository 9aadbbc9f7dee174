"""A variant's invitation e-mail: its subject and copy in place of the campaign's template."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from shareback.mail import journeys
from shareback.mail.render import check
from shareback.storage.records import MailTemplate


def _html(text: str) -> str:
    """The copy as HTML paragraphs; the owner's own text is shown as text, never as markup."""
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paragraphs = [p.strip().replace("\n", "<br>") for p in safe.split("\n\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def invite_template(template: MailTemplate, overrides: Mapping[str, Any]) -> MailTemplate:
    subject, body = overrides.get("email_subject"), overrides.get("email_body")
    if not subject and not body:
        return template
    return dataclasses.replace(
        template,
        subject=subject or template.subject,
        text_body=body or template.text_body,
        html_body=_html(body) if body else template.html_body,
    )


def problem(overrides: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first reason the variant's e-mail cannot be sent (syntax, an unknown name), if any."""
    if not overrides.get("email_subject") and not overrides.get("email_body"):
        return None
    base = journeys.DEFAULT_TEMPLATES[(journeys.INVITE, "en")]
    for field, message in check(invite_template(base, overrides)).items():
        return ("email_subject" if field == "subject" else "email_body"), message
    return None
