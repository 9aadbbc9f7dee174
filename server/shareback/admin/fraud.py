"""Fraud in the dashboard: each campaign's fraud rules, and the review queue where a person
approves or rejects the doubtful referrals (recorded with who decided and why)."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import campaigns, fraud, tokens
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.fraud import FraudRules
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession, Campaign

PAGE_SIZE = 50
MAX_NOTE = 500
TABS = ("waiting", "decided", "refused", "all")
# Marked here (N_), translated where the page shows them.
RULE_LABELS = {
    "similar_email": N_("The friend's e-mail address looks like the ambassador's"),
    "same_customer": N_("The order's customer account is the ambassador's"),
    "same_ip_device": N_(
        "The order comes from the same internet connection and device that clicked the link"
    ),
    "disposable_email": N_("The friend uses a throwaway e-mail address"),
    "velocity": N_("The ambassador has more referrals today than the daily limit"),
}
REASON_LABELS = {
    "passed": N_("No rule fired"),
    "self_referral": N_("Same e-mail address as the ambassador"),
    "self_referral_email": N_("E-mail address looks like the ambassador's"),
    "self_referral_customer": N_("Same customer account as the ambassador"),
    "self_referral_ip": N_("Same internet connection and device as the click"),
    "disposable_email": N_("Throwaway e-mail address"),
    "velocity": N_("Over the ambassador's daily limit"),
    "reward_cap": N_("Ambassador reached the reward cap"),
}
ACTION_LABELS = {
    "allow": N_("Allow (rule off)"),
    "review": N_("Hold for review"),
    "refuse": N_("Refuse"),
}


async def owned(request: Request) -> Campaign:
    campaign = await context(request).store.campaign(request.path_params["slug"][:64])
    if campaign is None:
        raise PageError(404, _("No such campaign"), _("There is no campaign with this slug."))
    return campaign


def rule_values(rules: FraudRules) -> dict[str, str]:
    return {name: str(value) for name, value in rules.as_dict().items()}


def parse_rules(form: FormData, current: FraudRules) -> tuple[FraudRules, dict[str, str]]:
    """The form's rules through the same checks as the owner API's (shareback.campaigns)."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in fraud.ACTION_RULES:
        try:
            changes[name] = campaigns.fraud_action(name, str(form.get(name) or ""))
        except campaigns.InvalidCampaign as exc:
            errors[name] = exc.message
    for name in campaigns.FRAUD_LIMITS:
        raw = str(form.get(name) or "").strip()
        whole = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
        try:
            changes[name] = campaigns.fraud_limit(name, whole)
        except campaigns.InvalidCampaign as exc:
            errors[name] = exc.message
    return dataclasses.replace(current, **changes), errors


async def rules_page(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    return render(
        request,
        "fraud_rules.html",
        {
            "session": session,
            "nav": "campaigns",
            "campaign": campaign,
            "values": values,
            "errors": errors,
            "rule_labels": RULE_LABELS,
            "labels": {
                **RULE_LABELS,
                "daily_limit": N_("Daily limit"),
                "reward_cap": N_("Reward cap"),
            },
            "action_labels": ACTION_LABELS,
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=400 if errors else 200,
    )


@admin_page
async def show_fraud_rules(request: Request, session: AdminSession) -> Response:
    campaign = await owned(request)
    rules = await context(request).store.fraud_rules(campaign.id)
    return await rules_page(request, session, campaign, rule_values(rules), {})


@action_for(Permission.EDIT_CAMPAIGNS)
async def save_fraud_rules(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await owned(request)
    store = context(request).store
    rules, errors = parse_rules(form, await store.fraud_rules(campaign.id))
    if errors:
        values = {name: str(form.get(name) or "") for name in campaigns.FRAUD_FIELDS}
        return await rules_page(request, session, campaign, values, errors)
    await store.set_fraud_rules(campaign.id, rules, tokens.now_utc())
    return redirect(f"/admin/campaigns/{campaign.slug}/fraud?saved=1")


async def review_page(
    request: Request,
    session: AdminSession,
    source: dict[str, str],
    *,
    error: str | None = None,
    failed_id: int | None = None,
    note: str = "",
) -> Response:
    ctx = context(request)
    tab = source.get("tab", "waiting")
    tab = tab if tab in TABS else "waiting"
    before = source.get("before", "")
    rows = await ctx.store.fraud_decisions(
        verdict="refused" if tab == "refused" else None,
        awaiting_review=tab == "waiting",
        reviewed=tab == "decided",
        before=int(before) if before.isdigit() and len(before) <= 18 else None,
        limit=PAGE_SIZE + 1,
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "review.html",
        {
            "session": session,
            "nav": "review",
            "tab": tab,
            "tabs": TABS,
            "rows": rows,
            "reason_labels": REASON_LABELS,
            "next_query": urlencode({"tab": tab, "before": rows[-1].id}) if more and rows else None,
            "done": source.get("done") if source.get("done") in fraud.REVIEW_VERDICTS else None,
            "error": error,
            "failed_id": failed_id,
            "note": note,
        },
        status_code=400 if error else 200,
    )


@admin_page
async def list_reviews(request: Request, session: AdminSession) -> Response:
    return await review_page(request, session, dict(request.query_params))


@action_for(Permission.DECIDE_REWARDS)
async def review_referral(request: Request, session: AdminSession, form: FormData) -> Response:
    raw_id: str = request.path_params["id"]
    decision_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 18 else 0
    verdict = str(form.get("verdict") or "")
    note = str(form.get("note") or "").strip()
    error = None
    if verdict not in fraud.REVIEW_VERDICTS:
        error = _("Choose Approve or Reject.")
    elif verdict == "rejected" and not note:
        error = _("Say why you reject this referral; the note is kept with the decision.")
    elif len(note) > MAX_NOTE:
        error = _("Keep the note to %(num)s characters.") % {"num": MAX_NOTE}
    else:
        decided = await context(request).store.review_referral(
            decision_id, verdict, note or None, session.user.email, tokens.now_utc()
        )
        if decided is not None:
            return redirect(f"/admin/review?done={verdict}")
        error = _("This referral is no longer waiting for a review: someone decided it already.")
    return await review_page(
        request, session, {"tab": "waiting"}, error=error, failed_id=decision_id, note=note
    )


routes = [
    Route("/admin/campaigns/{slug}/fraud", show_fraud_rules, methods=["GET"]),
    Route("/admin/campaigns/{slug}/fraud", save_fraud_rules, methods=["POST"]),
    Route("/admin/review", list_reviews, methods=["GET"]),
    Route("/admin/review/{id}", review_referral, methods=["POST"]),
]
