"""The widget's own labels (its buttons, form and hints), their owner-written wording and rules.

The bundle carries the English (widget/src/i18n.js, the same words as LABELS here: a test keeps
them equal); every other language, and an owner's own wording per campaign and language
(campaign_labels), comes with the API answers the widget waits for anyway (`texts`), so the
bundle grows with no language and the first paint waits for no extra request. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from shareback import i18n
from shareback.i18n import NP_
from shareback.i18n import gettext as _

BRACES = re.compile(r"\{([^{}]*)\}")

# The catalogue's context of the widget's labels: their own translations, apart from the
# dashboard's words that happen to be the same in English ("Copy link").
CONTEXT = "widget"
# key → the English; a pair is [visible label, accessible name]. {n} is a network's name, {k}
# the copy key (Ctrl or ⌘).
LABELS: dict[str, str | tuple[str, str]] = {
    "invite": NP_("widget", "Invite friends"),
    "close": NP_("widget", "Close"),
    "intro": NP_("widget", "Enter your e-mail address to get your personal link."),
    "email": NP_("widget", "Your e-mail address"),
    "name": NP_("widget", "Your name (optional)"),
    "submit": NP_("widget", "Get my link"),
    "need": NP_("widget", "Please enter your e-mail address."),
    "fail": NP_("widget", "Something went wrong. Please try again."),
    "loading": NP_("widget", "Loading…"),
    "link": NP_("widget", "Your referral link"),
    "copy": NP_("widget", "Copy link"),
    "copied": NP_("widget", "Copied"),
    "code": NP_("widget", "Your code"),
    "myCode": NP_("widget", "Or give friends your code"),
    "copyCode": NP_("widget", "Copy code"),
    "copiedMsg": NP_("widget", "Link copied"),
    "hint": NP_("widget", "Press {k}+C to copy the link."),
    "shareLink": NP_("widget", "Share your link"),
    "on": NP_("widget", "Share on {n}"),
    "mail": (NP_("widget", "E-mail"), NP_("widget", "Share by e-mail")),
    "sms": (NP_("widget", "SMS"), NP_("widget", "Share by SMS")),
    "native": NP_("widget", "Share…"),
    "qr": NP_("widget", "Show QR code"),
    "qrHide": NP_("widget", "Hide QR code"),
    "qrAlt": NP_("widget", "QR code for your referral link"),
    "dismiss": NP_("widget", "Dismiss"),
    "hide": NP_("widget", "Hide the invite button"),
}
# What an owner may reword (campaign_labels): every label of one string (the e-mail and SMS
# buttons' pairs keep the catalogue's wording).
EDITABLE = tuple(key for key, value in LABELS.items() if isinstance(value, str))
MAX_LENGTH = 120
# Buttons and short labels keep to one line on a phone (an inline card reserves its height
# before the answer arrives: a label that wraps would shift the page).
SHORT = frozenset(
    (
        *("invite", "close", "submit", "copy", "copied", "code", "copyCode", "native", "qr"),
        *("qrHide", "dismiss", "hide", "link", "shareLink", "on", "email", "name", "loading"),
        "copiedMsg",
    )
)
MAX_SHORT = 32


def longest(key: str) -> int:
    return MAX_SHORT if key in SHORT else MAX_LENGTH


def placeholders(key: str) -> tuple[str, ...]:
    """The placeholders a label must keep: {n} in "Share on {n}", {k} in the copy hint."""
    return {"on": ("n",), "hint": ("k",)}.get(key, ())


def label(lang: str, key: str) -> str | list[str]:
    value = LABELS[key]
    if isinstance(value, tuple):
        return [i18n.translate(lang, part, CONTEXT) for part in value]
    return i18n.translate(lang, value, CONTEXT)


def texts(lang: str, own: Mapping[str, str] | None = None) -> dict[str, str | list[str]]:
    """What the widget merges over its English: every label in lang (none for English, which
    the bundle has), then the owner's own wording of this campaign in this language."""
    found: dict[str, str | list[str]] = (
        {} if lang == i18n.DEFAULT_LOCALE else {key: label(lang, key) for key in LABELS}
    )
    found.update({key: value for key, value in (own or {}).items() if key in EDITABLE})
    return found


def own_label(key: str, value: str) -> tuple[str | None, str | None]:
    """An owner's wording of one label: (the text, None), (None, None) when empty (the
    catalogue's wording), or (None, the problem). One line, within its length, printable, with
    exactly the label's placeholders. Markup is kept as text: the widget sets every label with
    textContent and the dashboard escapes it, so "<b>" shows as "<b>", never as HTML."""
    found = " ".join(value.split())
    if not found:
        return None, None
    if len(found) > longest(key):
        return None, _("Keep it to %(num)s characters.") % {"num": longest(key)}
    if not found.isprintable():
        return None, _("Leave out control characters.")
    wanted = placeholders(key)
    if sorted(BRACES.findall(found)) != sorted(wanted) or found.count("{") != len(wanted):
        if wanted:
            names = ", ".join("{" + name + "}" for name in wanted)
            return None, _("Keep %(names)s in it, and no other braces.") % {"names": names}
        return None, _("Leave out { and }: this text has no placeholders.")
    return found, None


def own_labels(values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The labels an owner wrote for one language, checked: (the kept ones, problem by key)."""
    kept: dict[str, str] = {}
    problems: dict[str, str] = {}
    for key in EDITABLE:
        text, problem = own_label(key, values.get(key, ""))
        if problem is not None:
            problems[key] = problem
        elif text is not None:
            kept[key] = text
    return kept, problems
