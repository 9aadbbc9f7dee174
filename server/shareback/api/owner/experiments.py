"""A/B experiments through the owner's API: a campaign's experiments, one's results (always-valid
statistics, experiments/stats.py) and its status: start, pause, resume, stop (and roll out)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.filters import owned_campaign
from shareback.api.owner.params import parse_id
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.errors import ApiError
from shareback.experiments import actions
from shareback.experiments.documents import experiment_document
from shareback.experiments.plan import parse_plan
from shareback.experiments.report import analyse, analysis_document
from shareback.experiments.variants import InvalidVariant
from shareback.storage.base import Store
from shareback.storage.experiment_records import (
    Experiment,
    ExperimentConflict,
    ExperimentTransition,
    NewExperiment,
)
from shareback.storage.records import Campaign

BASE = "/api/v1/campaigns/{slug}/experiments"


async def path_experiment(request: Request) -> tuple[Campaign, Experiment]:
    store = context(request).store
    campaign = await owned_campaign(store, request.path_params["slug"])
    raw: str = request.path_params["experiment_id"]
    experiment_id = parse_id(raw)
    found = None if experiment_id is None else await store.experiment(experiment_id)
    if found is None or found.campaign_id != campaign.id:
        raise ApiError(404, "unknown_experiment", f"There is no experiment {raw[:40]} here.")
    return campaign, found


async def change_status(
    store: Store, experiment: Experiment, to_status: str, who: str, *, roll_out: bool
) -> Experiment:
    try:
        return await actions.change_status(store, experiment, to_status, who, roll_out=roll_out)
    except actions.NoWinner:
        raise ApiError(
            409, "no_winner", "Only a stopped experiment with a decided winner can be rolled out."
        ) from None
    except ExperimentTransition as exc:
        raise ApiError(409, "invalid_transition", f"{str(exc).capitalize()}.", "status") from None


async def list_experiments(request: Request) -> Response:
    store = context(request).store
    campaign = await owned_campaign(store, request.path_params["slug"])
    found = await store.experiments(campaign.id)
    return JSONResponse({"data": [experiment_document(e) for e in found]})


async def create_experiment(request: Request) -> Response:
    body = await read_object(request)
    store = context(request).store
    campaign = await owned_campaign(store, request.path_params["slug"])
    try:
        plan = parse_plan(body, campaign.currency)
    except InvalidVariant as exc:
        raise ApiError(422, "invalid_experiment", str(exc), exc.field) from None
    try:
        made = await store.create_experiment(
            NewExperiment(
                campaign.id,
                plan.name,
                plan.primary_metric,
                plan.planned_uplift_percent,
                plan.variants,
                actor(request).name,
                tokens.now_utc(),
            )
        )
    except ExperimentConflict:
        raise ApiError(
            409,
            "experiment_exists",
            "This campaign already has an experiment that is not stopped; stop it first.",
        ) from None
    return JSONResponse(experiment_document(made), status_code=201)


async def show_experiment(request: Request) -> Response:
    _, experiment = await path_experiment(request)
    return JSONResponse(experiment_document(experiment))


async def show_results(request: Request) -> Response:
    _, experiment = await path_experiment(request)
    store = context(request).store
    analysis = analyse(experiment, await store.experiment_numbers(experiment), tokens.now_utc())
    return JSONResponse(analysis_document(analysis, experiment.primary_metric))


async def set_status(request: Request) -> Response:
    body = await read_object(request)
    refuse_unknown_fields(body, ("status", "roll_out"))
    _, experiment = await path_experiment(request)
    to_status = body.get("status")
    if to_status not in ("running", "paused", "stopped"):
        raise ApiError(422, "invalid_status", "status is running, paused or stopped.", "status")
    roll_out = body.get("roll_out", False)
    if not isinstance(roll_out, bool):
        raise ApiError(422, "invalid_roll_out", "roll_out is true or false.", "roll_out")
    store = context(request).store
    changed = await change_status(
        store, experiment, str(to_status), actor(request).name, roll_out=roll_out
    )
    return JSONResponse(experiment_document(changed))


ONE = BASE + "/{experiment_id}"
routes = [
    Route(BASE, list_experiments, methods=["GET"], middleware=GUARDED),
    Route(BASE, create_experiment, methods=["POST"], middleware=GUARDED),
    Route(ONE, show_experiment, methods=["GET"], middleware=GUARDED),
    Route(ONE + "/results", show_results, methods=["GET"], middleware=GUARDED),
    Route(ONE + "/status", set_status, methods=["POST"], middleware=GUARDED),
]
