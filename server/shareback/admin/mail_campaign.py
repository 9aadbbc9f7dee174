"""/admin/campaigns/{slug}/mail: which e-mails a campaign sends, from whom, in which language when
the shopper's is unknown, the reminder's day, and its templates (edited in mail_templates.py)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import i18n, tokens
from shareback.admin.fraud import owned
from shareback.admin.render import redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.mail import journeys
from shareback.mail.rules import check_settings
from shareback.storage.base import AdminSession, Campaign

LABELS = {
    "sender": N_("Sender"),
    "lang": N_("Language"),
    "journeys": N_("E-mails"),
    "reminder_days": N_("Reminder after"),
}


async def settings_page(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    ctx = context(request)
    own = {(t.journey, t.lang) for t in await ctx.store.mail_templates(campaign.id)}
    page = {
        "session": session,
        "nav": "campaigns",
        "campaign": campaign,
        "values": values,
        "errors": errors,
        "labels": LABELS,
        "journeys": journeys.LABELS,
        # The e-mails a campaign may switch off: not those sent because the shopper asked.
        "switchable": {k: v for k, v in journeys.LABELS.items() if k not in journeys.REQUESTED},
        "langs": {lang: _(i18n.LANGUAGE_NAMES[lang]) for lang in journeys.LANGS},
        "own": own,
        "default_sender": ctx.settings.email_from,
        "smtp": ctx.settings.smtp_url is not None,
    }
    return render(request, "mail_campaign.html", page, status_code=400 if errors else 200)


@admin_page
async def show_campaign_mail(request: Request, session: AdminSession) -> Response:
    campaign = await owned(request)
    current = await context(request).store.mail_settings(campaign.id)
    values = {
        "sender": current.sender or "",
        "lang": current.lang or context(request).settings.locale,
        "journeys": current.journeys,
        "reminder_days": str(current.reminder_days),
    }
    return await settings_page(request, session, campaign, values, {})


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_campaign_mail(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    sender, lang = str(form.get("sender") or "")[:320], str(form.get("lang") or "")
    chosen = tuple(str(j) for j in form.getlist("journeys"))
    days = str(form.get("reminder_days") or "")[:20]
    values = {"sender": sender, "lang": lang, "journeys": chosen, "reminder_days": days}
    settings, errors = check_settings(campaign.id, sender, lang, chosen, days)
    if settings is None:
        return await settings_page(request, session, campaign, values, errors)
    await context(request).store.set_mail_settings(settings, tokens.now_utc())
    return redirect(f"/admin/campaigns/{campaign.slug}/mail?notice=mail-saved")


routes = [
    Route("/admin/campaigns/{slug}/mail", show_campaign_mail, methods=["GET"]),
    Route("/admin/campaigns/{slug}/mail", save_campaign_mail, methods=["POST"]),
]
