"""/admin/ambassadors: customers ranked by their ambassador score with its reasons, filtered and
paged; "invite these" into a campaign (crm/invitations.py); and the calibration table (what each
score decile did after its invitation), so the owner sees whether the score predicts anything."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, tokens
from shareback.admin.render import redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import Context, context
from shareback.crm import invitations
from shareback.crm.ranking import CONSENT_CHOICES, FilterError, RankingFilter, parse_filter
from shareback.crm.score import BAND_LABELS, calibration, summary
from shareback.i18n import N_, ngettext
from shareback.i18n import gettext as _
from shareback.mail import journeys
from shareback.storage.base import AdminSession, Campaign

PAGE_SIZE = 50
MAX_PAGE = 200
CONSENT_LABELS = {"yes": N_("Gave consent"), "no": N_("Said no"), "unknown": N_("Never asked")}
FILTER_ERRORS = {
    "band": N_("Choose a score band from the list."),
    "country": N_("Enter a two-letter country code, such as NL."),
    "tag": N_("Enter one tag of at most 100 characters."),
    "consent": N_("Choose a consent choice from the list."),
    "min_orders": N_("Enter a whole number of orders."),
}


async def fresh_scores(ctx: Context, *, force: bool = False) -> None:
    await invitations.fresh_scores(
        ctx.store, ctx.settings.score_rules, tokens.now_utc(), force=force
    )


async def chosen_campaign(ctx: Context, slug: str | None) -> Campaign | None:
    """The campaign asked for, else the default one, else the first live one."""
    live = await ctx.store.campaigns()
    by_slug = {c.slug: c for c in live}
    return by_slug.get(slug or "") or by_slug.get("default") or (live[0] if live else None)


def done_message(params: dict[str, str]) -> str | None:
    if params.get("done") != "invite":
        return None
    counts = {k: numbers.whole_number(params.get(k)) or 0 for k in ("n", "already", "refused")}
    text = ngettext(
        "%(num)s customer invited: their e-mail is on its way.",
        "%(num)s customers invited: their e-mails are on their way.",
        counts["n"],
    ) % {"num": counts["n"]}
    if counts["already"]:
        text += " " + ngettext(
            "%(num)s was invited before (nobody is invited twice).",
            "%(num)s were invited before (nobody is invited twice).",
            counts["already"],
        ) % {"num": counts["already"]}
    if counts["refused"]:
        text += " " + ngettext(
            "%(num)s may not be asked: no marketing consent, unsubscribed, or an unresolved "
            "recent complaint.",
            "%(num)s may not be asked: no marketing consent, unsubscribed, or an unresolved "
            "recent complaint.",
            counts["refused"],
        ) % {"num": counts["refused"]}
    return text


def _href(params: dict[str, str], **extra: str | int) -> str:
    merged = {**params, **{k: str(v) for k, v in extra.items()}}
    return "/admin/ambassadors?" + urlencode({k: v for k, v in merged.items() if v})


async def ambassadors_page(
    request: Request, session: AdminSession, source: dict[str, str], error: str | None = None
) -> Response:
    ctx = context(request)
    status = 400 if error else 200
    try:
        chosen = parse_filter(source)
    except FilterError as exc:
        chosen, error, status = RankingFilter(), _(FILTER_ERRORS[exc.field]), 400
    campaign = await chosen_campaign(ctx, source.get("campaign"))
    page = numbers.whole_number(source.get("page"), MAX_PAGE) or 1
    await fresh_scores(ctx)
    rows = await ctx.store.ranked_customers(
        chosen,
        campaign_id=campaign.id if campaign else None,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE + 1,
    )
    more = len(rows) > PAGE_SIZE and page < MAX_PAGE
    rows = rows[:PAGE_SIZE]
    params = {**chosen.query(), "campaign": campaign.slug if campaign else ""}
    sends = (
        campaign is not None
        and journeys.INVITE in (await ctx.store.mail_settings(campaign.id)).journeys
    )
    page_context: dict[str, Any] = {
        "session": session,
        "nav": "ambassadors",
        "chosen": chosen,
        "campaign": campaign,
        "campaigns": await ctx.store.campaigns(),
        "rows": rows,
        "summary": summary,
        "bands": BAND_LABELS,
        "consents": {k: CONSENT_LABELS[k] for k in CONSENT_CHOICES},
        "deciles": calibration(
            await ctx.store.invitation_deciles(campaign.id if campaign else None)
        ),
        "computed_at": await ctx.store.scores_computed_at(),
        "sends_invite": sends,
        "smtp": ctx.settings.smtp_url is not None,
        "rules": ctx.settings.score_rules,
        "max_invite": invitations.MAX_INVITE,
        "done": done_message(source),
        "error": error,
        "page": page,
        "previous_href": _href(params, page=page - 1) if page > 1 else None,
        "next_href": _href(params, page=page + 1) if more else None,
        "first_href": _href(params) if page > 2 else None,
        "return_query": urlencode({**params, "page": str(page)} if page > 1 else params),
    }
    return render(request, "ambassadors.html", page_context, status_code=status)


@admin_page
async def list_ambassadors(request: Request, session: AdminSession) -> Response:
    return await ambassadors_page(request, session, dict(request.query_params))


def _back(form: FormData) -> dict[str, str]:
    keep = ("campaign", "band", "country", "tag", "consent", "min_orders", "page")
    return {k: str(form.get(k) or "")[:200] for k in keep if form.get(k)}


@action_for(Permission.EDIT_CAMPAIGNS)
async def invite_ambassadors(request: Request, session: AdminSession, form: FormData) -> Response:
    ctx = context(request)
    back = _back(form)
    found = (numbers.row_id(v) for v in form.getlist("customer") if isinstance(v, str))
    ids = sorted({n for n in found if n is not None})
    campaign = await ctx.store.campaign(str(form.get("campaign") or ""))
    if form.get("scope") == "listed" and campaign is not None:
        # Everyone the filters list, best first, up to MAX_INVITE: not only the ticked ones.
        try:
            chosen = parse_filter(back)
        except FilterError:
            chosen = RankingFilter()
        listed = await ctx.store.ranked_customers(
            dataclasses.replace(chosen, include_excluded=False),
            campaign_id=campaign.id,
            limit=invitations.MAX_INVITE,
        )
        ids = [r.customer_id for r in listed if r.invited_at is None]
    if campaign is None or campaign.archived_at is not None:
        return await ambassadors_page(request, session, back, _("Choose a live campaign."))
    if journeys.INVITE not in (await ctx.store.mail_settings(campaign.id)).journeys:
        return await ambassadors_page(
            request,
            session,
            back,
            _(
                "This campaign does not send the invitation e-mail: switch it on in its e-mail "
                "settings first."
            ),
        )
    if not ids:
        return await ambassadors_page(request, session, back, _("Select at least one customer."))
    if len(ids) > invitations.MAX_INVITE:
        message = _("Select at most %(num)s customers at a time.") % {"num": invitations.MAX_INVITE}
        return await ambassadors_page(request, session, back, message)
    report = await invitations.invite(
        ctx.store,
        ctx.settings.score_rules,
        ctx.secrets.secret_key,
        campaign,
        ids,
        session.user.email,
        tokens.now_utc(),
    )
    refused = report.refused_total + report.unknown
    return redirect(
        _href(back, done="invite", n=report.invited, already=report.already, refused=refused)
    )


@action_for(Permission.EDIT_CAMPAIGNS)
async def refresh_ambassador_scores(
    request: Request, session: AdminSession, form: FormData
) -> Response:
    await fresh_scores(context(request), force=True)
    return redirect(_href(_back(form)))


routes = [
    Route("/admin/ambassadors", list_ambassadors, methods=["GET"]),
    Route("/admin/ambassadors/invite", invite_ambassadors, methods=["POST"]),
    Route("/admin/ambassadors/refresh", refresh_ambassador_scores, methods=["POST"]),
]
