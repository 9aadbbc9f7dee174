"""The journeys Shareback writes to shoppers, and their default wording in Dutch and English.

Templates are Jinja2, rendered in a sandbox (mail/render.py); the names they may use are in
VARIABLES. The footer with the unsubscribe link is added by render.py, never by a template.
"""

from __future__ import annotations

from shareback.i18n import N_
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
LANGS = ("nl", "en")
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
    return MailSettings(campaign_id, None, "en", DEFAULT_JOURNEYS, DEFAULT_REMINDER_DAYS)


def _t(journey: str, lang: str, subject: str, text: str, html: str) -> MailTemplate:
    return MailTemplate(journey, lang, subject, text.strip() + "\n", html.strip() + "\n")


_LINK_HTML = (
    '<p><a href="{{ link }}" style="display:inline-block;padding:12px 20px;background:#1f6f5c;'
    'color:#ffffff;text-decoration:none;border-radius:6px">{label}</a></p>'
)


def _button(label: str) -> str:
    return _LINK_HTML.replace("{label}", label)


DEFAULT_TEMPLATES: dict[tuple[str, str], MailTemplate] = {
    (t.journey, t.lang): t
    for t in (
        _t(
            INVITE,
            "en",
            "Give {{ friend_offer }}, get {{ referrer_offer }} at {{ shop }}",
            """
Hi{% if name %} {{ name }}{% endif %},

Thank you for your order at {{ shop }}! Share your personal link and your friends get {{ friend_offer }} on their first order; you get {{ referrer_offer }} for each friend who orders.

Your link: {{ link }}
{% if code %}Or give them your code: {{ code }}{% endif %}
""",
            f"""
<p>Hi{{% if name %}} {{{{ name }}}}{{% endif %}},</p>
<p>Thank you for your order at {{{{ shop }}}}! Share your personal link and your friends get <strong>{{{{ friend_offer }}}}</strong> on their first order; you get <strong>{{{{ referrer_offer }}}}</strong> for each friend who orders.</p>
{_button("Share your link")}
<p>Your link: <a href="{{{{ link }}}}">{{{{ link }}}}</a>{{% if code %}}<br>Or give them your code: <strong>{{{{ code }}}}</strong>{{% endif %}}</p>
""",
        ),
        _t(
            INVITE,
            "nl",
            "Geef {{ friend_offer }}, krijg {{ referrer_offer }} bij {{ shop }}",
            """
Hoi{% if name %} {{ name }}{% endif %},

Bedankt voor je bestelling bij {{ shop }}! Deel je persoonlijke link: je vrienden krijgen {{ friend_offer }} op hun eerste bestelling, en jij krijgt {{ referrer_offer }} voor elke vriend die bestelt.

Je link: {{ link }}
{% if code %}Of geef ze je code: {{ code }}{% endif %}
""",
            f"""
<p>Hoi{{% if name %}} {{{{ name }}}}{{% endif %}},</p>
<p>Bedankt voor je bestelling bij {{{{ shop }}}}! Deel je persoonlijke link: je vrienden krijgen <strong>{{{{ friend_offer }}}}</strong> op hun eerste bestelling, en jij krijgt <strong>{{{{ referrer_offer }}}}</strong> voor elke vriend die bestelt.</p>
{_button("Deel je link")}
<p>Je link: <a href="{{{{ link }}}}">{{{{ link }}}}</a>{{% if code %}}<br>Of geef ze je code: <strong>{{{{ code }}}}</strong>{{% endif %}}</p>
""",
        ),
        _t(
            WELCOME,
            "en",
            "Your code for {{ friend_offer }} at {{ shop }}",
            """
Hi{% if name %} {{ name }}{% endif %},

{{ referrer_name or "A friend" }} gives you {{ friend_offer }} on your first order at {{ shop }}.

Your code: {{ code }}
{% if link %}Shop now: {{ link }}{% endif %}
""",
            """
<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>{{ referrer_name or "A friend" }} gives you <strong>{{ friend_offer }}</strong> on your first order at {{ shop }}.</p>
<p>Your code: <strong style="font-size:1.3em;letter-spacing:1px">{{ code }}</strong></p>
{% if link %}<p><a href="{{ link }}">Shop now</a></p>{% endif %}
""",
        ),
        _t(
            WELCOME,
            "nl",
            "Je code voor {{ friend_offer }} bij {{ shop }}",
            """
Hoi{% if name %} {{ name }}{% endif %},

{{ referrer_name or "Een vriend" }} geeft je {{ friend_offer }} op je eerste bestelling bij {{ shop }}.

Je code: {{ code }}
{% if link %}Nu winkelen: {{ link }}{% endif %}
""",
            """
<p>Hoi{% if name %} {{ name }}{% endif %},</p>
<p>{{ referrer_name or "Een vriend" }} geeft je <strong>{{ friend_offer }}</strong> op je eerste bestelling bij {{ shop }}.</p>
<p>Je code: <strong style="font-size:1.3em;letter-spacing:1px">{{ code }}</strong></p>
{% if link %}<p><a href="{{ link }}">Nu winkelen</a></p>{% endif %}
""",
        ),
        _t(
            REWARD_PENDING,
            "en",
            "{{ friend_name or 'Your friend' }} ordered at {{ shop }}: your reward is on its way",
            """
Hi{% if name %} {{ name }}{% endif %},

{{ friend_name or "A friend" }} ordered at {{ shop }} through your link. Your reward, {{ reward }}, is pending{% if approve_after %} until {{ approve_after }}, when the return period ends{% endif %}.

Keep sharing: {{ link }}
""",
            """
<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>{{ friend_name or "A friend" }} ordered at {{ shop }} through your link. Your reward, <strong>{{ reward }}</strong>, is pending{% if approve_after %} until {{ approve_after }}, when the return period ends{% endif %}.</p>
<p>Keep sharing: <a href="{{ link }}">{{ link }}</a></p>
""",
        ),
        _t(
            REWARD_PENDING,
            "nl",
            "{{ friend_name or 'Je vriend' }} bestelde bij {{ shop }}: je beloning komt eraan",
            """
Hoi{% if name %} {{ name }}{% endif %},

{{ friend_name or "Een vriend" }} bestelde bij {{ shop }} via jouw link. Je beloning, {{ reward }}, staat klaar{% if approve_after %} en wordt op {{ approve_after }} goedgekeurd, als de retourtermijn voorbij is{% endif %}.

Blijf delen: {{ link }}
""",
            """
<p>Hoi{% if name %} {{ name }}{% endif %},</p>
<p>{{ friend_name or "Een vriend" }} bestelde bij {{ shop }} via jouw link. Je beloning, <strong>{{ reward }}</strong>, staat klaar{% if approve_after %} en wordt op {{ approve_after }} goedgekeurd, als de retourtermijn voorbij is{% endif %}.</p>
<p>Blijf delen: <a href="{{ link }}">{{ link }}</a></p>
""",
        ),
        _t(
            REWARD_APPROVED,
            "en",
            "Your reward from {{ shop }} is approved",
            """
Hi{% if name %} {{ name }}{% endif %},

Good news: your reward for referring {{ friend_name or "a friend" }}, {{ reward }}, is approved.
{% if fulfilment %}{{ fulfilment }}{% endif %}
{% if payout_link %}Your bank account: {{ payout_link }}{% endif %}

Share again: {{ link }}
""",
            """
<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>Good news: your reward for referring {{ friend_name or "a friend" }}, <strong>{{ reward }}</strong>, is approved.</p>
{% if fulfilment %}<p>{{ fulfilment }}</p>{% endif %}
{% if payout_link %}<p><a href="{{ payout_link }}">Enter or change your bank account</a></p>{% endif %}
<p>Share again: <a href="{{ link }}">{{ link }}</a></p>
""",
        ),
        _t(
            REWARD_APPROVED,
            "nl",
            "Je beloning van {{ shop }} is goedgekeurd",
            """
Hoi{% if name %} {{ name }}{% endif %},

Goed nieuws: je beloning voor het aanbevelen van {{ friend_name or "een vriend" }}, {{ reward }}, is goedgekeurd.
{% if fulfilment %}{{ fulfilment }}{% endif %}
{% if payout_link %}Je rekeningnummer: {{ payout_link }}{% endif %}

Deel opnieuw: {{ link }}
""",
            """
<p>Hoi{% if name %} {{ name }}{% endif %},</p>
<p>Goed nieuws: je beloning voor het aanbevelen van {{ friend_name or "een vriend" }}, <strong>{{ reward }}</strong>, is goedgekeurd.</p>
{% if fulfilment %}<p>{{ fulfilment }}</p>{% endif %}
{% if payout_link %}<p><a href="{{ payout_link }}">Vul je rekeningnummer in of wijzig het</a></p>{% endif %}
<p>Deel opnieuw: <a href="{{ link }}">{{ link }}</a></p>
""",
        ),
        _t(
            REMINDER,
            "en",
            "Your friends are still waiting for {{ friend_offer }}",
            """
Hi{% if name %} {{ name }}{% endif %},

You have a personal link at {{ shop }} but haven't shared it yet. Your friends get {{ friend_offer }}, you get {{ referrer_offer }}.

Your link: {{ link }}
""",
            f"""
<p>Hi{{% if name %}} {{{{ name }}}}{{% endif %}},</p>
<p>You have a personal link at {{{{ shop }}}} but haven't shared it yet. Your friends get <strong>{{{{ friend_offer }}}}</strong>, you get <strong>{{{{ referrer_offer }}}}</strong>.</p>
{_button("Share your link")}
""",
        ),
        _t(
            REMINDER,
            "nl",
            "Je vrienden wachten nog op {{ friend_offer }}",
            """
Hoi{% if name %} {{ name }}{% endif %},

Je hebt een persoonlijke link bij {{ shop }} maar hebt hem nog niet gedeeld. Je vrienden krijgen {{ friend_offer }}, jij krijgt {{ referrer_offer }}.

Je link: {{ link }}
""",
            f"""
<p>Hoi{{% if name %}} {{{{ name }}}}{{% endif %}},</p>
<p>Je hebt een persoonlijke link bij {{{{ shop }}}} maar hebt hem nog niet gedeeld. Je vrienden krijgen <strong>{{{{ friend_offer }}}}</strong>, jij krijgt <strong>{{{{ referrer_offer }}}}</strong>.</p>
{_button("Deel je link")}
""",
        ),
        _t(
            SUMMARY,
            "en",
            "{{ campaign }} at {{ shop }}, {{ week }}: {{ referred_orders }} referred "
            "{{ 'order' if referred_orders == 1 else 'orders' }}",
            """
{{ campaign }}, {{ week }}:

New advocates: {{ new_advocates }}
Shares: {{ shares }}
Link clicks: {{ clicks }}
Referred orders: {{ referred_orders }} ({{ revenue }})
Rewards pending: {{ pending_rewards }}, approved: {{ approved_rewards }}

The dashboard: {{ dashboard_link }}
""",
            """
<p><strong>{{ campaign }}</strong>, {{ week }}:</p>
<table role="presentation" style="border-collapse:collapse">
<tr><td style="padding:2px 16px 2px 0">New advocates</td><td><strong>{{ new_advocates }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Shares</td><td><strong>{{ shares }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Link clicks</td><td><strong>{{ clicks }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Referred orders</td><td><strong>{{ referred_orders }}</strong> ({{ revenue }})</td></tr>
<tr><td style="padding:2px 16px 2px 0">Rewards pending / approved</td><td><strong>{{ pending_rewards }}</strong> / <strong>{{ approved_rewards }}</strong></td></tr>
</table>
<p><a href="{{ dashboard_link }}">Open the dashboard</a></p>
""",
        ),
        _t(
            SUMMARY,
            "nl",
            "{{ campaign }} bij {{ shop }}, {{ week }}: {{ referred_orders }} "
            "{{ 'bestelling' if referred_orders == 1 else 'bestellingen' }} via vrienden",
            """
{{ campaign }}, {{ week }}:

Nieuwe ambassadeurs: {{ new_advocates }}
Keer gedeeld: {{ shares }}
Klikken op links: {{ clicks }}
Bestellingen via vrienden: {{ referred_orders }} ({{ revenue }})
Beloningen in afwachting: {{ pending_rewards }}, goedgekeurd: {{ approved_rewards }}

Het dashboard: {{ dashboard_link }}
""",
            """
<p><strong>{{ campaign }}</strong>, {{ week }}:</p>
<table role="presentation" style="border-collapse:collapse">
<tr><td style="padding:2px 16px 2px 0">Nieuwe ambassadeurs</td><td><strong>{{ new_advocates }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Keer gedeeld</td><td><strong>{{ shares }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Klikken op links</td><td><strong>{{ clicks }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Bestellingen via vrienden</td><td><strong>{{ referred_orders }}</strong> ({{ revenue }})</td></tr>
<tr><td style="padding:2px 16px 2px 0">Beloningen in afwachting / goedgekeurd</td><td><strong>{{ pending_rewards }}</strong> / <strong>{{ approved_rewards }}</strong></td></tr>
</table>
<p><a href="{{ dashboard_link }}">Open het dashboard</a></p>
""",
        ),
        _t(
            TIER_CHANGED,
            "en",
            "{% if promoted %}Welcome to {{ tier }} at {{ shop }}{% else %}You are {{ tier }} at "
            "{{ shop }} now{% endif %}",
            """
Hi{% if name %} {{ name }}{% endif %},

{% if promoted %}Thanks to the friends you brought to {{ shop }}, you are {{ tier }} now{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% else %}After a refund, your tier at {{ shop }} is {{ tier }}{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% endif %} Your friends get {{ friend_offer }}; you get {{ referrer_offer }} for each friend who orders.

Keep sharing: {{ link }}
""",
            """
<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>{% if promoted %}Thanks to the friends you brought to {{ shop }}, you are <strong>{{ tier }}</strong> now{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% else %}After a refund, your tier at {{ shop }} is <strong>{{ tier }}</strong>{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% endif %} Your friends get <strong>{{ friend_offer }}</strong>; you get <strong>{{ referrer_offer }}</strong> for each friend who orders.</p>
<p>Keep sharing: <a href="{{ link }}">{{ link }}</a></p>
""",
        ),
        _t(
            TIER_CHANGED,
            "nl",
            "{% if promoted %}Welkom bij {{ tier }} bij {{ shop }}{% else %}Je bent nu {{ tier }} "
            "bij {{ shop }}{% endif %}",
            """
Hoi{% if name %} {{ name }}{% endif %},

{% if promoted %}Dankzij de vrienden die je naar {{ shop }} bracht, ben je nu {{ tier }}{% if previous_tier %} (je was {{ previous_tier }}){% endif %}.{% else %}Na een terugbetaling is je niveau bij {{ shop }} nu {{ tier }}{% if previous_tier %} (je was {{ previous_tier }}){% endif %}.{% endif %} Je vrienden krijgen {{ friend_offer }}; jij krijgt {{ referrer_offer }} voor elke vriend die bestelt.

Blijf delen: {{ link }}
""",
            """
<p>Hoi{% if name %} {{ name }}{% endif %},</p>
<p>{% if promoted %}Dankzij de vrienden die je naar {{ shop }} bracht, ben je nu <strong>{{ tier }}</strong>{% if previous_tier %} (je was {{ previous_tier }}){% endif %}.{% else %}Na een terugbetaling is je niveau bij {{ shop }} nu <strong>{{ tier }}</strong>{% if previous_tier %} (je was {{ previous_tier }}){% endif %}.{% endif %} Je vrienden krijgen <strong>{{ friend_offer }}</strong>; jij krijgt <strong>{{ referrer_offer }}</strong> voor elke vriend die bestelt.</p>
<p>Blijf delen: <a href="{{ link }}">{{ link }}</a></p>
""",
        ),
        _t(
            ADVOCATE_LINK,
            "en",
            "Your rewards at {{ shop }}",
            """
Hi{% if name %} {{ name }}{% endif %},

Here is your link to your own page at {{ shop }}: your link and codes, the friends who ordered and your rewards.

{{ page_link }}

The link works for {{ minutes }} minutes. Did you not ask for it? Then you can ignore this e-mail.
""",
            """
<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>Here is your link to your own page at {{ shop }}: your link and codes, the friends who ordered and your rewards.</p>
<p><a href="{{ page_link }}" style="display:inline-block;padding:12px 20px;background:#1f6f5c;color:#ffffff;text-decoration:none;border-radius:6px">Open my rewards</a></p>
<p>The link works for {{ minutes }} minutes. Did you not ask for it? Then you can ignore this e-mail.</p>
""",
        ),
        _t(
            ADVOCATE_LINK,
            "nl",
            "Je beloningen bij {{ shop }}",
            """
Hoi{% if name %} {{ name }}{% endif %},

Hier is de link naar je eigen pagina bij {{ shop }}: je link en codes, de vrienden die bestelden en je beloningen.

{{ page_link }}

De link werkt {{ minutes }} minuten. Heb je hem niet aangevraagd? Dan kun je deze e-mail negeren.
""",
            """
<p>Hoi{% if name %} {{ name }}{% endif %},</p>
<p>Hier is de link naar je eigen pagina bij {{ shop }}: je link en codes, de vrienden die bestelden en je beloningen.</p>
<p><a href="{{ page_link }}" style="display:inline-block;padding:12px 20px;background:#1f6f5c;color:#ffffff;text-decoration:none;border-radius:6px">Open mijn beloningen</a></p>
<p>De link werkt {{ minutes }} minuten. Heb je hem niet aangevraagd? Dan kun je deze e-mail negeren.</p>
""",
        ),
    )
}
assert set(DEFAULT_TEMPLATES) == {(j, lang) for j in JOURNEYS for lang in LANGS}

FOOTER = {
    "en": "You get this e-mail because you shop at {shop}.",
    "nl": "Je krijgt deze e-mail omdat je klant bent bij {shop}.",
}
FOOTER_OWNER = {
    "en": "You get this summary because you run the referral programme of {shop}.",
    "nl": "Je krijgt dit overzicht omdat je het aanbevelingsprogramma van {shop} beheert.",
}
FOOTER_LINK = {"en": "Unsubscribe", "nl": "Afmelden"}


def footer_reason(journey: str, lang: str, shop: str) -> str:
    return (FOOTER_OWNER if journey == SUMMARY else FOOTER)[lang].format(shop=shop)
