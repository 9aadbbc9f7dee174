"""The partners' pages of the dashboard (/admin/partners): the programme's settings, inviting
partners, applications to approve or reject, and each partner's numbers per placement (the
portal's own table, from the same store verb), terms, codes and commissions."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import emails, numbers, tokens
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.partners import service, terms
from shareback.partners.terms import InvalidTerms, percent_text
from shareback.storage.base import AdminSession
from shareback.storage.partner_records import CodeTaken, Partner

NOTICES = {
    "saved": N_("The programme's settings are saved: orders from now on earn by them."),
    "invited": N_("The invitation is on its way; the partner accepts it in their portal."),
    "approved": N_("The partner is approved: their links and code work now."),
    "rejected": N_("The partner is rejected: their links lead nowhere."),
    "terms": N_("The partner's terms are saved."),
}


async def partners_page(
    request: Request, session: AdminSession, *, error: str | None = None, status_code: int = 200
) -> Response:
    ctx = context(request)
    found = await service.programme(ctx)
    partners = await ctx.store.list_partners(found.id)
    done = NOTICES.get(request.query_params.get("done", ""))
    return render(
        request,
        "partners.html",
        {
            "session": session,
            "nav": "partners",
            "programme": found,
            "percent": percent_text(found.settings.rate_bp),
            "waiting": [p for p in partners if p.status in ("applied", "invited")],
            "approved": [p for p in partners if p.status == "approved"],
            "rejected": [p for p in partners if p.status == "rejected"],
            "apply_url": f"{ctx.settings.public_url}/partners/apply",
            "done": _(done) if done else None,
            "error": error,
        },
        status_code=status_code,
    )


@admin_page
async def show_partners(request: Request, session: AdminSession) -> Response:
    return await partners_page(request, session)


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_programme(request: Request, session: AdminSession, form: FormData) -> Response:
    ctx = context(request)
    found = await service.programme(ctx)
    fields = (
        "name",
        "currency",
        "commission_percent",
        "basis",
        "window_days",
        "attribution_days",
        "hold_days",
    )
    data: dict[str, object] = {k: str(form.get(k) or "").strip() for k in fields}
    try:
        settings = terms.programme_settings(data, found.settings)
    except InvalidTerms as exc:
        return await partners_page(request, session, error=exc.message, status_code=400)
    await ctx.store.save_partner_programme(
        found.slug, found.campaign_id, settings, tokens.now_utc()
    )
    return redirect("/admin/partners?done=saved")


@action_for(Permission.EDIT_CAMPAIGNS)
async def invite(request: Request, session: AdminSession, form: FormData) -> Response:
    ctx = context(request)
    email = str(form.get("email") or "").strip()
    name = " ".join(str(form.get("name") or "").split())
    if not emails.is_valid_email(email) or not name or len(name) > 100:
        return await partners_page(
            request,
            session,
            error=_("Enter the partner's name and e-mail address."),
            status_code=400,
        )
    found = await service.programme(ctx)
    partner, created = await ctx.store.add_partner(
        found.id, email, name, "invited", session.user.email, tokens.now_utc()
    )
    if created:
        await service.send(ctx, partner, "invitation", str(form.get("lang") or "nl"))
    return redirect("/admin/partners?done=invited")


async def partner_of(request: Request) -> Partner:
    raw = str(request.path_params["id"])
    partner_id = numbers.row_id(raw)
    partner = None if partner_id is None else await context(request).store.partner(partner_id)
    if partner is None:
        raise PageError(
            404, _("No such partner"), _("There is no partner %(id)s.") % {"id": raw[:40]}
        )
    return partner


async def partner_page(
    request: Request, session: AdminSession, *, error: str | None = None, status_code: int = 200
) -> Response:
    ctx = context(request)
    partner = await partner_of(request)
    found = await ctx.store.partner_programme_by_id(partner.programme_id)
    assert found is not None
    done = NOTICES.get(request.query_params.get("done", ""))
    placements = await ctx.store.partner_placements(partner.id)
    return render(
        request,
        "partner.html",
        {
            "session": session,
            "nav": "partners",
            "partner": partner,
            "programme": found,
            "terms": terms.terms_for(found.settings, partner.terms),
            "percent": percent_text,
            "link": service.link(ctx, partner),
            "placements": [(p, service.link(ctx, partner, p.key)) for p in placements],
            "stats": await ctx.store.partner_stats(partner.id),
            "commissions": await ctx.store.partner_commissions(partner.id, 100),
            "account": await ctx.store.partner_account(partner.id),
            "done": _(done) if done else None,
            "error": error,
        },
        status_code=status_code,
    )


@admin_page
async def show_partner(request: Request, session: AdminSession) -> Response:
    return await partner_page(request, session)


@action_for(Permission.DECIDE_REWARDS)
async def decide(request: Request, session: AdminSession, form: FormData) -> Response:
    partner = await partner_of(request)
    status = {"approve": "approved", "reject": "rejected"}.get(str(form.get("decision")))
    if status is None:
        return await partner_page(
            request, session, error=_("Choose approve or reject."), status_code=400
        )
    await context(request).store.decide_partner(
        partner.id, status, session.user.email, tokens.now_utc()
    )
    back = str(form.get("back") or "")
    place = "/admin/partners" if back == "list" else f"/admin/partners/{partner.id}"
    return redirect(f"{place}?done={status}")


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_terms(request: Request, session: AdminSession, form: FormData) -> Response:
    partner = await partner_of(request)
    data: dict[str, object] = {
        k: str(form.get(k) or "").strip() or None
        for k in ("commission_percent", "basis", "window_days")
    }
    raw_coupon = str(form.get("coupon_code") or "").strip()
    coupon = terms.coupon(raw_coupon) if raw_coupon else None
    try:
        own = terms.partner_terms(data)
        if raw_coupon and coupon is None:
            raise InvalidTerms("coupon_code", _("A checkout code is 3 to 32 of A-Z, 0-9, - and _."))
        await context(request).store.set_partner_terms(partner.id, own, coupon)
    except InvalidTerms as exc:
        return await partner_page(request, session, error=exc.message, status_code=400)
    except CodeTaken:
        return await partner_page(
            request, session, error=_("That code is someone else's already."), status_code=409
        )
    return redirect(f"/admin/partners/{partner.id}?done=terms")


routes = [
    Route("/admin/partners", show_partners, methods=["GET"]),
    Route("/admin/partners/programme", save_programme, methods=["POST"]),
    Route("/admin/partners/invite", invite, methods=["POST"]),
    Route("/admin/partners/{id}", show_partner, methods=["GET"]),
    Route("/admin/partners/{id}/decision", decide, methods=["POST"]),
    Route("/admin/partners/{id}/terms", save_terms, methods=["POST"]),
]
