"""A campaign's e-mail settings as the owner gives them, checked: each problem beside its field."""

from __future__ import annotations

from collections.abc import Iterable

from shareback.i18n import gettext as _
from shareback.mail import journeys
from shareback.mail.smtp import parse_sender
from shareback.storage.records import MailSettings

MAX_REMINDER_DAYS = 365


def check_settings(
    campaign_id: int, sender: str, lang: str, chosen: Iterable[str], reminder_days: str
) -> tuple[MailSettings | None, dict[str, str]]:
    errors: dict[str, str] = {}
    sender = sender.strip()
    if sender:
        try:
            parse_sender(sender)
        except ValueError:
            errors["sender"] = _(
                "Enter one address, such as Your Shop <hello@shop.example>, or leave it empty."
            )
    if lang not in journeys.LANGS:
        errors["lang"] = _("Choose a language from the list.")
    picked = tuple(dict.fromkeys(chosen))
    if set(picked) - set(journeys.JOURNEYS):
        errors["journeys"] = _("Choose e-mails from the list.")
    raw = reminder_days.strip()
    days = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None
    if days is None or not 1 <= days <= MAX_REMINDER_DAYS:
        errors["reminder_days"] = _("A whole number of days from 1 to %(num)s.") % {
            "num": MAX_REMINDER_DAYS
        }
    if errors or days is None:
        return None, errors
    ordered = tuple(j for j in journeys.JOURNEYS if j in picked)
    return MailSettings(campaign_id, sender or None, lang, ordered, days), {}
