"""/api/v1/rewards: list, one with its history, approve, revoke, fulfil and bulk decisions, each
recorded with the reason and the API key that made it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.documents import change_document, reward_document
from shareback.api.owner.filters import REWARD_PARAMS, reward_filter
from shareback.api.owner.paging import PAGING, page_document, page_params
from shareback.api.owner.params import parse_id, refuse_unknown
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.errors import ApiError
from shareback.numbers import json_integer
from shareback.storage.base import RewardSummary, Store

ACTIONS = {"approve": "approved", "revoke": "revoked", "fulfil": "fulfilled"}
MAX_BULK = 500
MAX_REASON = 500


async def reward_with_history(store: Store, reward: RewardSummary) -> dict[str, Any]:
    history = await store.reward_history(reward.id)
    return {**reward_document(reward), "history": [change_document(c) for c in history]}


def unknown_reward(reward_id: object) -> ApiError:
    return ApiError(404, "unknown_reward", f"There is no reward {reward_id}.")


def path_reward_id(request: Request) -> int:
    raw: str = request.path_params["reward_id"]
    reward_id = parse_id(raw)
    if reward_id is None:
        raise unknown_reward(raw[:40])
    return reward_id


def parse_reason(body: dict[str, Any], required: bool) -> str | None:
    value = body.get("reason")
    if value is not None and not isinstance(value, str):
        raise ApiError(422, "invalid_reason", "reason must be a string.", "reason")
    reason = (value or "").strip() or None
    if reason is None and required:
        raise ApiError(
            422, "missing_reason", "Say why: revoking a reward needs a reason.", "reason"
        )
    if reason is not None and len(reason) > MAX_REASON:
        raise ApiError(
            422, "invalid_reason", f"reason is longer than {MAX_REASON} characters.", "reason"
        )
    return reason


def refusal(
    reward_id: int, current: RewardSummary | None, target: str = "approved"
) -> tuple[int, str, str]:
    """(status, code, message) for a reward that could not move."""
    if current is None:
        return 404, "unknown_reward", f"There is no reward {reward_id}."
    if target == "fulfilled" and current.status == "approved":
        return (
            409,
            "reward_not_fulfilled_by_shop",
            f"Reward {reward_id} is fulfilled by Shareback ({current.fulfilment}), not by "
            "saying so: only custom rewards and points are fulfilled by the shop.",
        )
    if target == "fulfilled":
        return (
            409,
            f"reward_already_{current.status}",
            f"Reward {reward_id} is {current.status}; only approved rewards can be fulfilled.",
        )
    return (
        409,
        f"reward_already_{current.status}",
        f"Reward {reward_id} is already {current.status}; "
        "only pending rewards can be approved or revoked.",
    )


async def list_rewards(request: Request) -> Response:
    ctx = context(request)
    query = request.query_params
    refuse_unknown(query, REWARD_PARAMS | PAGING)
    before, limit = page_params(query, "rewards")
    filters = await reward_filter(ctx.store, query)
    rows = await filters.page(ctx.store, before, limit + 1)
    return JSONResponse(page_document(rows, limit, "rewards", reward_document))


async def show_reward(request: Request) -> Response:
    store = context(request).store
    reward_id = path_reward_id(request)
    reward = await store.reward(reward_id)
    if reward is None:
        raise unknown_reward(reward_id)
    return JSONResponse(await reward_with_history(store, reward))


async def decide_reward(request: Request, action: str) -> Response:
    store = context(request).store
    reward_id = path_reward_id(request)
    body = await read_object(request, allow_empty=True)
    refuse_unknown_fields(body, ("reason",))
    target = ACTIONS[action]
    reason = parse_reason(body, required=target == "revoked")
    changed, _ = await store.change_rewards(
        [reward_id], target, reason, actor(request).name, tokens.now_utc()
    )
    if changed:
        return JSONResponse(await reward_with_history(store, changed[0]))
    current = await store.reward(reward_id)
    # Approved credit and coupons are fulfilled at once: approving them again is done too.
    if (
        current is not None
        and target == "approved"
        and current.status == "fulfilled"
        and current.approved_at is not None
    ):
        return JSONResponse(await reward_with_history(store, current))
    if current is not None and current.status == target:
        # Retrying a decision that already happened is not an error.
        return JSONResponse(await reward_with_history(store, current))
    raise ApiError(*refusal(reward_id, current, target))


async def approve_reward(request: Request) -> Response:
    return await decide_reward(request, "approve")


async def revoke_reward(request: Request) -> Response:
    return await decide_reward(request, "revoke")


async def fulfil_reward(request: Request) -> Response:
    return await decide_reward(request, "fulfil")


def parse_ids(body: dict[str, Any]) -> list[int]:
    """Whole numbers; ones that cannot be a reward's id (0, -3, 10**30) are skipped as unknown."""
    ids = body.get("ids")
    found = [json_integer(i) for i in ids] if isinstance(ids, list) else []
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_BULK or None in found:
        raise ApiError(
            422,
            "invalid_ids",
            f"ids must be a list of 1 to {MAX_BULK} reward ids (whole numbers).",
            "ids",
        )
    return list(dict.fromkeys(i for i in found if i is not None))


async def decide_rewards_in_bulk(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request, allow_empty=True)
    refuse_unknown_fields(body, ("ids", "action", "reason"))
    ids = parse_ids(body)
    action = body.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        raise ApiError(
            422, "invalid_action", 'action must be "approve", "revoke" or "fulfil".', "action"
        )
    target = ACTIONS[action]
    reason = parse_reason(body, required=target == "revoked")
    # Ids that cannot name a row (0, negative, beyond SQLite's integers) are reported, not looked up.
    valid = [i for i in ids if parse_id(str(i)) is not None]
    changed, _ = await ctx.store.change_rewards(
        valid, target, reason, actor(request).name, tokens.now_utc()
    )
    moved = {reward.id for reward in changed}
    skipped = []
    for reward_id in ids:
        if reward_id in moved:
            continue
        current = await ctx.store.reward(reward_id) if reward_id in valid else None
        _, code, message = refusal(reward_id, current, target)
        skipped.append({"id": reward_id, "code": code, "message": message})
    return JSONResponse(
        {"changed": [reward_document(reward) for reward in changed], "skipped": skipped}
    )


routes = [
    Route("/api/v1/rewards", list_rewards, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/rewards/bulk", decide_rewards_in_bulk, methods=["POST"], middleware=GUARDED),
    Route("/api/v1/rewards/{reward_id:not_bulk}", show_reward, methods=["GET"], middleware=GUARDED),
    Route(
        "/api/v1/rewards/{reward_id:not_bulk}/approve",
        approve_reward,
        methods=["POST"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/rewards/{reward_id:not_bulk}/revoke",
        revoke_reward,
        methods=["POST"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/rewards/{reward_id:not_bulk}/fulfil",
        fulfil_reward,
        methods=["POST"],
        middleware=GUARDED,
    ),
]
