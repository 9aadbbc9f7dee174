"""/admin/settings/webhooks: the endpoints Shareback sends events to (add one, disable one) and the
delivery log with its dead letters; one delivery's attempts and "Redeliver" are in deliveries.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, tokens
from shareback.admin.access import path_id
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import admin_action, page_for
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.outgoing.retry import EVENT_TYPES
from shareback.storage.base import AdminSession
from shareback.urls import endpoint_problem, url_message
from shareback.webhooks.standard import new_secret

PAGE_SIZE = 50
DELIVERY_STATUSES = ("pending", "delivered", "dead")
MAX_DESCRIPTION = 200
ALL_EVENTS = "*"
ENDPOINT_EXAMPLE = "https://crm.example.com/hooks/shareback"
EVENT_HINTS = {
    "advocate.created": N_("a shopper joins and gets their link and coupon code"),
    "advocate.updated": N_("an advocate's details change, such as a coupon code given later"),
    "advocate.tier_changed": N_("an advocate is promoted or demoted to another loyalty tier"),
    "referral.converted": N_("a friend's order is credited to an advocate"),
    "reward.created": N_("a reward is recorded, pending its hold period"),
    "reward.approved": N_("a reward is approved: time to pay it out"),
    "reward.revoked": N_("a reward is revoked, with the reason"),
    "reward.clawed_back": N_("an approved reward is owed back after a refund or chargeback"),
    "reward.fulfilled": N_("a reward reached its person: a coupon issued, credit added, paid"),
    "payout_batch.created": N_("a payout batch of cash rewards is made, ready to export"),
    "payout_batch.paid": N_("a payout batch is marked paid: its rewards are fulfilled"),
    "friend_code.issued": N_("a friend gets a generated code to create in your shop"),
    "friend_code.pool_exhausted": N_("the last code of a campaign's pool is given out"),
    "experiment.started": N_("an A/B test of a campaign's offers or texts starts"),
    "experiment.concluded": N_("an A/B test is stopped, with its winner and results"),
    "customer.updated": N_("a customer's referral facts change: shares, clicks, friends, rewards"),
    "partner.approved": N_("a partner is approved: their links and code work"),
    "partner.rejected": N_("a partner's application is rejected, or a partner stopped"),
    "commission.created": N_("an order is credited to a partner: a pending commission"),
    "commission.approved": N_("a partner's commission is approved after its hold period"),
    "commission.paid": N_("a partner's commission is paid in a payout batch"),
    "commission.clawed_back": N_("an approved commission is owed back after a refund"),
}


@dataclass
class EndpointForm:
    url: str = ""
    description: str = ""
    events: tuple[str, ...] = (ALL_EVENTS,)
    errors: dict[str, str] = field(default_factory=dict)


def read_endpoint_form(form: FormData, allow_http: bool = False) -> EndpointForm:
    """The new endpoint as the owner's API would take it, each problem beside its field."""
    url = str(form.get("url") or "").strip()[:2000]
    description = str(form.get("description") or "").strip()
    chosen = tuple(dict.fromkeys(str(e) for e in form.getlist("events")))
    found = EndpointForm(url, description[:MAX_DESCRIPTION], chosen)
    problem = endpoint_problem(url, allow_http=allow_http) if url else None
    if not url:
        found.errors["url"] = _("Enter the address Shareback should send events to.")
    elif problem:
        found.errors["url"] = url_message(problem, ENDPOINT_EXAMPLE)
    if len(description) > MAX_DESCRIPTION or not description.isprintable():
        found.errors["description"] = (
            f"Keep it to one line of at most {MAX_DESCRIPTION} characters."
        )
    if set(chosen) - {ALL_EVENTS, *EVENT_TYPES}:
        found.errors["events"] = _("Choose events from the list.")
    elif ALL_EVENTS in chosen:
        found.events = (ALL_EVENTS,)
    elif not chosen:
        found.errors["events"] = _("Choose at least one event, or all of them.")
    return found


def delivery_query(status: str | None, **extra: str | int) -> str:
    return urlencode({**({"status": status} if status else {}), **extra})


async def webhooks_page(
    request: Request,
    session: AdminSession,
    status_code: int = 200,
    new_endpoint: EndpointForm | None = None,
) -> Response:
    ctx = context(request)
    query: Mapping[str, str] = request.query_params
    status = query.get("status") if query.get("status") in DELIVERY_STATUSES else None
    before = numbers.row_id(query.get("before"))
    rows = await ctx.store.list_deliveries(status=status, before=before, limit=PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    sizes = await ctx.store.queue_sizes()
    counts = {s: sizes.get(("webhook_deliveries", s), 0) for s in DELIVERY_STATUSES}
    page: dict[str, Any] = {
        "session": session,
        "nav": "settings",
        "settings_tab": "webhooks",
        "endpoints": await ctx.store.endpoints(),
        "form": new_endpoint or EndpointForm(),
        "event_hints": [(name, EVENT_HINTS.get(name, "")) for name in EVENT_TYPES],
        "status": status,
        "statuses": DELIVERY_STATUSES,
        "counts": counts,
        "deliveries": rows,
        "first_page": before is None,
        "tab_query": {s: delivery_query(s) for s in (None, *DELIVERY_STATUSES)},
        "next_query": delivery_query(status, before=rows[-1].id) if more and rows else None,
        "now": tokens.now_utc(),
    }
    return render(request, "webhooks.html", page, status_code=status_code)


@page_for(Permission.MANAGE)
async def show_webhooks(request: Request, session: AdminSession) -> Response:
    return await webhooks_page(request, session)


@admin_action
async def create_endpoint(request: Request, session: AdminSession, form: FormData) -> Response:
    found = read_endpoint_form(form, context(request).settings.allow_http_endpoints)
    if found.errors:
        return await webhooks_page(request, session, 400, found)
    endpoint = await context(request).store.create_endpoint(
        found.url, found.events, new_secret(), found.description, tokens.now_utc()
    )
    return redirect(f"/admin/settings/webhooks?notice=endpoint-created#endpoint-{endpoint.id}")


@admin_action
async def disable_endpoint(request: Request, session: AdminSession, form: FormData) -> Response:
    if not await context(request).store.disable_endpoint(path_id(request), tokens.now_utc()):
        raise PageError(
            404, _("No such endpoint"), _("That endpoint does not exist or is already disabled.")
        )
    return redirect("/admin/settings/webhooks?notice=endpoint-disabled#endpoints")


routes = [
    Route("/admin/settings/webhooks", show_webhooks, methods=["GET"]),
    Route("/admin/settings/webhooks", create_endpoint, methods=["POST"]),
    Route("/admin/settings/webhooks/{id}/disable", disable_endpoint, methods=["POST"]),
]
