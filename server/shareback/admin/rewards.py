"""The rewards queue: pending, approved and revoked tabs, filters, and bulk approve or revoke."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, tokens
from shareback.admin.render import redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.i18n import ngettext
from shareback.rewards import STATUSES
from shareback.storage.base import AdminSession, Campaign, RewardSummary

PAGE_SIZE = 50
SIDES = ("referrer", "friend")
MAX_REASON = 500
ACTIONS = {"approve": "approved", "revoke": "revoked"}


def filters_from(source: dict[str, str], campaigns: list[Campaign]) -> dict[str, str]:
    """Only values the page offers: anything else falls back to "all"."""
    status = source.get("status", "pending")
    side = source.get("side", "")
    slug = source.get("campaign", "")
    return {
        "status": status if status in STATUSES else "pending",
        "side": side if side in SIDES else "",
        "campaign": slug if slug in {c.slug for c in campaigns} else "",
    }


def query(filters: dict[str, str], **extra: str | int) -> str:
    return urlencode({**{k: v for k, v in filters.items() if v}, **extra})


def done_message(params: dict[str, str]) -> str | None:
    done = params.get("done")
    count, skipped = (
        numbers.whole_number(params.get("n")),
        numbers.whole_number(params.get("skipped")),
    )
    if done not in ACTIONS.values() or count is None:
        return None
    if done == "approved":
        text = ngettext("%(num)s reward approved.", "%(num)s rewards approved.", count)
    else:
        text = ngettext("%(num)s reward revoked.", "%(num)s rewards revoked.", count)
    text %= {"num": count}
    if skipped:
        text += " " + ngettext(
            "%(num)s could not be changed: only waiting rewards can be approved or revoked, and "
            "someone (or the waiting period) got there first.",
            "%(num)s could not be changed: only waiting rewards can be approved or revoked, and "
            "someone (or the waiting period) got there first.",
            skipped,
        ) % {"num": skipped}
    return text


async def rewards_page(
    request: Request,
    session: AdminSession,
    source: dict[str, str],
    *,
    error: str | None = None,
    selected: frozenset[int] = frozenset(),
    reason: str = "",
) -> Response:
    ctx = context(request)
    campaigns = await ctx.store.campaigns(include_archived=True)
    filters = filters_from(source, campaigns)
    by_slug = {c.slug: c for c in campaigns}
    before = numbers.row_id(source.get("before"))
    rows: list[RewardSummary] = await ctx.store.list_rewards(
        status=filters["status"],
        side=filters["side"] or None,
        campaign_id=by_slug[filters["campaign"]].id if filters["campaign"] else None,
        before=before,
        limit=PAGE_SIZE + 1,
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "rewards.html",
        {
            "session": session,
            "nav": "rewards",
            "campaigns": campaigns,
            "filters": filters,
            "statuses": STATUSES,
            "rows": rows,
            "next_query": query(filters, before=rows[-1].id) if more and rows else None,
            "first_page": before is None,
            "tab_query": {s: query({**filters, "status": s}) for s in STATUSES},
            "csv_query": query(filters),
            "done": done_message(source),
            "error": error,
            "selected": selected,
            "reason": reason,
            "now": tokens.now_utc(),
        },
        status_code=400 if error else 200,
    )


@admin_page
async def list_rewards(request: Request, session: AdminSession) -> Response:
    return await rewards_page(request, session, dict(request.query_params))


@action_for(Permission.DECIDE_REWARDS)
async def change_rewards(request: Request, session: AdminSession, form: FormData) -> Response:
    source = {k: str(form.get(k) or "") for k in ("status", "side", "campaign")}
    found = (numbers.row_id(v) for v in form.getlist("reward") if isinstance(v, str))
    ids = sorted({n for n in found if n is not None})
    action = str(form.get("action") or "")
    reason = str(form.get("reason") or "").strip()
    selected = frozenset(ids)
    if action not in ACTIONS:
        error = _("Choose Approve or Revoke.")
    elif not ids:
        error = _("Select at least one reward first.")
    elif action == "revoke" and not reason:
        error = _(
            "Give a reason for revoking; it is kept with each reward and shown in its history."
        )
    elif len(reason) > MAX_REASON:
        error = _("Keep the reason to %(num)s characters.") % {"num": MAX_REASON}
    else:
        changed, refused = await context(request).store.change_rewards(
            ids, ACTIONS[action], reason or None, session.user.email, tokens.now_utc()
        )
        filters = filters_from(source, await context(request).store.campaigns(True))
        return redirect(
            "/admin/rewards?"
            + query(filters, done=ACTIONS[action], n=len(changed), skipped=len(refused))
        )
    return await rewards_page(
        request, session, source, error=error, selected=selected, reason=reason
    )


routes = [
    Route("/admin/rewards", list_rewards, methods=["GET"]),
    Route("/admin/rewards", change_rewards, methods=["POST"]),
]
