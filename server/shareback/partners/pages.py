"""The partners' own pages: the public application form, the portal's sign-in (a link e-mailed
on request; the answer is the same for any address), and the portal itself, reached through
that signed link: their links per placement, their numbers (the dashboard's, from the same store
verb), their commissions, and where their payouts go (IBAN checked as payout_page.py does)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from shareback import emails, i18n, payouts, tokens
from shareback.admin.render import SECURITY_HEADERS, environment
from shareback.context import client_ip, context
from shareback.i18n import gettext as _
from shareback.partners import service, terms
from shareback.partners.sign_in import portal_partner
from shareback.storage.partner_records import Partner

MAX_FIELDS = 8


def page_lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in i18n.LOCALES:
        return asked
    return i18n.accepted_locale(request.headers.get("accept-language")) or "nl"


def show(
    request: Request, template: str, values: Mapping[str, Any], status_code: int = 200
) -> HTMLResponse:
    lang = page_lang(request)
    with i18n.use_locale(lang, context(request).settings.zone()):
        html = (
            environment()
            .get_template(f"partners/{template}")
            .render(
                {
                    "request": request,
                    "lang": lang,
                    "notice": None,
                    "session": None,
                    "busy": False,
                    **values,
                }
            )
        )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


async def read_form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    return {k: str(v).strip()[:1000] for k, v in form.items() if isinstance(v, str)}


async def show_application(request: Request) -> Response:
    return show(request, "apply.html", {"values": {}, "errors": {}})


async def receive_application(request: Request) -> Response:
    ctx = context(request)
    if not await ctx.limiter.allow("partners:" + client_ip(request)):
        return show(request, "apply.html", {"values": {}, "errors": {}, "busy": True}, 429)
    values = await read_form(request)
    errors: dict[str, str] = {}
    lang = page_lang(request)
    with i18n.use_locale(lang):
        if not emails.is_valid_email(values.get("email", "")):
            errors["email"] = _("Enter your e-mail address, such as anna@example.nl.")
        if not values.get("name") or len(values["name"]) > 100:
            errors["name"] = _("Enter your name (at most 100 characters).")
        if len(values.get("website", "")) > 300:
            errors["website"] = _("A web address is at most 300 characters.")
    if errors:
        return show(request, "apply.html", {"values": values, "errors": errors}, 422)
    found = await service.programme(ctx)
    # Known or new, the answer is the same: the form tells nobody who is a partner already.
    await ctx.store.add_partner(
        found.id,
        values["email"],
        " ".join(values["name"].split()),
        "applied",
        "application form",
        tokens.now_utc(),
        website=values.get("website") or None,
        pitch=values.get("pitch", "")[:1000] or None,
    )
    return show(request, "sent.html", {"kind": "applied"})


async def show_sign_in(request: Request) -> Response:
    return show(request, "sign_in.html", {})


async def send_sign_in(request: Request) -> Response:
    """Always the same answer, sent before the e-mail goes (in the background): neither the
    words nor the time tell whether the address is a partner's."""
    ctx = context(request)
    if not await ctx.limiter.allow("partners:" + client_ip(request)):
        return show(request, "sign_in.html", {"busy": True}, 429)
    values = await read_form(request)
    email = values.get("email", "")
    response = show(request, "sent.html", {"kind": "sign_in"})
    if emails.is_valid_email(email):
        response.background = BackgroundTask(service.sign_in_links, ctx, email, page_lang(request))
    return response


async def portal_of(request: Request, token: str) -> Partner | None:
    ctx = context(request)
    claims = portal_partner(ctx.secrets.secret_key, token)
    if claims is None:
        return None
    partner = await ctx.store.partner(claims[0])
    # An address changed or erased since the link was sent: the link is dead.
    if partner is None or partner.email_key != claims[1] or partner.status == "rejected":
        return None
    return partner


async def portal_page(
    request: Request,
    partner: Partner,
    token: str,
    *,
    error: str | None = None,
    saved: str | None = None,
    status_code: int = 200,
) -> Response:
    ctx = context(request)
    found = await ctx.store.partner_programme_by_id(partner.programme_id)
    assert found is not None
    placements = await ctx.store.partner_placements(partner.id)
    account = await ctx.store.partner_account(partner.id)
    return show(
        request,
        "portal.html",
        {
            "partner": partner,
            "token": token,
            "programme": found,
            "shop": await service.shop_name(ctx, found),
            "terms": terms.terms_for(found.settings, partner.terms),
            "percent": terms.percent_text,
            "link": service.link(ctx, partner),
            "placements": [(p, service.link(ctx, partner, p.key)) for p in placements],
            "stats": await ctx.store.partner_stats(partner.id),
            "commissions": await ctx.store.partner_commissions(partner.id, 50),
            "account": account,
            "masked": payouts.masked_iban(account.iban) if account else None,
            "error": error,
            "saved": saved,
        },
        status_code,
    )


def invalid_link(request: Request) -> Response:
    return show(request, "sent.html", {"kind": "invalid"}, 400)


async def show_portal(request: Request) -> Response:
    token = request.query_params.get("t", "")
    partner = await portal_of(request, token)
    if partner is None:
        return invalid_link(request)
    return await portal_page(request, partner, token)


async def portal_action(request: Request) -> Response:
    """POST /partners/portal/{action}?t=…: accept an invitation, add a placement, save the
    payout account. The token in the URL is the capability (as on /payout-account)."""
    ctx = context(request)
    token = request.query_params.get("t", "")
    partner = await portal_of(request, token)
    if partner is None:
        return invalid_link(request)
    values = await read_form(request)
    action = request.path_params["action"]
    now = tokens.now_utc()
    with i18n.use_locale(page_lang(request)):
        if action == "accept" and partner.status == "invited":
            decided = await ctx.store.decide_partner(
                partner.id, "approved", "partner: accepted the invitation", now
            )
            assert decided is not None
            return await portal_page(
                request, decided, token, saved=_("Welcome! Your links work now.")
            )
        if action == "placement" and partner.status == "approved":
            key = terms.placement_key(values.get("key"))
            label = values.get("label", "")[:80] or (key or "")
            if key is None:
                return await portal_page(
                    request,
                    partner,
                    token,
                    error=_(
                        "A placement's name is 1 to 32 of a-z, 0-9 and -, such as instagram-bio."
                    ),
                    status_code=422,
                )
            await ctx.store.add_partner_placement(partner.id, key, label, now)
            return await portal_page(request, partner, token, saved=_("Your new link is ready."))
        if action == "account":
            try:
                account = payouts.account(
                    values.get("holder_name"), values.get("iban"), values.get("bic") or None
                )
            except payouts.InvalidAccount as exc:
                return await portal_page(
                    request, partner, token, error=exc.message, status_code=422
                )
            await ctx.store.set_partner_account(partner.id, account, f"partner:{partner.code}", now)
            return await portal_page(
                request,
                partner,
                token,
                saved=_("Saved: your commissions are paid to this account."),
            )
    return await portal_page(request, partner, token, status_code=400)


routes = [
    Route("/partners/apply", show_application, methods=["GET"]),
    Route("/partners/apply", receive_application, methods=["POST"]),
    Route("/partners/sign-in", show_sign_in, methods=["GET"]),
    Route("/partners/sign-in", send_sign_in, methods=["POST"]),
    Route("/partners/portal", show_portal, methods=["GET"]),
    Route("/partners/portal/{action}", portal_action, methods=["POST"]),
]
