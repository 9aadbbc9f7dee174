"""/admin/campaigns/{slug}/design: the widget designer (colours, corner radius, the floating
button, the texts) beside the real widget with the form's settings; and "go live" for a draft."""

from __future__ import annotations

import logging

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import design, i18n, tokens, wording
from shareback.admin import design_form
from shareback.admin.campaigns import campaign_or_404
from shareback.admin.render import redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession, Campaign

log = logging.getLogger("shareback.admin")


def text_labels() -> dict[str, str]:
    return {
        "headline": _("Headline"),
        "offer": _("Offer text"),
        "share": _("Share message"),
        "subject": _("E-mail subject"),
    }


def lang_names() -> dict[str, str]:
    return {lang: _(name) for lang, name in i18n.LANGUAGE_NAMES.items() if lang in design.LANGS}


def labels() -> dict[str, str]:
    """The form's labels, for the list of problems at the top of the page."""
    found = {
        "accent": _("Button colour"),
        "accent_text": _("Button text colour"),
        "bg": _("Background"),
        "text": _("Text colour"),
        "radius": _("Corner radius"),
        "position": _("Position"),
        "lift": _("Distance from the bottom"),
        "hidden_paths": _("Pages without the button"),
        "dismiss_days": _("Stays hidden for"),
    }
    for lang, language in lang_names().items():
        for name, label in text_labels().items():
            found[f"{name}_{lang}"] = _("%(text)s in %(language)s") % {
                "text": label,
                "language": language,
            }
    return found


def defaults() -> dict[str, str]:
    """Our wording of each text, for the placeholders of the empty fields."""
    return {
        f"{name}_{lang}": wording.text(lang, name) for lang in design.LANGS for name in design.TEXTS
    }


async def designer_page(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    page = {
        "session": session,
        "nav": "campaigns",
        "campaign": campaign,
        "values": values,
        "errors": errors,
        "labels": labels(),
        "text_labels": text_labels(),
        "langs": lang_names(),
        "placeholders": {
            name: ", ".join("{" + p + "}" for p in allowed)
            for name, (allowed, _longest) in design.TEXTS.items()
        },
        "lengths": {name: longest for name, (_allowed, longest) in design.TEXTS.items()},
        "defaults": defaults(),
        "fields": design_form.FIELDS,
    }
    return render(request, "designer.html", page, status_code=400 if errors else 200)


@admin_page
async def show_designer(request: Request, session: AdminSession) -> Response:
    campaign = await campaign_or_404(request)
    values = design_form.design_values(campaign.design)
    return await designer_page(request, session, campaign, values, {})


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_design(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await campaign_or_404(request)
    values = design_form.submitted_values(form)
    look, errors = design_form.parse(values)
    if errors:
        return await designer_page(request, session, campaign, values, errors)
    await context(request).store.update_campaign_design(campaign.slug, look)
    return redirect(f"/admin/campaigns/{campaign.slug}/design?notice=design-saved")


@action_for(Permission.EDIT_CAMPAIGNS)
async def go_live(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await campaign_or_404(request)
    if campaign.archived_at is not None:
        return redirect(f"/admin/campaigns/{campaign.slug}")
    live = await context(request).store.go_live(campaign.slug, tokens.now_utc())
    if campaign.draft and live is not None and not live.draft:
        log.info("campaign %s went live (admin user %s)", campaign.slug, session.user.id)
    return redirect(f"/admin/campaigns/{campaign.slug}?notice=campaign-live")


routes = [
    Route("/admin/campaigns/{slug}/design", show_designer, methods=["GET"]),
    Route("/admin/campaigns/{slug}/design", save_design, methods=["POST"]),
    Route("/admin/campaigns/{slug}/go-live", go_live, methods=["POST"]),
]
