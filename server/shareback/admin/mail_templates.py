"""/admin/campaigns/{slug}/mail/template?journey=&lang=: one e-mail's wording, edited by the owner
(Jinja2 in a sandbox, checked on save), reset to Shareback's, and previewed with example values
in a sandboxed frame: GET shows what is saved, the form's Preview button posts the draft."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from shareback import i18n, tokens
from shareback.admin.fraud import owned
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.mail import journeys
from shareback.mail.render import RenderError, check, preview_document, sample_variables
from shareback.mail.render import render as render_mail
from shareback.storage.base import AdminSession, Campaign
from shareback.storage.records import MailTemplate

FIELDS = ("subject", "text_body", "html_body")
LABELS = {"subject": N_("Subject"), "text_body": N_("Plain text"), "html_body": N_("HTML")}
# The preview frame: the owner's HTML with its inline styles, and nothing else: no script, no
# request anywhere (sandbox without allow-same-origin or allow-scripts), framed by us only.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
    "frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox"
)
PREVIEW_HEADERS = {
    "Content-Security-Policy": PREVIEW_CSP,
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def chosen(source: dict[str, str]) -> tuple[str, str]:
    journey, lang = source.get("journey", ""), source.get("lang", "")
    if journey not in journeys.JOURNEYS or lang not in journeys.LANGS:
        raise PageError(
            404,
            _("No such e-mail"),
            _("Choose an e-mail (%(journeys)s) and a language (%(langs)s).")
            % {"journeys": ", ".join(journeys.JOURNEYS), "langs": ", ".join(journeys.LANGS)},
        )
    return journey, lang


async def current(request: Request, campaign: Campaign, journey: str, lang: str) -> MailTemplate:
    own = {(t.journey, t.lang): t for t in await context(request).store.mail_templates(campaign.id)}
    return own.get((journey, lang)) or journeys.DEFAULT_TEMPLATES[(journey, lang)]


def draft(form: FormData, journey: str, lang: str) -> MailTemplate:
    text = {name: str(form.get(name) or "").replace("\r\n", "\n")[:40_000] for name in FIELDS}
    return MailTemplate(journey, lang, text["subject"], text["text_body"], text["html_body"])


async def editor(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    template: MailTemplate,
    errors: dict[str, str],
) -> Response:
    own = {(t.journey, t.lang) for t in await context(request).store.mail_templates(campaign.id)}
    query = urlencode({"journey": template.journey, "lang": template.lang})
    page = {
        "session": session,
        "nav": "campaigns",
        "campaign": campaign,
        "template": template,
        "values": {name: getattr(template, name) for name in FIELDS},
        "errors": errors,
        "labels": LABELS,
        "journey_label": _(journeys.LABELS[template.journey]),
        "lang_label": _(i18n.LANGUAGE_NAMES[template.lang]),
        "variables": journeys.VARIABLES[template.journey],
        "own": (template.journey, template.lang) in own,
        "query": query,
    }
    return render(request, "mail_template.html", page, status_code=400 if errors else 200)


@admin_page
async def show_mail_template(request: Request, session: AdminSession) -> Response:
    campaign = await owned(request)
    journey, lang = chosen(dict(request.query_params))
    return await editor(
        request, session, campaign, await current(request, campaign, journey, lang), {}
    )


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_mail_template(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    journey, lang = chosen({**request.query_params, **{k: str(v) for k, v in form.items()}})
    store = context(request).store
    query = urlencode({"journey": journey, "lang": lang})
    back = f"/admin/campaigns/{campaign.slug}/mail/template?{query}"
    if form.get("action") == "reset":
        await store.set_mail_template(campaign.id, None, journey, lang, tokens.now_utc())
        return redirect(f"{back}&notice=template-reset")
    template = draft(form, journey, lang)
    errors = check(template)
    if errors:
        return await editor(request, session, campaign, template, errors)
    await store.set_mail_template(campaign.id, template, journey, lang, tokens.now_utc())
    return redirect(f"{back}&notice=template-saved")


def preview(request: Request, campaign: Campaign, template: MailTemplate) -> Response:
    try:
        rendered = render_mail(template, sample_variables(template.journey, template.lang))
    except RenderError as exc:
        page = (
            f"<!DOCTYPE html><p>The {LABELS[exc.field]} cannot be shown: {escape(exc.message)}</p>"
        )
        return HTMLResponse(page, 400, headers=PREVIEW_HEADERS)
    sender = context(request).settings.email_from or f"{campaign.shop_name} <hello@shop.example>"
    document = preview_document(
        rendered, template.journey, template.lang, campaign.shop_name, sender
    )
    return HTMLResponse(document, headers=PREVIEW_HEADERS)


@admin_page
async def show_mail_preview(request: Request, session: AdminSession) -> Response:
    campaign = await owned(request)
    journey, lang = chosen(dict(request.query_params))
    return preview(request, campaign, await current(request, campaign, journey, lang))


@action_for(Permission.READ)
async def preview_mail_draft(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    journey, lang = chosen({**request.query_params, **{k: str(v) for k, v in form.items()}})
    return preview(request, campaign, draft(form, journey, lang))


routes = [
    Route("/admin/campaigns/{slug}/mail/template", show_mail_template, methods=["GET"]),
    Route("/admin/campaigns/{slug}/mail/template", save_mail_template, methods=["POST"]),
    Route("/admin/campaigns/{slug}/mail/preview", show_mail_preview, methods=["GET"]),
    Route("/admin/campaigns/{slug}/mail/preview", preview_mail_draft, methods=["POST"]),
]
