"""How the dashboard writes numbers, money, rates and times in the request's locale and the shop's
time zone (shareback/formats.py has the rules); "—" wherever there is no data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

from shareback import formats, i18n
from shareback.auth import roles
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.rewards import RewardSpec
from shareback.times import rfc3339

DASH = "—"
# Labels are marked here (N_) and translated where they are shown (channel(), reward_type()…).
CHANNELS = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X",
    "linkedin": "LinkedIn",
    "telegram": "Telegram",
    "messenger": "Messenger",
    "email": N_("E-mail"),
    "sms": N_("Text message (SMS)"),
    "copy": N_("Copied link"),
    "native": N_("Phone's share menu"),
    "qr": N_("QR code"),
    "link": N_("Direct link"),
}
REWARD_TYPES = {
    "percent_discount": N_("Percentage discount"),
    "fixed_discount": N_("Fixed discount"),
    "credit": N_("Store credit"),
    "coupon": N_("Coupon code"),
    "points": N_("Points"),
    "cash": N_("Cash (bank transfer)"),
    "custom": N_("Something else (you give it yourself)"),
}


def _locale() -> str:
    return i18n.current_locale()


def number(value: int | None) -> str:
    return DASH if value is None else formats.number(value, _locale())


def money_text(minor: int | None, currency: str = "EUR") -> str:
    """€ 1.234,50 (nl), €1,234.50 (en): thousands grouped, whole amounts without cents."""
    if minor is None:
        return DASH
    return formats.amount(minor, currency, _locale())


def percent(value: Decimal | None) -> str:
    """7,5% (nl), 7.5% (en): a share, one decimal at most."""
    return DASH if value is None else formats.percent(value, _locale())


def times(value: Decimal | None) -> str:
    return DASH if value is None else formats.number(value, _locale(), places=1) + "\u00d7"


def decimal(value: Decimal | None) -> str:
    return DASH if value is None else formats.number(value, _locale(), places=2)


def percent_value(value: str | Decimal | None) -> str:
    """A percentage kept as its number ("7.5") → 7,5% (nl), 7.5% (en)."""
    return DASH if value is None else formats.percent_of(value, _locale())


def tenths(value: Decimal | None) -> str:
    """3,1 (nl), 3.1 (en): a rate of one count per another."""
    return DASH if value is None else formats.number(value, _locale(), places=1)


def count_of(value: Decimal | int | None) -> int:
    """The n for ngettext of a shown number: 1 when it reads as one ("1.0 click"), else 2."""
    if value is None:
        return 2
    return 1 if Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP) == 1 else 2


def plural(count: int | None, one: str, other: str) -> str:
    """ "1 link preview", "2 link previews": the number with the word that fits it (English words:
    new templates write ngettext("%(num)s link preview", "%(num)s link previews", n) instead)."""
    return f"{number(count)} {one if count == 1 else other}"


def rate(value: Decimal | None, one: str, other: str) -> str:
    """A rate of one count per another, never a percentage: "3.1 clicks", "1.0 click"."""
    if value is None:
        return DASH
    return f"{tenths(value)} {one if count_of(value) == 1 else other}"


def moment(value: datetime | None) -> str:
    """12 mrt 2025, 14:05 in the shop's time zone."""
    if value is None:
        return DASH
    return formats.moment(value, _locale(), i18n.current_zone())


def day(value: date | datetime | None) -> str:
    """12 mrt 2025; a moment is shown as the shop's calendar day."""
    return DASH if value is None else formats.day(value, _locale(), i18n.current_zone())


def clock(value: datetime | None) -> str:
    """14:05 in the shop's time zone."""
    return DASH if value is None else value.astimezone(i18n.current_zone()).strftime("%H:%M")


def zone_name() -> str:
    """The shop's time zone as people name it: "Europe/Amsterdam"."""
    return str(i18n.current_zone())


def iso(value: datetime) -> str:
    return rfc3339(value)


def ago(value: datetime, now: datetime | None = None) -> str:
    """ "just now", "5 min. ago" / "5 minuten geleden" (never rounded up to the next unit)."""
    elapsed = (now or datetime.now(UTC)) - value
    if elapsed < timedelta(minutes=1):
        return _("just now")
    return formats.ago(elapsed, _locale())


def channel(value: str | None) -> str:
    if not value:
        return _(CHANNELS["link"])
    return _(CHANNELS[value]) if value in CHANNELS else value.capitalize()


def reward(spec: RewardSpec) -> str:
    return spec.describe(_locale())


def reward_type(value: str) -> str:
    return _(REWARD_TYPES[value]) if value in REWARD_TYPES else value


# How an approved reward still reaches its person, and how a fulfilled one did (fulfilment.py).
FULFILMENT_WAITS = {
    "payout": N_("Waiting for a payout batch"),
    "credit": N_("Credit being added"),
    "coupon": N_("Coupon code being issued"),
    "shop": N_("You give it yourself: mark it as given"),
    "checkout": N_("Given at the checkout"),
}
FULFILMENT_DONE = {
    "payout": N_("Paid in a payout batch"),
    "credit": N_("Added to the store-credit balance"),
    "coupon": N_("Coupon code issued"),
    "shop": N_("Given by the shop"),
    "checkout": N_("Discount given at the checkout"),
}


# A campaign's and a reward's state, as the badges and tabs name them.
STATUSES = {
    "live": N_("Live"),
    "scheduled": N_("Scheduled"),
    "ended": N_("Ended"),
    "archived": N_("Archived"),
    "pending": N_("Waiting"),
    "approved": N_("Approved"),
    "fulfilled": N_("Given"),
    "revoked": N_("Revoked"),
    "rejected": N_("Rejected"),
    "paid": N_("Paid"),
    "refused": N_("Refused"),
    "review": N_("Held"),
}


def status(value: str) -> str:
    return _(STATUSES[value]) if value in STATUSES else value.capitalize()


def fulfilment_waits(value: str) -> str:
    return _(FULFILMENT_WAITS[value]) if value in FULFILMENT_WAITS else value


def fulfilment_done(value: str) -> str:
    return _(FULFILMENT_DONE[value]) if value in FULFILMENT_DONE else value


def role_name(value: str) -> str:
    """Owner / Eigenaar; an unknown role as it is stored."""
    role = roles.parse_role(value)
    return _(roles.NAMES[role]) if role else value


def role_description(value: str) -> str:
    role = roles.parse_role(value)
    return _(roles.DESCRIPTIONS[role]) if role else ""


# What a stored delivery or mail error means, by the exception's name at its start ("ConnectError:
# All connection attempts failed"); the raw text stays one click away on the page.
ERROR_WORDS = (
    (
        ("ConnectError", "ConnectionRefusedError", "ConnectionResetError", "gaierror"),
        N_("The receiving server could not be reached."),
    ),
    (
        (
            "ConnectTimeout",
            "ReadTimeout",
            "WriteTimeout",
            "PoolTimeout",
            "TimeoutException",
            "TimeoutError",
            "SMTPTimeoutError",
        ),
        N_("The receiving server took too long to answer."),
    ),
    (
        ("RemoteProtocolError", "ReadError", "WriteError", "ProtocolError"),
        N_("The receiving server's answer could not be read."),
    ),
    (
        ("SMTPRecipientsRefused", "SMTPRecipientRefused"),
        N_("The mail server refused this address."),
    ),
    (("SMTPSenderRefused",), N_("The mail server refused the sender's address.")),
    (("SMTPAuthenticationError",), N_("The mail server did not accept the user name or password.")),
    (("SMTPConnectError", "SMTPServerDisconnected"), N_("The mail server could not be reached.")),
)


def error_words(raw: str | None) -> str:
    """ "ConnectError: All connection attempts failed" → "The receiving server could not be
    reached."; "HTTP 503" → "It answered with an error (HTTP 503)."."""
    if not raw:
        return DASH
    name = raw.split(":", 1)[0].strip()
    if name.startswith("HTTP ") and name[5:].isdigit():
        code = int(name[5:])
        if 400 <= code < 500:
            return _("It refused the message (HTTP %(code)s).") % {"code": code}
        return _("It answered with an error (HTTP %(code)s).") % {"code": code}
    for names, words in ERROR_WORDS:
        if name in names:
            return _(words)
    return _("Sending failed.")


def translate(value: str) -> str:
    """A word marked with N_ in Python (a rule's name, a definition), in the page's language."""
    return _(value)


def url(value: str) -> Markup:
    """An address that may wrap after a slash of its path rather than in the middle of a word."""
    scheme, sep, rest = value.partition("://")
    host, slash, path = rest.partition("/")
    if not sep or not slash:
        return escape(value)
    parts = [escape(part) for part in path.split("/")]
    return escape(f"{scheme}://{host}") + Markup("/<wbr>") + Markup("/<wbr>").join(parts)


FILTERS: dict[str, Callable[..., Any]] = {
    "number": number,
    "money": money_text,
    "percent": percent,
    "times": times,
    "decimal": decimal,
    "plural": plural,
    "rate": rate,
    "tenths": tenths,
    "count_of": count_of,
    "moment": moment,
    "clock": clock,
    "day": day,
    "iso": iso,
    "ago": ago,
    "channel": channel,
    "reward": reward,
    "reward_type": reward_type,
    "fulfilment_waits": fulfilment_waits,
    "fulfilment_done": fulfilment_done,
    "url": url,
    "t": translate,
    "role": role_name,
    "status": status,
    "error_words": error_words,
    "percent_value": percent_value,
}
