"""Loyalty in the dashboard: a campaign's cap, milestones and tiers, in one form that builds the
owner API's document and passes it through the same rules (loyalty/plan.py)."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.admin.fraud import owned
from shareback.admin.render import redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.campaigns import InvalidCampaign
from shareback.context import context
from shareback.i18n import N_
from shareback.loyalty import plan
from shareback.rewards import REWARD_TYPES
from shareback.storage.base import AdminSession, Campaign

MILESTONE_ROWS = 6
TIER_ROWS = 5
BASIS_LABELS = {
    plan.BY_REFERRALS: N_("Friends who ordered (refunded orders do not count)"),
    plan.BY_SPEND: N_("What their friends spent, net of refunds"),
}
DEMOTION_LABELS = {
    plan.DEMOTE_ON_REFUND: N_("A refund that takes them below the threshold demotes them at once"),
    plan.DEMOTE_NEVER: N_("Never: a tier once reached is kept"),
}
LABELS = {
    "cap": N_("Cap"),
    "basis": N_("Tiers go by"),
    "demotion": N_("Demotion"),
}
ROW_FIELD = re.compile(r"^(milestones|tiers\.levels)\[(\d+)\](?:\.(\w+))?$")
# The API's field of a problem, in a row, to the form's input (m2_value, t0_from …).
COLUMNS = {
    "friends": "friends",
    "reward": "value",
    "key": "key",
    "name": "name",
    "from": "from",
    "referrer_reward": "ref_value",
    "friend_reward": "friend_value",
}


def values_of(campaign: Campaign) -> dict[str, str]:
    loyalty = campaign.loyalty
    values = {"cap": "" if loyalty.cap is None else str(loyalty.cap)}
    values.update(basis=loyalty.basis, demotion=loyalty.demotion)
    for n in range(MILESTONE_ROWS):
        m = loyalty.milestones[n] if n < len(loyalty.milestones) else None
        values[f"m{n}_friends"] = "" if m is None else str(m.friends)
        values[f"m{n}_type"] = "credit" if m is None else m.reward.type
        values[f"m{n}_value"] = "" if m is None else m.reward.value
    for n in range(TIER_ROWS):
        t = loyalty.tiers[n] if n < len(loyalty.tiers) else None
        values[f"t{n}_key"] = "" if t is None else t.key
        values[f"t{n}_name"] = "" if t is None else t.name
        values[f"t{n}_from"] = (
            "" if t is None else str(plan.threshold_json(loyalty, t, campaign.currency))
        )
        for side, spec in (
            ("ref", None if t is None else t.referrer_reward),
            ("friend", None if t is None else t.friend_reward),
        ):
            values[f"t{n}_{side}_type"] = "" if spec is None else spec.type
            values[f"t{n}_{side}_value"] = "" if spec is None else spec.value
    return values


def text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()[:200]


def whole(raw: str) -> int | str:
    """A number as the API takes it; anything else passed on for the rules to refuse."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else raw


def document_of(form: FormData) -> tuple[dict[str, Any], list[int], list[int]]:
    """The API's plan from the form's rows (blank rows left out), and which row each entry is."""
    milestone_rows = [n for n in range(MILESTONE_ROWS) if text(form, f"m{n}_friends")]
    tier_rows = [n for n in range(TIER_ROWS) if text(form, f"t{n}_key") or text(form, f"t{n}_name")]
    basis = text(form, "basis") or plan.BY_REFERRALS
    levels = []
    for n in tier_rows:
        level: dict[str, Any] = {
            "key": text(form, f"t{n}_key"),
            "name": text(form, f"t{n}_name"),
            "from": whole(text(form, f"t{n}_from"))
            if basis == plan.BY_REFERRALS
            else text(form, f"t{n}_from").replace(",", "."),
        }
        for side, name in (("ref", "referrer_reward"), ("friend", "friend_reward")):
            kind = text(form, f"t{n}_{side}_type")
            if kind:
                level[name] = {
                    "type": kind,
                    "value": text(form, f"t{n}_{side}_value").replace(",", "."),
                }
        levels.append(level)
    cap = text(form, "cap")
    document = {
        "cap": whole(cap) if cap else None,
        "milestones": [
            {
                "friends": whole(text(form, f"m{n}_friends")),
                "reward": {
                    "type": text(form, f"m{n}_type"),
                    "value": text(form, f"m{n}_value").replace(",", "."),
                },
            }
            for n in milestone_rows
        ],
        "tiers": {"basis": basis, "demotion": text(form, "demotion"), "levels": levels},
    }
    return document, milestone_rows, tier_rows


def form_field(field: str, milestone_rows: list[int], tier_rows: list[int]) -> str:
    found = ROW_FIELD.fullmatch(field)
    if found is None:
        return {"tiers.basis": "basis", "tiers.demotion": "demotion"}.get(field, field)
    kind, index, column = found.group(1), int(found.group(2)), found.group(3) or "friends"
    rows, prefix = (milestone_rows, "m") if kind == "milestones" else (tier_rows, "t")
    row = rows[index] if index < len(rows) else 0
    return f"{prefix}{row}_{COLUMNS.get(column, 'key')}"


def page(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    return render(
        request,
        "loyalty.html",
        {
            "session": session,
            "nav": "campaigns",
            "campaign": campaign,
            "values": values,
            "errors": errors,
            "labels": LABELS,
            "milestone_rows": range(MILESTONE_ROWS),
            "tier_rows": range(TIER_ROWS),
            "milestone_types": plan.MILESTONE_TYPES,
            "reward_types": REWARD_TYPES,
            "basis_labels": BASIS_LABELS,
            "demotion_labels": DEMOTION_LABELS,
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=400 if errors else 200,
    )


@admin_page
async def show_loyalty(request: Request, session: AdminSession) -> Response:
    campaign = await owned(request)
    return page(request, session, campaign, values_of(campaign), {})


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_loyalty(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    document, milestone_rows, tier_rows = document_of(form)
    try:
        loyalty = plan.parse(document, campaign.currency)
    except InvalidCampaign as exc:
        values = {name: str(value)[:200] for name, value in form.items() if name != "csrf"}
        values = {**{name: "" for name in values_of(campaign)}, **values}
        field = form_field(exc.field, milestone_rows, tier_rows)
        return page(request, session, campaign, values, {field: exc.message})
    await context(request).store.update_campaign_loyalty(campaign.slug, loyalty)
    return redirect(f"/admin/campaigns/{campaign.slug}/loyalty?saved=1")


routes = [
    Route("/admin/campaigns/{slug}/loyalty", show_loyalty, methods=["GET"]),
    Route("/admin/campaigns/{slug}/loyalty", save_loyalty, methods=["POST"]),
]
