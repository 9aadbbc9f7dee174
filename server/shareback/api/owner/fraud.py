"""/api/v1/campaigns/{slug}/fraud-rules and /api/v1/fraud-decisions: each campaign's fraud rules,
every verdict with its reasons, and the review queue's answers (recorded with the API key)."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import campaigns, fraud, tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.campaign_input import as_api_errors
from shareback.api.owner.documents import money_document
from shareback.api.owner.filters import campaign_filter, owned_campaign
from shareback.api.owner.paging import PAGING, page_document, page_params
from shareback.api.owner.params import bad_param, parse_id, refuse_unknown
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.errors import ApiError
from shareback.fraud import FraudRules
from shareback.numbers import json_integer
from shareback.storage.records import FraudReview
from shareback.times import rfc3339, rfc3339_or_none

MAX_NOTE = 500
DECISION_PARAMS = frozenset({"campaign", "verdict", "awaiting_review"})


def rules_document(slug: str, rules: FraudRules) -> dict[str, Any]:
    return {"campaign": slug, **rules.as_dict()}


def decision_document(decision: FraudReview) -> dict[str, Any]:
    review = None
    if decision.review_verdict is not None:
        review = {
            "verdict": decision.review_verdict,
            "by": decision.reviewed_by,
            "note": decision.review_note,
            "at": rfc3339_or_none(decision.reviewed_at),
        }
    return {
        "id": decision.id,
        "campaign": decision.campaign_slug,
        "advocate": {
            "id": decision.advocate_id,
            "code": decision.advocate_code,
            "email": decision.advocate_email,
        },
        "friend_email": decision.friend_email,
        "order": {
            "source": decision.order_source,
            "id": decision.order_id,
            "total": money_document(decision.order_total_minor, decision.currency),
        },
        "referral_id": decision.referral_id,
        "verdict": decision.verdict,
        "reasons": list(decision.reasons),
        "decided_at": rfc3339(decision.decided_at),
        "awaiting_review": decision.verdict == "review" and review is None,
        "review": review,
    }


def parse_rules(body: dict[str, Any], current: FraudRules) -> FraudRules:
    """Only the fields given change."""
    refuse_unknown_fields(body, campaigns.FRAUD_FIELDS)
    changes: dict[str, Any] = {}
    with as_api_errors():
        for field in fraud.ACTION_RULES:
            if field in body:
                value = body[field]
                changes[field] = campaigns.fraud_action(
                    field, value if isinstance(value, str) else ""
                )
        for field in campaigns.FRAUD_LIMITS:
            if field in body:
                changes[field] = campaigns.fraud_limit(field, json_integer(body[field]))
    return dataclasses.replace(current, **changes)


async def show_fraud_rules(request: Request) -> Response:
    ctx = context(request)
    campaign = await owned_campaign(ctx.store, request.path_params["slug"])
    return JSONResponse(rules_document(campaign.slug, await ctx.store.fraud_rules(campaign.id)))


async def change_fraud_rules(request: Request) -> Response:
    ctx = context(request)
    campaign = await owned_campaign(ctx.store, request.path_params["slug"])
    body = await read_object(request)
    rules = parse_rules(body, await ctx.store.fraud_rules(campaign.id))
    await ctx.store.set_fraud_rules(campaign.id, rules, tokens.now_utc())
    return JSONResponse(rules_document(campaign.slug, rules))


async def list_fraud_decisions(request: Request) -> Response:
    ctx = context(request)
    query = request.query_params
    refuse_unknown(query, DECISION_PARAMS | PAGING)
    before, limit = page_params(query, "fraud-decisions")
    verdict = query.get("verdict")
    if verdict is not None and verdict not in fraud.VERDICTS:
        raise bad_param("verdict", f"verdict must be one of {', '.join(fraud.VERDICTS)}.")
    waiting = query.get("awaiting_review", "false").lower()
    if waiting not in ("true", "false", "1", "0"):
        raise bad_param("awaiting_review", "awaiting_review must be true or false.")
    rows = await ctx.store.fraud_decisions(
        campaign_id=await campaign_filter(ctx.store, query),
        verdict=verdict,
        awaiting_review=waiting in ("true", "1"),
        before=before,
        limit=limit + 1,
    )
    return JSONResponse(page_document(rows, limit, "fraud-decisions", decision_document))


def path_decision_id(request: Request) -> int:
    raw: str = request.path_params["decision_id"]
    found = parse_id(raw)
    if found is None:
        raise unknown_decision(raw[:40])
    return found


def unknown_decision(decision_id: object) -> ApiError:
    return ApiError(404, "unknown_decision", f"There is no fraud decision {decision_id}.")


async def show_fraud_decision(request: Request) -> Response:
    decision_id = path_decision_id(request)
    decision = await context(request).store.fraud_decision(decision_id)
    if decision is None:
        raise unknown_decision(decision_id)
    return JSONResponse(decision_document(decision))


def parse_review(body: dict[str, Any]) -> tuple[str, str | None]:
    refuse_unknown_fields(body, ("verdict", "note"))
    verdict, note = body.get("verdict"), body.get("note")
    if verdict not in fraud.REVIEW_VERDICTS:
        raise ApiError(
            422, "invalid_verdict", 'verdict must be "approved" or "rejected".', "verdict"
        )
    if note is not None and not isinstance(note, str):
        raise ApiError(422, "invalid_note", "note must be a string.", "note")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise ApiError(422, "invalid_note", f"note is longer than {MAX_NOTE} characters.", "note")
    if verdict == "rejected" and note is None:
        raise ApiError(422, "missing_note", "Say why: rejecting a referral needs a note.", "note")
    return verdict, note


async def review_fraud_decision(request: Request) -> Response:
    ctx = context(request)
    verdict, note = parse_review(await read_object(request))  # a bad body first, as elsewhere
    decision_id = path_decision_id(request)
    decided = await ctx.store.review_referral(
        decision_id, verdict, note, actor(request).name, tokens.now_utc()
    )
    if decided is not None:
        return JSONResponse(decision_document(decided))
    current = await ctx.store.fraud_decision(decision_id)
    if current is None:
        raise unknown_decision(decision_id)
    raise ApiError(
        409,
        "not_awaiting_review",
        f"Fraud decision {decision_id} is not waiting for a review (verdict {current.verdict}"
        + (f", reviewed: {current.review_verdict}" if current.review_verdict else "")
        + ").",
    )


RULES_PATH = "/api/v1/campaigns/{slug}/fraud-rules"
routes = [
    Route(RULES_PATH, show_fraud_rules, methods=["GET"], middleware=GUARDED),
    Route(RULES_PATH, change_fraud_rules, methods=["PATCH"], middleware=GUARDED),
    Route("/api/v1/fraud-decisions", list_fraud_decisions, methods=["GET"], middleware=GUARDED),
    Route(
        "/api/v1/fraud-decisions/{decision_id}",
        show_fraud_decision,
        methods=["GET"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/fraud-decisions/{decision_id}/review",
        review_fraud_decision,
        methods=["POST"],
        middleware=GUARDED,
    ),
]
