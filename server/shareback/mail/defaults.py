"""The e-mails' default wording: each journey's subject, plain-text and HTML body, written in
English as catalogue messages (whole Jinja2 templates: a translation keeps every {{ name }},
{% tag %} and HTML tag, which scripts/translations checks) and translated per language when a
message or the editor needs one. The owner's own wording (mail_templates) comes first."""

from __future__ import annotations

from shareback.i18n import N_

# journey → (subject, text body, HTML body)
DEFAULTS: dict[str, tuple[str, str, str]] = {
    "invite": (
        N_("Give {{ friend_offer }}, get {{ referrer_offer }} at {{ shop }}"),
        N_(
            """Hi{% if name %} {{ name }}{% endif %},

Thank you for your order at {{ shop }}! Share your personal link and your friends get {{ friend_offer }} on their first order; you get {{ referrer_offer }} for each friend who orders.

Your link: {{ link }}
{% if code %}Or give them your code: {{ code }}{% endif %}"""
        ),
        N_(
            """<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>Thank you for your order at {{ shop }}! Share your personal link and your friends get <strong>{{ friend_offer }}</strong> on their first order; you get <strong>{{ referrer_offer }}</strong> for each friend who orders.</p>
<p><a href="{{ link }}" style="display:inline-block;padding:12px 20px;background:#1f6f5c;color:#ffffff;text-decoration:none;border-radius:6px">Share your link</a></p>
<p>Your link: <a href="{{ link }}">{{ link }}</a>{% if code %}<br>Or give them your code: <strong>{{ code }}</strong>{% endif %}</p>"""
        ),
    ),
    "welcome": (
        N_("Your code for {{ friend_offer }} at {{ shop }}"),
        N_(
            """Hi{% if name %} {{ name }}{% endif %},

{{ referrer_name or "A friend" }} gives you {{ friend_offer }} on your first order at {{ shop }}.

Your code: {{ code }}
{% if link %}Shop now: {{ link }}{% endif %}"""
        ),
        N_(
            """<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>{{ referrer_name or "A friend" }} gives you <strong>{{ friend_offer }}</strong> on your first order at {{ shop }}.</p>
<p>Your code: <strong style="font-size:1.3em;letter-spacing:1px">{{ code }}</strong></p>
{% if link %}<p><a href="{{ link }}">Shop now</a></p>{% endif %}"""
        ),
    ),
    "reward_pending": (
        N_("{{ friend_name or 'Your friend' }} ordered at {{ shop }}: your reward is on its way"),
        N_(
            """Hi{% if name %} {{ name }}{% endif %},

{{ friend_name or "A friend" }} ordered at {{ shop }} through your link. Your reward, {{ reward }}, is pending{% if approve_after %} until {{ approve_after }}, when the return period ends{% endif %}.

Keep sharing: {{ link }}"""
        ),
        N_(
            """<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>{{ friend_name or "A friend" }} ordered at {{ shop }} through your link. Your reward, <strong>{{ reward }}</strong>, is pending{% if approve_after %} until {{ approve_after }}, when the return period ends{% endif %}.</p>
<p>Keep sharing: <a href="{{ link }}">{{ link }}</a></p>"""
        ),
    ),
    "reward_approved": (
        N_("Your reward from {{ shop }} is approved"),
        N_(
            """Hi{% if name %} {{ name }}{% endif %},

Good news: your reward for referring {{ friend_name or "a friend" }}, {{ reward }}, is approved.
{% if fulfilment %}{{ fulfilment }}{% endif %}
{% if payout_link %}Your bank account: {{ payout_link }}{% endif %}

Share again: {{ link }}"""
        ),
        N_(
            """<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>Good news: your reward for referring {{ friend_name or "a friend" }}, <strong>{{ reward }}</strong>, is approved.</p>
{% if fulfilment %}<p>{{ fulfilment }}</p>{% endif %}
{% if payout_link %}<p><a href="{{ payout_link }}">Enter or change your bank account</a></p>{% endif %}
<p>Share again: <a href="{{ link }}">{{ link }}</a></p>"""
        ),
    ),
    "reminder": (
        N_("Your friends are still waiting for {{ friend_offer }}"),
        N_(
            """Hi{% if name %} {{ name }}{% endif %},

You have a personal link at {{ shop }} but haven't shared it yet. Your friends get {{ friend_offer }}, you get {{ referrer_offer }}.

Your link: {{ link }}"""
        ),
        N_(
            """<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>You have a personal link at {{ shop }} but haven't shared it yet. Your friends get <strong>{{ friend_offer }}</strong>, you get <strong>{{ referrer_offer }}</strong>.</p>
<p><a href="{{ link }}" style="display:inline-block;padding:12px 20px;background:#1f6f5c;color:#ffffff;text-decoration:none;border-radius:6px">Share your link</a></p>"""
        ),
    ),
    "summary": (
        N_(
            "{{ campaign }} at {{ shop }}, {{ week }}: {{ referred_orders }} referred {{ 'order' if referred_orders == 1 else 'orders' }}"
        ),
        N_(
            """{{ campaign }}, {{ week }}:

New advocates: {{ new_advocates }}
Shares: {{ shares }}
Link clicks: {{ clicks }}
Referred orders: {{ referred_orders }} ({{ revenue }})
Rewards pending: {{ pending_rewards }}, approved: {{ approved_rewards }}

The dashboard: {{ dashboard_link }}"""
        ),
        N_(
            """<p><strong>{{ campaign }}</strong>, {{ week }}:</p>
<table role="presentation" style="border-collapse:collapse">
<tr><td style="padding:2px 16px 2px 0">New advocates</td><td><strong>{{ new_advocates }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Shares</td><td><strong>{{ shares }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Link clicks</td><td><strong>{{ clicks }}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Referred orders</td><td><strong>{{ referred_orders }}</strong> ({{ revenue }})</td></tr>
<tr><td style="padding:2px 16px 2px 0">Rewards pending / approved</td><td><strong>{{ pending_rewards }}</strong> / <strong>{{ approved_rewards }}</strong></td></tr>
</table>
<p><a href="{{ dashboard_link }}">Open the dashboard</a></p>"""
        ),
    ),
    "tier_changed": (
        N_(
            "{% if promoted %}Welcome to {{ tier }} at {{ shop }}{% else %}You are {{ tier }} at {{ shop }} now{% endif %}"
        ),
        N_(
            """Hi{% if name %} {{ name }}{% endif %},

{% if promoted %}Thanks to the friends you brought to {{ shop }}, you are {{ tier }} now{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% else %}After a refund, your tier at {{ shop }} is {{ tier }}{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% endif %} Your friends get {{ friend_offer }}; you get {{ referrer_offer }} for each friend who orders.

Keep sharing: {{ link }}"""
        ),
        N_(
            """<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>{% if promoted %}Thanks to the friends you brought to {{ shop }}, you are <strong>{{ tier }}</strong> now{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% else %}After a refund, your tier at {{ shop }} is <strong>{{ tier }}</strong>{% if previous_tier %} (you were {{ previous_tier }}){% endif %}.{% endif %} Your friends get <strong>{{ friend_offer }}</strong>; you get <strong>{{ referrer_offer }}</strong> for each friend who orders.</p>
<p>Keep sharing: <a href="{{ link }}">{{ link }}</a></p>"""
        ),
    ),
    "advocate_link": (
        N_("Your rewards at {{ shop }}"),
        N_(
            """Hi{% if name %} {{ name }}{% endif %},

Here is your link to your own page at {{ shop }}: your link and codes, the friends who ordered and your rewards.

{{ page_link }}

The link works for {{ minutes }} minutes. Did you not ask for it? Then you can ignore this e-mail."""
        ),
        N_(
            """<p>Hi{% if name %} {{ name }}{% endif %},</p>
<p>Here is your link to your own page at {{ shop }}: your link and codes, the friends who ordered and your rewards.</p>
<p><a href="{{ page_link }}" style="display:inline-block;padding:12px 20px;background:#1f6f5c;color:#ffffff;text-decoration:none;border-radius:6px">Open my rewards</a></p>
<p>The link works for {{ minutes }} minutes. Did you not ask for it? Then you can ignore this e-mail.</p>"""
        ),
    ),
}
