"""What a referral link shows instead of a redirect: to link-preview bots (WhatsApp, Facebook, X,
LinkedIn, Telegram, Slack…) a page of Open Graph and Twitter Card tags naming the friend's offer,
and to a person whose link is mistyped or whose campaign ended a branded page that sends them on
to the shop. Pure: the words and the HTML, no storage, no web framework."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from shareback import error_page, wording
from shareback.i18n import N_, translate
from shareback.storage.records import Campaign

PREVIEW = N_("{name} gives you {friend} at {shop}")
DESCRIPTION = N_("Open the invitation: your offer is waiting at the checkout.")
ONWARD = N_("Go to {shop}")
DEAD_ENDS = {
    "missing": (
        N_("This invitation link does not exist"),
        N_("Perhaps it was not copied whole. You can still go on to the shop."),
    ),
    "ended": (
        N_("This offer has ended"),
        N_("The invitation is no longer valid, but the shop is there."),
    ),
}
# Open Graph's locale of each language.
OG_LOCALES = {"nl": "nl_NL", "en": "en_GB", "de": "de_DE", "fr": "fr_FR"}


@dataclass(frozen=True)
class Preview:
    lang: str
    title: str
    description: str
    url: str  # the referral link itself: what the preview stands for
    landing: str  # where a person who opens this page goes on to
    site: str
    image: str | None


def preview(
    campaign: Campaign, lang: str, referrer: str | None, url: str, image: str | None
) -> Preview:
    """ "Anna gives you 10% off at Brandpunt Koffie": the friend's offer, as the widget words it."""
    name = wording.first_name(referrer) or wording.text(lang, "someone")
    friend = campaign.friend_reward.describe(lang)
    return Preview(
        lang=lang,
        title=translate(lang, PREVIEW).format(name=name, friend=friend, shop=campaign.shop_name),
        description=translate(lang, DESCRIPTION),
        url=url,
        landing=campaign.landing_url,
        site=campaign.shop_name,
        image=image,
    )


def render_preview(card: Preview) -> str:
    """The tags the preview bots read, and a link on to the shop for a person who opens it. No
    meta refresh: a crawler that followed it would preview the landing page instead."""
    tags = [
        ("property", "og:type", "website"),
        ("property", "og:site_name", card.site),
        ("property", "og:title", card.title),
        ("property", "og:description", card.description),
        ("property", "og:url", card.url),
        ("property", "og:locale", OG_LOCALES.get(card.lang, "en_GB")),
        ("name", "twitter:card", "summary_large_image" if card.image else "summary"),
        ("name", "twitter:title", card.title),
        ("name", "twitter:description", card.description),
    ]
    if card.image:
        tags += [("property", "og:image", card.image), ("name", "twitter:image", card.image)]
    meta = "".join(f'<meta {kind}="{key}" content="{escape(value)}">' for kind, key, value in tags)
    onward = translate(card.lang, ONWARD).format(shop=card.site)
    return (
        f'<!doctype html><html lang="{card.lang}"><head><meta charset="utf-8">'
        f"<title>{escape(card.title)}</title>{meta}"
        '<meta name="robots" content="noindex"></head>'
        f'<body><p><a href="{escape(card.landing)}">{escape(onward)}</a></p></body></html>'
    )


def dead_end(kind: str, campaign: Campaign | None, accept_language: str) -> list[error_page.Text]:
    """The page for a link that leads nowhere, in the visitor's languages (error_page.spoken),
    each with the way on to the shop when there is a campaign to take it from."""

    def links(lang: str) -> tuple[tuple[str, str], ...]:
        if campaign is None:
            return ()
        return ((translate(lang, ONWARD).format(shop=campaign.shop_name), campaign.landing_url),)

    return error_page.spoken(DEAD_ENDS[kind], accept_language, links)
