"""One advocate's page: the link they share, their codes, clicks and shares by channel, the friends
who ordered, their rewards and store credit, the e-mails sent to them; and their data requests
(GDPR): everything kept about them as a download, and erasure after a confirmation."""

from __future__ import annotations

import json

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import emails, gdpr, numbers, tokens, wording
from shareback.admin.render import SECURITY_HEADERS, PageError, redirect, render
from shareback.admin.sessions import action_for, page_for
from shareback.api.advocates import advocate_document
from shareback.api.loyalty_view import state_of
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import current_locale
from shareback.i18n import gettext as _
from shareback.mail import journeys
from shareback.people_search import order_state
from shareback.rewards import RewardSpec
from shareback.storage.base import AdminSession, Campaign
from shareback.storage.records import AdvocateProfile

MAX_ROWS = 100


async def profile_of(request: Request) -> tuple[AdvocateProfile, Campaign]:
    ctx = context(request)
    advocate_id = numbers.row_id(request.path_params["id"])
    profile = await ctx.store.advocate_profile(advocate_id) if advocate_id else None
    campaign = await ctx.store.campaign_by_id(profile.advocate.campaign_id) if profile else None
    if profile is None or campaign is None:
        raise PageError(
            404,
            _("There is no such advocate"),
            _("Nobody has this number, or their data was erased. Search the advocates list."),
        )
    return profile, campaign


@page_for(Permission.READ)
async def show_advocate(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    profile, campaign = await profile_of(request)
    advocate = profile.advocate
    # The link and QR codes exactly as the widget hands them to the advocate.
    shared = advocate_document(ctx.settings.public_url, campaign, advocate, wording.pick_lang(None))
    referrals = await ctx.store.list_referrals(advocate_id=advocate.id, limit=MAX_ROWS)
    rewards = await ctx.store.list_rewards(advocate_id=advocate.id, side="referrer", limit=MAX_ROWS)
    credit = await ctx.store.credit_balance(advocate.email_key, campaign.currency)
    standing = None if campaign.loyalty.empty else await ctx.store.loyalty_standing(advocate.id)
    return render(
        request,
        "advocate.html",
        {
            "session": session,
            "nav": "advocates",
            "profile": profile,
            "advocate": advocate,
            "campaign": campaign,
            "shared": shared,
            "referrals": referrals,
            "states": {r.id: order_state(r.order_status, r.refunded_minor) for r in referrals},
            "rewards": rewards,
            "coupons": await ctx.store.reward_coupons(advocate.id),
            "credit": credit if credit.entries else None,
            "max_rows": MAX_ROWS,
            "journeys": journeys.LABELS,
            "erased": advocate.email.endswith("@" + gdpr.ERASED_DOMAIN),
            # Their customer record (orders, tickets, consent), linked by the inbox key.
            "customer": await ctx.store.customer_by_email(advocate.email),
            # Loyalty (loyalty/): the tier, the progress and every milestone award.
            "standing": standing,
            "loyalty": None if standing is None else state_of(campaign, standing),
            "describe": lambda kind, value: RewardSpec(kind, value, campaign.currency).describe(
                wording.pick_lang(current_locale())
            ),
        },
    )


@page_for(Permission.EXPORT)
async def download_person_data(request: Request, session: AdminSession) -> Response:
    """What `shareback gdpr export` and GET /api/v1/gdpr/export give, for this advocate."""
    ctx = context(request)
    profile, _campaign = await profile_of(request)
    address = profile.advocate.email
    sections = await ctx.store.person_data(emails.email_key(address))
    body = json.dumps(gdpr.export_document(address, sections), ensure_ascii=False, indent=2)
    filename = f"shareback-person-{profile.advocate.id}-{tokens.now_utc().date().isoformat()}.json"
    return Response(
        body,
        media_type="application/json",
        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@page_for(Permission.MANAGE)
async def confirm_erase(request: Request, session: AdminSession) -> Response:
    profile, campaign = await profile_of(request)
    return render(
        request,
        "advocate_erase.html",
        {
            "session": session,
            "nav": "advocates",
            "advocate": profile.advocate,
            "campaign": campaign,
            "error": None,
        },
    )


@action_for(Permission.MANAGE)
async def erase_advocate(request: Request, session: AdminSession, form: FormData) -> Response:
    """After the owner typed the address again: the person's data anonymised everywhere, as
    `shareback gdpr delete` does (the counts stay, nothing names them)."""
    ctx = context(request)
    profile, campaign = await profile_of(request)
    typed = str(form.get("confirm_email") or "")
    address = profile.advocate.email
    if emails.fold(typed) != emails.fold(address):
        return render(
            request,
            "advocate_erase.html",
            {
                "session": session,
                "nav": "advocates",
                "advocate": profile.advocate,
                "campaign": campaign,
                "error": _("Type the address exactly as shown to confirm. Nothing was erased."),
            },
            status_code=400,
        )
    await ctx.store.erase_person(emails.email_key(address), tokens.now_utc())
    return redirect("/admin/advocates?notice=person-erased")


routes = [
    Route("/admin/advocates/{id}", show_advocate, methods=["GET"]),
    Route("/admin/advocates/{id}/data.json", download_person_data, methods=["GET"]),
    Route("/admin/advocates/{id}/erase", confirm_erase, methods=["GET"]),
    Route("/admin/advocates/{id}/erase", erase_advocate, methods=["POST"]),
]
