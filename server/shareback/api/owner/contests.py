"""Contests through the owner's API: a campaign's contests, one with its leaderboard (masked
names, as shoppers see it), a new one, and cancelling one before its prizes are given."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import contests, tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.filters import owned_campaign
from shareback.api.owner.params import parse_id
from shareback.auth.guard import GUARDED, actor
from shareback.contest_board import contest_document
from shareback.context import context
from shareback.errors import ApiError
from shareback.storage.contest_records import Contest, NewContest
from shareback.storage.records import Campaign

BASE = "/api/v1/campaigns/{slug}/contests"
FIELDS = ("name", "starts_at", "ends_at", "prizes")


async def path_contest(request: Request) -> tuple[Campaign, Contest]:
    store = context(request).store
    campaign = await owned_campaign(store, request.path_params["slug"])
    raw: str = request.path_params["contest_id"]
    contest_id = parse_id(raw)
    found = None if contest_id is None else await store.contest(contest_id)
    if found is None or found.campaign_id != campaign.id:
        raise ApiError(404, "unknown_contest", f"There is no contest {raw[:40]} here.")
    return campaign, found


async def list_contests(request: Request) -> Response:
    store = context(request).store
    campaign = await owned_campaign(store, request.path_params["slug"])
    now = tokens.now_utc()
    found = [
        contest_document(c, await store.contest_entries(c), now)
        for c in await store.contests(campaign.id)
    ]
    return JSONResponse({"data": found})


async def create_contest(request: Request) -> Response:
    body = await read_object(request)
    refuse_unknown_fields(body, FIELDS)
    store = context(request).store
    campaign = await owned_campaign(store, request.path_params["slug"])
    try:
        plan = contests.parse_plan(
            body.get("name"),
            body.get("starts_at"),
            body.get("ends_at"),
            body.get("prizes"),
            campaign.currency,
        )
    except contests.InvalidContest as exc:
        raise ApiError(422, "invalid_contest", str(exc), exc.field) from None
    now = tokens.now_utc()
    made = await store.create_contest(
        NewContest(campaign.id, plan, actor(request).name, now), campaign.hold_days
    )
    context(request).boards.forget(campaign.id)
    return JSONResponse(
        contest_document(made, await store.contest_entries(made), now), status_code=201
    )


async def show_contest(request: Request) -> Response:
    _, contest = await path_contest(request)
    store = context(request).store
    entries = await store.contest_entries(contest)
    return JSONResponse(contest_document(contest, entries, tokens.now_utc(), places=100))


async def cancel_contest(request: Request) -> Response:
    _, contest = await path_contest(request)
    store = context(request).store
    now = tokens.now_utc()
    cancelled = await store.cancel_contest(contest.id, now)
    context(request).boards.forget(contest.campaign_id)
    if cancelled is None:
        raise ApiError(
            409, "contest_settled", "This contest's prizes are given; it cannot be cancelled."
        )
    return JSONResponse(contest_document(cancelled, await store.contest_entries(cancelled), now))


ONE = BASE + "/{contest_id}"
routes = [
    Route(BASE, list_contests, methods=["GET"], middleware=GUARDED),
    Route(BASE, create_contest, methods=["POST"], middleware=GUARDED),
    Route(ONE, show_contest, methods=["GET"], middleware=GUARDED),
    Route(ONE + "/cancel", cancel_contest, methods=["POST"], middleware=GUARDED),
]
