"""Why an import row was rejected, in words: the code is stored, the words are shown in the
reader's language (the dashboard) or in English (the command line and the API)."""

from __future__ import annotations

from shareback.i18n import N_, gettext

REASONS: dict[str, str] = {
    "missing_email": N_("no e-mail address (and no id of a known customer)"),
    "invalid_email": N_("not a valid e-mail address"),
    "external_id_conflict": N_("this id belongs to a customer with another e-mail address"),
    "unknown_customer": N_("no customer with this id or e-mail address"),
    "missing_id": N_("the id is missing"),
    "invalid_id": N_("the id is longer than 128 characters"),
    "invalid_amount": N_("not an amount (such as 59.90)"),
    "missing_amount": N_("the amount is missing"),
    "invalid_currency": N_("not a currency code (such as EUR)"),
    "invalid_count": N_("not a whole number"),
    "invalid_score": N_("the score is out of range (satisfaction 1 to 5, NPS 0 to 10)"),
    "invalid_date": N_("not a date and time (such as 2026-05-04 10:00:00 +0200)"),
    "missing_date": N_("the date is missing"),
    "closed_before_opened": N_("closed before it was opened"),
    "refund_above_total": N_("more refunded than the order's total"),
    "currency_mismatch": N_("in another currency than the customer's revenue"),
    "invalid_text": N_("the row holds a NUL character"),
    "cell_too_long": N_("a cell is longer than 1,000 characters"),
    "malformed_row": N_("the row cannot be read as CSV"),
}


def english(reason: str) -> str:
    return REASONS.get(reason, reason)


def words(reason: str) -> str:
    """In the current request's language."""
    return gettext(REASONS[reason]) if reason in REASONS else reason
