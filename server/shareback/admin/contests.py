"""/admin/campaigns/{slug}/contests: a campaign's contests, each with its leaderboard as shoppers
see it (masked names) and who won what, a form for a new one, and cancelling one not yet
settled."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import contests, i18n, numbers, tokens
from shareback.admin.campaign_form import parse_moment
from shareback.admin.fraud import owned
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.contest_board import contest_document
from shareback.context import context
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.rewards import RewardSpec
from shareback.storage.base import AdminSession
from shareback.storage.contest_records import NewContest
from shareback.storage.records import Campaign

PRIZE_ROWS = 3  # the form's prize lines; the API takes up to contests.MAX_PRIZES
PRIZE_TYPES = {
    "credit": N_("Store credit"),
    "cash": N_("Money paid out"),
    "coupon": N_("A discount code"),
    "points": N_("Points"),
    "custom": N_("A gift (you send it)"),
}
STATE_LABELS = {
    "upcoming": N_("Not started"),
    "running": N_("Running"),
    "counting": N_("Ended: waiting for the hold period"),
    "settled": N_("Prizes given"),
    "cancelled": N_("Cancelled"),
}
PRIZE_FIELDS = tuple(
    f"prize_{n}_{part}" for n in range(1, PRIZE_ROWS + 1) for part in ("type", "value")
)
FIELDS = ("name", "starts_at", "ends_at", *PRIZE_FIELDS)


def prize_text(prize: dict[str, Any]) -> str:
    return RewardSpec(prize["type"], prize["value"], prize["currency"]).describe(
        i18n.current_locale()
    )


async def contests_page(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    store = context(request).store
    now = tokens.now_utc()
    found = []
    for contest in await store.contests(campaign.id):
        entries = await store.contest_entries(contest)
        found.append(
            (contest, contest_document(contest, entries, now), {a.rank: a for a in entries.awarded})
        )
    return render(
        request,
        "contests.html",
        {
            "session": session,
            "nav": "campaigns",
            "campaign": campaign,
            "contests": found,
            "values": values,
            "errors": errors,
            "prize_rows": range(1, PRIZE_ROWS + 1),
            "prize_types": PRIZE_TYPES,
            "state_labels": STATE_LABELS,
            "prize_text": prize_text,
            "created": request.query_params.get("created") == "1",
        },
        status_code=400 if errors else 200,
    )


@admin_page
async def show_contests(request: Request, session: AdminSession) -> Response:
    campaign = await owned(request)
    values = dict.fromkeys(FIELDS, "")
    values["prize_1_type"] = "credit"
    return await contests_page(request, session, campaign, values, {})


def plan_from(form: FormData, currency: str) -> tuple[contests.ContestPlan | None, dict[str, str]]:
    errors: dict[str, str] = {}
    starts_at, problem = parse_moment(str(form.get("starts_at") or ""))
    if problem or starts_at is None:
        errors["starts_at"] = problem or _("Pick when the contest starts.")
    ends_at, problem = parse_moment(str(form.get("ends_at") or ""))
    if problem or ends_at is None:
        errors["ends_at"] = problem or _("Pick when the contest ends.")
    prizes = []
    for n in range(1, PRIZE_ROWS + 1):
        kind = str(form.get(f"prize_{n}_type") or "")
        # 2,50 is how the Dutch write it (as the campaign form reads it)
        value = str(form.get(f"prize_{n}_value") or "").strip().replace(",", ".")
        if not value:
            continue
        if kind not in PRIZE_TYPES:
            errors[f"prize_{n}_value"] = _("Choose what the prize is.")
        prizes.append({"type": kind, "value": value})
    if errors:
        return None, errors
    try:
        plan = contests.parse_plan(form.get("name"), starts_at, ends_at, prizes, currency)
    except contests.InvalidContest as exc:
        field = "prize_1_value" if exc.field == "prizes" else exc.field
        return None, {field: contest_message(exc)}
    return plan, {}


def contest_message(exc: contests.InvalidContest) -> str:
    """The rule's message in the dashboard's language."""
    messages = {
        "name": _("Give the contest a name of at most %(n)s characters.")
        % {"n": contests.MAX_NAME},
        "ends_at": _("The contest ends after it starts, and lasts at most a year."),
        "prizes": _("Give at least the first place a prize: an amount, or 1 for a gift."),
    }
    return messages.get(exc.field, str(exc))


@action_for(Permission.EDIT_CAMPAIGNS)
async def create_contest(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    plan, errors = plan_from(form, campaign.currency)
    if plan is None:
        values = {name: str(form.get(name) or "") for name in FIELDS}
        return await contests_page(request, session, campaign, values, errors)
    await context(request).store.create_contest(
        NewContest(campaign.id, plan, session.user.email, tokens.now_utc()), campaign.hold_days
    )
    context(request).boards.forget(campaign.id)
    return redirect(f"/admin/campaigns/{campaign.slug}/contests?created=1")


@action_for(Permission.EDIT_CAMPAIGNS)
async def cancel_contest(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    store = context(request).store
    contest_id = numbers.row_id(str(request.path_params["id"]))
    found = None if contest_id is None else await store.contest(contest_id)
    if found is None or found.campaign_id != campaign.id:
        raise PageError(404, _("No such contest"), _("This campaign has no such contest."))
    cancelled = await store.cancel_contest(found.id, tokens.now_utc())
    context(request).boards.forget(campaign.id)
    if cancelled is None:
        raise PageError(409, _("Prizes given"), _("This contest's prizes are given already."))
    return redirect(f"/admin/campaigns/{campaign.slug}/contests")


routes = [
    Route("/admin/campaigns/{slug}/contests", show_contests, methods=["GET"]),
    Route("/admin/campaigns/{slug}/contests", create_contest, methods=["POST"]),
    Route("/admin/campaigns/{slug}/contests/{id}/cancel", cancel_contest, methods=["POST"]),
]
