"""The journeys Shareback writes to shoppers, and their default wording in every public language.

Templates are Jinja2, rendered in a sandbox (mail/render.py); the names they may use are in
VARIABLES. The footer with the unsubscribe link is added by render.py, never by a template.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from shareback.i18n import N_, PUBLIC_LOCALES, translate
from shareback.mail.defaults import DEFAULTS
from shareback.storage.records import MailSettings, MailTemplate

INVITE = "invite"  # after a customer's order: their personal link and code
WELCOME = "welcome"  # the friend, when their code is issued
REWARD_PENDING = "reward_pending"  # the referrer: your friend ordered
REWARD_APPROVED = "reward_approved"  # the referrer: your reward is approved
REMINDER = "reminder"  # once, to an advocate who never shared
SUMMARY = "summary"  # weekly, to the shop's owners (dashboard users with the owner role)
TIER_CHANGED = "tier_changed"  # the advocate: promoted or demoted to a loyalty tier (loyalty/)
ADVOCATE_LINK = "advocate_link"  # the sign-in link to the advocate's own page, asked for
JOURNEYS = (
    INVITE,
    WELCOME,
    REWARD_PENDING,
    REWARD_APPROVED,
    REMINDER,
    SUMMARY,
    TIER_CHANGED,
    ADVOCATE_LINK,
)
# Sent because the shopper asked for it, that moment: never switched off in a campaign's mail
# settings (the owner may reword it), and sent to an address that unsubscribed from the others.
REQUESTED = (ADVOCATE_LINK,)
# What a campaign sends until its owner chooses: the owners' summary is asked for, not assumed.
DEFAULT_JOURNEYS = (INVITE, WELCOME, REWARD_PENDING, REWARD_APPROVED, REMINDER, TIER_CHANGED)
LANGS = PUBLIC_LOCALES
DEFAULT_REMINDER_DAYS = 7

LABELS = {
    INVITE: N_("Invite your friends (after an order)"),
    WELCOME: N_("Welcome a friend with their code"),
    REWARD_PENDING: N_("Your friend ordered: reward pending"),
    REWARD_APPROVED: N_("Your reward is approved"),
    REMINDER: N_("Reminder to share (once)"),
    SUMMARY: N_("Weekly summary to the shop's owners"),
    TIER_CHANGED: N_("Your loyalty tier changed"),
    ADVOCATE_LINK: N_("Sign-in link to the advocate's own page (on request)"),
}

COMMON = ("shop", "name", "link", "code", "friend_offer", "referrer_offer")
VARIABLES: dict[str, tuple[str, ...]] = {
    INVITE: COMMON,
    WELCOME: ("shop", "name", "code", "link", "friend_offer", "referrer_name"),
    REWARD_PENDING: (*COMMON, "friend_name", "reward", "amount", "approve_after"),
    # fulfilment: how the reward reaches them (the coupon code, the store-credit balance, the
    # account a payout goes to); payout_link: where a cash reward's advocate gives their IBAN.
    REWARD_APPROVED: (*COMMON, "friend_name", "reward", "amount", "fulfilment", "payout_link"),
    REMINDER: COMMON,
    # tier: the tier's name now; previous_tier: before (None: none); promoted: up, not down.
    TIER_CHANGED: (*COMMON, "tier", "previous_tier", "promoted"),
    SUMMARY: (
        "shop",
        "campaign",
        "week",
        "new_advocates",
        "shares",
        "clicks",
        "referred_orders",
        "revenue",
        "pending_rewards",
        "approved_rewards",
        "dashboard_link",
    ),
    ADVOCATE_LINK: ("shop", "name", "page_link", "minutes"),
}


def defaults(campaign_id: int) -> MailSettings:
    """A campaign whose owner chose nothing; lang "": the shop's SHAREBACK_LOCALE."""
    return MailSettings(campaign_id, None, "", DEFAULT_JOURNEYS, DEFAULT_REMINDER_DAYS)


class _Defaults(Mapping[tuple[str, str], MailTemplate]):
    """(journey, lang) → Shareback's wording (mail/defaults.py) in that language, translated
    through the public catalogue when first asked for."""

    def __getitem__(self, key: tuple[str, str]) -> MailTemplate:
        journey, lang = key
        if journey not in DEFAULTS or lang not in LANGS:
            raise KeyError(key)
        return _default(journey, lang)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter([(journey, lang) for journey in JOURNEYS for lang in LANGS])

    def __len__(self) -> int:
        return len(JOURNEYS) * len(LANGS)


@functools.lru_cache(maxsize=64)
def _default(journey: str, lang: str) -> MailTemplate:
    subject, text, html = (translate(lang, part) for part in DEFAULTS[journey])
    return MailTemplate(journey, lang, subject, text.strip() + "\n", html.strip() + "\n")


DEFAULT_TEMPLATES: Mapping[tuple[str, str], MailTemplate] = _Defaults()

FOOTER = N_("You get this e-mail because you shop at {shop}.")
FOOTER_OWNER = N_("You get this summary because you run the referral programme of {shop}.")
FOOTER_LINK = N_("Unsubscribe")


def footer_reason(journey: str, lang: str, shop: str) -> str:
    return translate(lang, FOOTER_OWNER if journey == SUMMARY else FOOTER).format(shop=shop)


def footer_link(lang: str) -> str:
    return translate(lang, FOOTER_LINK)
