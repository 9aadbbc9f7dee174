"""/admin/experiments: a campaign's A/B experiments (the current one, the finished ones with their
results), one experiment's page (numbers per variant with intervals, the verdict in plain words,
server-drawn charts) and its status form: start, pause, resume, stop, stop and roll out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, tokens
from shareback.admin import experiment_charts as charts
from shareback.admin import experiment_words as words
from shareback.admin.campaign_choice import pick_campaign
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page, page_for
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.experiments import actions
from shareback.experiments.metrics import METRICS
from shareback.experiments.plan import parse_plan
from shareback.experiments.report import analyse
from shareback.experiments.stats import Verdict
from shareback.experiments.variants import InvalidVariant
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession
from shareback.storage.experiment_records import (
    Experiment,
    ExperimentConflict,
    ExperimentTransition,
    NewExperiment,
)
from shareback.storage.records import Campaign

ACTIONS = {"start": "running", "pause": "paused", "resume": "running", "stop": "stopped"}


@dataclass(frozen=True)
class Row:
    """One variant in one metric's table."""

    variant: str
    name: str
    n: int
    value: str
    interval: str
    uplift: str
    uplift_interval: str
    tone: str


def metric_rows(experiment: Experiment, metric: str, verdict: Verdict, currency: str) -> list[Row]:
    comparisons = {c.variant: c for c in verdict.comparisons}
    rows = []
    for result in verdict.variants:
        variant = experiment.variant(result.variant)
        c = comparisons.get(result.variant)
        tone = "better" if c and c.better else "worse" if c and c.worse else ""
        rows.append(
            Row(
                result.variant,
                variant.name if variant else result.variant,
                result.n,
                words.value_text(metric, result.mean, currency),
                words.interval_text(metric, result.interval, currency),
                words.pct(c.uplift, sign=True) if c else _("control"),
                (
                    _("%(low)s to %(high)s")
                    % {
                        "low": words.pct(c.interval.low, sign=True),
                        "high": words.pct(c.interval.high, sign=True),
                    }
                    if c
                    else "—"
                ),
                tone,
            )
        )
    return rows


def changes_of(experiment: Experiment) -> list[tuple[str, str]]:
    """What the variant changes, worded for the table of variants."""
    labels = {
        "referrer_reward": _("Reward for the advocate"),
        "friend_reward": _("Offer for the friend"),
        "headline": _("Headline"),
        "share_message": _("Share message"),
        "channels": _("Order of the share buttons"),
        "email_subject": _("Invitation e-mail subject"),
        "email_body": _("Invitation e-mail text"),
    }
    return [(key, labels[key]) for key in labels]


def override_text(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('type', '')} {value.get('value', '')}".strip()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


async def experiment_of(request: Request) -> tuple[Campaign, Experiment]:
    raw = str(request.path_params["id"])
    experiment_id = numbers.row_id(raw)
    store = context(request).store
    found = None if experiment_id is None else await store.experiment(experiment_id)
    campaign = None if found is None else await store.campaign_by_id(found.campaign_id)
    if found is None or campaign is None:
        raise PageError(
            404, _("No such experiment"), _("There is no experiment %(id)s.") % {"id": raw[:40]}
        )
    return campaign, found


@admin_page
async def show_experiments(request: Request, session: AdminSession) -> Response:
    store = context(request).store
    campaigns = await store.campaigns(include_archived=True)
    campaign = pick_campaign(campaigns, request.query_params.get("campaign"))
    found = await store.experiments(campaign.id) if campaign else []
    current = next((e for e in found if e.status != "stopped"), None)
    finished = [e for e in found if e.status == "stopped"]
    return render(
        request,
        "experiments.html",
        {
            "session": session,
            "nav": "experiments",
            "campaigns": campaigns,
            "campaign": campaign,
            "current": current,
            "finished": finished,
            "words": words,
        },
    )


@admin_page
async def show_experiment(request: Request, session: AdminSession) -> Response:
    campaign, experiment = await experiment_of(request)
    store = context(request).store
    numbers_ = await store.experiment_numbers(experiment)
    now = tokens.now_utc()
    analysis = analyse(experiment, numbers_, now)
    verdict = analysis.primary
    currency = campaign.currency
    first = (experiment.started_at or experiment.created_at).date()
    last = (experiment.stopped_at or now).date()
    keys = [v.key for v in experiment.variants]
    span, exposed = charts.running_totals(numbers_.days, keys, first, last, "exposures")
    _span, ordered = charts.running_totals(numbers_.days, keys, first, last, "orders")
    exposures_summary = _("Advocates who saw each variant, added up per day: %(totals)s.") % {
        "totals": ", ".join(f"{k} {exposed[k][-1] if exposed[k] else 0}" for k in keys)
    }
    orders_summary = _("Friends' orders per variant, added up per day: %(totals)s.") % {
        "totals": ", ".join(f"{k} {ordered[k][-1] if ordered[k] else 0}" for k in keys)
    }
    uplift_summary = "; ".join(
        _("%(variant)s: %(uplift)s, interval %(low)s to %(high)s")
        % {
            "variant": c.variant,
            "uplift": words.pct(c.uplift, sign=True),
            "low": words.pct(c.interval.low, sign=True),
            "high": words.pct(c.interval.high, sign=True),
        }
        for c in verdict.comparisons
    )
    tables = [
        (name, words.metric_label(name), metric_rows(experiment, name, v, currency))
        for name, v in analysis.metrics.items()
    ]
    return render(
        request,
        "experiment.html",
        {
            "session": session,
            "nav": "experiments",
            "campaign": campaign,
            "experiment": experiment,
            "verdict": verdict,
            "sentence": words.verdict_sentence(verdict, experiment.primary_metric),
            "primary_label": words.metric_label(experiment.primary_metric),
            "tables": tables,
            "level": words.level(verdict),
            "exposures_chart": charts.line_chart(span, exposed, exposures_summary),
            "orders_chart": charts.line_chart(span, ordered, orders_summary),
            "interval_chart": charts.interval_chart(verdict.comparisons, uplift_summary),
            "changes": changes_of(experiment),
            "override_text": override_text,
            "history": await store.experiment_changes(experiment.id),
            "days_running": analysis.days_running,
            "words": words,
            "metrics": METRICS,
            "error": request.query_params.get("error"),
        },
    )


@action_for(Permission.EDIT_CAMPAIGNS)
async def change_experiment(request: Request, session: AdminSession, form: FormData) -> Response:
    _campaign, experiment = await experiment_of(request)
    action = str(form.get("action") or "")
    roll_out = action == "roll_out"
    to_status = "stopped" if roll_out else ACTIONS.get(action)
    if to_status is None:
        raise PageError(400, _("Unknown action"), _("Choose start, pause, resume or stop."))
    store = context(request).store
    try:
        await actions.change_status(
            store, experiment, to_status, session.user.email, roll_out=roll_out
        )
    except actions.NoWinner:
        return redirect(f"/admin/experiments/{experiment.id}?error=no-winner")
    except ExperimentTransition:
        return redirect(f"/admin/experiments/{experiment.id}?error=status")
    return redirect(f"/admin/experiments/{experiment.id}")


FORM_FIELDS = (
    "name",
    "primary_metric",
    "planned_uplift_percent",
    "b_name",
    "friend_type",
    "friend_value",
    "referrer_type",
    "referrer_value",
    "headline",
    "share_message",
    "email_subject",
    "email_body",
)


def plan_body(values: dict[str, str]) -> dict[str, Any]:
    """The form as the API's body: A as it is, B with what the form fills in."""
    overrides: dict[str, Any] = {}
    for side in ("friend", "referrer"):
        if values[f"{side}_type"]:
            overrides[f"{side}_reward"] = {
                "type": values[f"{side}_type"],
                "value": values[f"{side}_value"],
            }
    for name in ("headline", "share_message", "email_subject", "email_body"):
        if values[name].strip():
            overrides[name] = values[name]
    uplift = values["planned_uplift_percent"].strip()
    body: dict[str, Any] = {
        "name": values["name"],
        "primary_metric": values["primary_metric"],
        "variants": [
            {"name": _("As it is")},
            {"name": values["b_name"] or "B", "overrides": overrides},
        ],
    }
    if uplift:
        body["planned_uplift_percent"] = int(uplift) if uplift.isdigit() else uplift
    return body


async def plan_page(
    request: Request,
    session: AdminSession,
    campaign: Campaign,
    values: dict[str, str],
    error: tuple[str, str] | None = None,
) -> Response:
    from shareback.experiments.metrics import PRIMARY
    from shareback.rewards import REWARD_TYPES

    return render(
        request,
        "experiment_form.html",
        {
            "session": session,
            "nav": "experiments",
            "campaign": campaign,
            "values": values,
            "error": error,
            "metrics": [(m, words.metric_label(m)) for m in PRIMARY],
            "reward_types": REWARD_TYPES,
        },
        status_code=400 if error else 200,
    )


async def form_campaign(request: Request, slug: object) -> Campaign:
    campaign = await context(request).store.campaign(str(slug or "")) if slug else None
    if campaign is None:
        raise PageError(404, _("No such campaign"), _("Choose a campaign first."))
    return campaign


@page_for(Permission.EDIT_CAMPAIGNS)
async def new_experiment(request: Request, session: AdminSession) -> Response:
    campaign = await form_campaign(request, request.query_params.get("campaign"))
    values = dict.fromkeys(FORM_FIELDS, "")
    values.update(primary_metric="order_rate", planned_uplift_percent="20", b_name="B")
    return await plan_page(request, session, campaign, values)


@action_for(Permission.EDIT_CAMPAIGNS)
async def create_experiment(request: Request, session: AdminSession, form: FormData) -> Response:
    campaign = await form_campaign(request, form.get("campaign"))
    values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
    try:
        plan = parse_plan(plan_body(values), campaign.currency)
    except InvalidVariant as exc:
        return await plan_page(request, session, campaign, values, (exc.field, str(exc)))
    try:
        made = await context(request).store.create_experiment(
            NewExperiment(
                campaign.id,
                plan.name,
                plan.primary_metric,
                plan.planned_uplift_percent,
                plan.variants,
                session.user.email,
                tokens.now_utc(),
            )
        )
    except ExperimentConflict:
        message = _("This campaign already has an experiment that is not stopped; stop it first.")
        return await plan_page(request, session, campaign, values, ("name", message))
    return redirect(f"/admin/experiments/{made.id}")


routes = [
    Route("/admin/experiments", show_experiments, methods=["GET"]),
    Route("/admin/experiments/new", new_experiment, methods=["GET"]),
    Route("/admin/experiments/new", create_experiment, methods=["POST"]),
    Route("/admin/experiments/{id}", show_experiment, methods=["GET"]),
    Route("/admin/experiments/{id}/status", change_experiment, methods=["POST"]),
]
