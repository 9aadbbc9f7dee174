"""/admin/campaigns/{slug}/labels?lang=: the owner's own wording of the widget's labels (its
buttons, form and hints) in one language, each field showing the catalogue's wording until the
owner writes one (widget_texts.py checks them; the store keeps them in campaign_labels)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import i18n, tokens, widget_texts
from shareback.admin.fraud import owned
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession, Campaign


def chosen(lang: str) -> str:
    if lang not in i18n.PUBLIC_LOCALES:
        raise PageError(
            404,
            _("No such language"),
            _("Choose a language (%(langs)s).") % {"langs": ", ".join(i18n.PUBLIC_LOCALES)},
        )
    return lang


async def labels_page(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    lang: str,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    page = {
        "session": session,
        "nav": "campaigns",
        "campaign": campaign,
        "label_lang": lang,
        "langs": {code: _(name) for code, name in i18n.LANGUAGE_NAMES.items()},
        "keys": widget_texts.EDITABLE,
        "defaults": {key: widget_texts.label(lang, key) for key in widget_texts.EDITABLE},
        "placeholders": {
            key: ", ".join("{" + name + "}" for name in widget_texts.placeholders(key))
            for key in widget_texts.EDITABLE
        },
        "values": {key: values.get(key, "") for key in widget_texts.EDITABLE},
        "errors": errors,
        "labels": {key: key for key in widget_texts.EDITABLE},
        "longest": {key: widget_texts.longest(key) for key in widget_texts.EDITABLE},
        "query": urlencode({"lang": lang}),
    }
    return render(request, "widget_labels.html", page, status_code=400 if errors else 200)


@admin_page
async def show_widget_labels(request: Request, session: AdminSession) -> Response:
    campaign = await owned(request)
    lang = chosen(request.query_params.get("lang", "nl"))
    own = await context(request).store.campaign_labels(campaign.id, lang)
    return await labels_page(request, session, campaign, lang, own, {})


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_widget_labels(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    lang = chosen(request.query_params.get("lang", ""))
    values = {key: str(form.get(key) or "")[:1000] for key in widget_texts.EDITABLE}
    kept, errors = widget_texts.own_labels(values)
    if errors:
        return await labels_page(request, session, campaign, lang, values, errors)
    await context(request).store.set_campaign_labels(campaign.id, lang, kept, tokens.now_utc())
    return redirect(f"/admin/campaigns/{campaign.slug}/labels?lang={lang}&notice=labels-saved")


routes = [
    Route("/admin/campaigns/{slug}/labels", show_widget_labels, methods=["GET"]),
    Route("/admin/campaigns/{slug}/labels", save_widget_labels, methods=["POST"]),
]
