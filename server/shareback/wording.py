"""The words the widget shows that depend on the campaign, in the shopper's language."""

from __future__ import annotations

from collections.abc import Mapping

from shareback import design, i18n
from shareback.i18n import N_
from shareback.storage.base import Campaign

LANGS = i18n.PUBLIC_LOCALES

# Shareback's own wording (the owner's, from the designer, comes first), translated in the
# shopper's language through the public catalogue.
TEXTS = {
    "headline": N_("Give {friend}, get {referrer}"),
    "offer": N_("Your friends get {friend}, you get {referrer}."),
    "share": N_("I love {shop}! Use my link to get {friend} on your first order:"),
    "subject": N_("{friend} at {shop}"),
    "friend": N_("{name} gives you {friend} on your first order"),
    "someone": N_("A friend"),
}


def pick_lang(requested: str | None) -> str:
    """'nl', 'nl-NL', 'de_AT' → nl, de; anything else → en."""
    return i18n.pick_locale(requested)


def shopper_lang(requested: str | None, headers: Mapping[str, str]) -> str:
    """The language a shopper reads: the widget's `lang` (the tag's data-lang, else the page's
    <html lang>) when Shareback speaks it, else the browser's Accept-Language, else English."""
    return (
        i18n.known_locale(requested)
        or i18n.accepted_locale(headers.get("accept-language"), i18n.PUBLIC_LOCALES)
        or i18n.DEFAULT_LOCALE
    )


def text(lang: str, name: str) -> str:
    """One of Shareback's own texts (TEXTS) in lang."""
    return i18n.translate(lang, TEXTS[name])


def offers(campaign: Campaign, lang: str) -> dict[str, str]:
    return {
        "referrer": campaign.referrer_reward.describe(lang),
        "friend": campaign.friend_reward.describe(lang),
    }


def worded(campaign: Campaign, lang: str, name: str) -> str:
    """One of the campaign's texts (headline, offer, share, subject): the owner's wording from
    the designer, else ours, with {friend}, {referrer} and {shop} filled in."""
    template = campaign.design.text_for(lang, name) or text(lang, name)
    return design.fill(template, {**offers(campaign, lang), "shop": campaign.shop_name})


def headline(campaign: Campaign, lang: str) -> str:
    return worded(campaign, lang, "headline")


def offer_text(campaign: Campaign, lang: str) -> str:
    return worded(campaign, lang, "offer")


def share_text(campaign: Campaign, lang: str) -> dict[str, str]:
    return {"text": worded(campaign, lang, "share"), "subject": worded(campaign, lang, "subject")}


def first_name(name: str | None) -> str | None:
    """Friends see the referrer's first name only: never the e-mail, never the surname."""
    if not name:
        return None
    return name.strip().split(" ")[0][:40] or None


PARTICLES = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "het",
        "ter",
        "ten",
        "te",
        "von",
        "zu",
        "du",
        "la",
        "le",
        "da",
        "di",
        "dos",
        "op",
        "in",
        "'t",
        "'s",
    ]
)


def display_name(name: str | None) -> str | None:
    """How a checkout's look-up shows a referrer: "Anna de Vries" → "Anna d. V.", never more."""
    words = (name or "").split()
    if not words:
        return None
    initials = [(w[0].lower() if w.lower() in PARTICLES else w[0].upper()) + "." for w in words[1:]]
    first = words[0][:40]
    return " ".join([first[0].upper() + first[1:], *initials])


def friend_message(campaign: Campaign, lang: str, referrer_name: str | None) -> str:
    return text(lang, "friend").format(
        name=referrer_name or text(lang, "someone"), friend=campaign.friend_reward.describe(lang)
    )
