"""The words the widget shows that depend on the campaign, in Dutch and English."""

from __future__ import annotations

from shareback import design
from shareback.storage.base import Campaign

LANGS = ("nl", "en")

TEXTS = {
    "nl": {
        "headline": "Geef {friend}, krijg {referrer}",
        "offer": "Je vrienden krijgen {friend}, jij krijgt {referrer}.",
        "share": "Ik ben fan van {shop}! Met mijn link krijg je {friend} op je eerste bestelling:",
        "subject": "{friend} bij {shop}",
        "friend": "{name} geeft je {friend} op je eerste bestelling",
        "someone": "Een vriend",
    },
    "en": {
        "headline": "Give {friend}, get {referrer}",
        "offer": "Your friends get {friend}, you get {referrer}.",
        "share": "I love {shop}! Use my link to get {friend} on your first order:",
        "subject": "{friend} at {shop}",
        "friend": "{name} gives you {friend} on your first order",
        "someone": "A friend",
    },
}


def pick_lang(requested: str | None) -> str:
    """'nl', 'nl-NL', 'NL_be' → nl; anything else → en."""
    base = (requested or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGS else "en"


def offers(campaign: Campaign, lang: str) -> dict[str, str]:
    return {
        "referrer": campaign.referrer_reward.describe(lang),
        "friend": campaign.friend_reward.describe(lang),
    }


def worded(campaign: Campaign, lang: str, name: str) -> str:
    """One of the campaign's texts (headline, offer, share, subject): the owner's wording from
    the designer, else ours, with {friend}, {referrer} and {shop} filled in."""
    template = campaign.design.text_for(lang, name) or TEXTS[lang][name]
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
    texts = TEXTS[lang]
    return texts["friend"].format(
        name=referrer_name or texts["someone"], friend=campaign.friend_reward.describe(lang)
    )
