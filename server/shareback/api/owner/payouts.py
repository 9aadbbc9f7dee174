"""Payouts through the owner's API: advocates' payout accounts, approved cash rewards not yet in a
batch, payout batches made of them, each batch's SEPA file and CSV, and a batch marked paid."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import money, payouts, tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.documents import money_document
from shareback.api.owner.exports import BOM, csv_download, csv_line
from shareback.api.owner.params import parse_id, refuse_unknown
from shareback.auth.guard import GUARDED, actor
from shareback.context import Context, context
from shareback.errors import ApiError
from shareback.numbers import json_integer
from shareback.storage.records import BatchRefusal, PayableReward, PayoutBatch
from shareback.times import rfc3339_or_none

MAX_BATCH = payouts.MAX_BATCH
PAYOUT_COLUMNS = (
    "batch_id",
    "reward_id",
    "end_to_end_id",
    "advocate_code",
    "email",
    "holder_name",
    "iban",
    "bic",
    "amount",
    "amount_minor",
    "currency",
    "description",
    "batch_status",
)


def account_document(account: payouts.PayoutAccount | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {
        "holder_name": account.holder_name,
        "iban": account.iban,
        "iban_formatted": account.iban_formatted,
        "bic": account.bic,
    }


def payable_document(reward: PayableReward) -> dict[str, Any]:
    owed = payouts.payable_minor(reward.amount_minor, reward.clawed_back_minor)
    return {
        "reward_id": reward.reward_id,
        "campaign": reward.campaign_slug,
        "advocate_code": reward.advocate_code,
        "email": reward.email,
        "amount": money_document(owed, reward.currency),
        "clawed_back": money_document(reward.clawed_back_minor, reward.currency),
        "approved_at": rfc3339_or_none(reward.approved_at),
        "account": account_document(reward.account),
    }


def batch_document(batch: PayoutBatch, *, with_items: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": batch.id,
        "status": batch.status,
        "total": money_document(batch.total_minor, batch.currency),
        "transfers": batch.transfers,
        "created_by": batch.created_by,
        "created_at": rfc3339_or_none(batch.created_at),
        "paid_by": batch.paid_by,
        "paid_at": rfc3339_or_none(batch.paid_at),
        "sepa_url": f"/api/v1/payout-batches/{batch.id}/sepa.xml",
        "csv_url": f"/api/v1/payout-batches/{batch.id}/payouts.csv",
    }
    if with_items:
        document["items"] = [
            {
                "reward_id": item.reward_id,
                "end_to_end_id": payouts.end_to_end_id(batch.id, item.reward_id),
                "advocate_code": item.advocate_code,
                "email": item.email,
                "amount": money_document(item.amount_minor, batch.currency),
                "account": account_document(item.account),
            }
            for item in batch.items
        ]
        document["partner_items"] = [
            {
                "partner_id": item.partner_id,
                "end_to_end_id": payouts.partner_end_to_end_id(batch.id, item.payout_id),
                "partner_code": item.partner_code,
                "email": item.email,
                "amount": money_document(item.amount_minor, batch.currency),
                "account": account_document(item.account),
            }
            for item in batch.partner_items
        ]
    return document


def refusal_document(refusal: BatchRefusal) -> dict[str, Any]:
    document: dict[str, Any] = {
        "reward_id": refusal.reward_id,
        "code": refusal.reason,
        "message": payouts.REFUSALS[refusal.reason],
    }
    if refusal.partner_id is not None:
        document["partner_id"] = refusal.partner_id
    return document


def batch_lines(batch: PayoutBatch) -> list[payouts.PayoutLine]:
    """The batch's transfers, with the ids and wording every export of it repeats."""
    return [
        payouts.PayoutLine(
            reward_id=item.reward_id,
            end_to_end_id=payouts.end_to_end_id(batch.id, item.reward_id),
            account=item.account,
            amount_minor=item.amount_minor,
            currency=batch.currency,
            description=f"Referral reward {item.reward_id} ({item.advocate_code})",
        )
        for item in batch.items
    ] + [
        payouts.PayoutLine(
            reward_id=None,
            end_to_end_id=payouts.partner_end_to_end_id(batch.id, item.payout_id),
            account=item.account,
            amount_minor=item.amount_minor,
            currency=batch.currency,
            description=f"Partner commission ({item.partner_code})",
        )
        for item in batch.partner_items
    ]


def payout_cells(batch: PayoutBatch, line: payouts.PayoutLine, code: str, email: str) -> list[Any]:
    return [
        batch.id,
        line.reward_id,
        line.end_to_end_id,
        code,
        email,
        line.account.holder_name,
        line.account.iban,
        line.account.bic,
        money.from_minor(line.amount_minor, line.currency),
        line.amount_minor,
        line.currency,
        line.description,
        batch.status,
    ]


async def payout_csv(batch: PayoutBatch) -> Response:
    """This batch's transfers, every cell quoted and defused (exports.csv_line)."""

    async def lines() -> AsyncIterator[str]:
        yield BOM + csv_line(PAYOUT_COLUMNS)
        people = [(i.advocate_code, i.email) for i in batch.items] + [
            (i.partner_code, i.email) for i in batch.partner_items
        ]
        for (code, email), line in zip(people, batch_lines(batch), strict=True):
            yield csv_line(payout_cells(batch, line, code, email))

    return csv_download(lines(), f"payout-batch-{batch.id}")


def sepa_file(ctx: Context, batch: PayoutBatch, shop_name: str) -> Response:
    debtor = ctx.settings.payout_account(shop_name)
    if debtor is None:
        raise ApiError(
            409,
            "payout_account_missing",
            "Set SHAREBACK_PAYOUT_IBAN (and SHAREBACK_PAYOUT_NAME) to the shop's own account "
            "to export SEPA files; the batch's CSV works without it.",
        )
    try:
        xml = payouts.sepa_credit_transfer(
            debtor, batch.id, batch.created_at, batch_lines(batch), tokens.now_utc().date()
        )
    except payouts.CannotExport as exc:
        raise ApiError(409, "not_exportable", str(exc)) from None
    filename = f"shareback-payout-batch-{batch.id}.xml"
    return Response(
        xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def shop_name(ctx: Context) -> str:
    campaign = await ctx.store.campaign("default")
    return campaign.shop_name if campaign is not None else "Shop"


def parse_reward_ids(body: dict[str, Any], field: str = "reward_ids", least: int = 1) -> list[int]:
    ids = body.get(field, [] if least == 0 else None)
    if not isinstance(ids, list):
        ids = [None]
    # Whole numbers, 5 and 5.0 alike, as JSON Schema's "integer" has it.
    found = [n for n in (json_integer(i) for i in ids) if n is not None]
    if not least <= len(ids) <= MAX_BATCH or len(found) != len(ids):
        raise ApiError(
            422,
            f"invalid_{field}",
            f"{field} must be a list of up to {MAX_BATCH} ids (whole numbers).",
            field,
        )
    return list(dict.fromkeys(found))


async def path_batch(request: Request) -> PayoutBatch:
    raw: str = request.path_params["batch_id"]
    batch_id = parse_id(raw)
    batch = None if batch_id is None else await context(request).store.payout_batch(batch_id)
    if batch is None:
        raise ApiError(404, "unknown_payout_batch", f"There is no payout batch {raw[:40]}.")
    return batch


async def path_advocate_id(request: Request) -> int:
    code: str = request.path_params["code"]
    advocate = await context(request).store.advocate_by_code(code)
    if advocate is None:
        raise ApiError(404, "unknown_advocate", f"There is no advocate with the code {code[:40]}.")
    return advocate.id


async def show_payout_account(request: Request) -> Response:
    advocate_id = await path_advocate_id(request)
    account = await context(request).store.payout_account(advocate_id)
    if account is None:
        raise ApiError(404, "no_payout_account", "This advocate has no payout account yet.")
    return JSONResponse(account_document(account))


async def set_payout_account(request: Request) -> Response:
    body = await read_object(request)  # the body first: a bad one is a 400 whatever the path
    refuse_unknown_fields(body, ("holder_name", "iban", "bic"))
    advocate_id = await path_advocate_id(request)
    try:
        account = payouts.account(body.get("holder_name"), body.get("iban"), body.get("bic"))
    except payouts.InvalidAccount as exc:
        raise ApiError(422, f"invalid_{exc.field}", exc.message, exc.field) from None
    store = context(request).store
    await store.set_payout_account(advocate_id, account, actor(request).name, tokens.now_utc())
    return JSONResponse(account_document(account))


async def list_payable(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, frozenset({"campaign"}))
    slug = request.query_params.get("campaign")
    campaign_id = None
    if slug is not None:
        campaign = await ctx.store.campaign(slug)
        if campaign is None:
            raise ApiError(404, "unknown_campaign", "There is no such campaign.", "campaign")
        campaign_id = campaign.id
    rows = await ctx.store.payable_rewards(campaign_id)
    return JSONResponse({"data": [payable_document(r) for r in rows]})


async def create_batch(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request)
    refuse_unknown_fields(body, ("reward_ids", "partner_ids"))
    # Rewards, partners' commissions (partners/), or both; at least one id in all.
    partner_ids = parse_reward_ids(body, "partner_ids", least=0)
    ids = parse_reward_ids(body, least=0 if partner_ids else 1)
    # Numbers that cannot name a row (0, -3, 10**30) are unknown, never looked up.
    valid = [i for i in ids if parse_id(str(i)) is not None]
    partners = [i for i in partner_ids if parse_id(str(i)) is not None]
    batch, refused = await ctx.store.create_payout_batch(
        valid, actor(request).name, tokens.now_utc(), partners
    )
    refused += [BatchRefusal(i, "unknown_reward") for i in ids if i not in valid]
    refused += [BatchRefusal(None, "unknown_partner", i) for i in partner_ids if i not in partners]
    if batch is None:
        reasons = sorted({r.reason for r in refused})
        raise ApiError(
            409,
            "nothing_to_pay",
            "None of these rewards can be paid in a new batch: "
            + "; ".join(payouts.REFUSALS[r] for r in reasons),
            "reward_ids",
        )
    document = {**batch_document(batch), "skipped": [refusal_document(r) for r in refused]}
    return JSONResponse(document, status_code=201)


async def list_batches(request: Request) -> Response:
    refuse_unknown(request.query_params, frozenset())
    batches = await context(request).store.payout_batches(limit=200)
    return JSONResponse({"data": [batch_document(b, with_items=False) for b in batches]})


async def show_batch(request: Request) -> Response:
    return JSONResponse(batch_document(await path_batch(request)))


async def export_sepa(request: Request) -> Response:
    ctx = context(request)
    return sepa_file(ctx, await path_batch(request), await shop_name(ctx))


async def export_csv(request: Request) -> Response:
    return await payout_csv(await path_batch(request))


async def mark_paid(request: Request) -> Response:
    batch = await path_batch(request)
    store = context(request).store
    paid = await store.mark_payout_batch_paid(batch.id, actor(request).name, tokens.now_utc())
    # Marking a paid batch paid again is answered as done: the rewards were fulfilled once.
    return JSONResponse(batch_document(paid or await path_batch(request)))


routes = [
    Route(
        "/api/v1/advocates/{code}/payout-account",
        show_payout_account,
        methods=["GET"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/advocates/{code}/payout-account",
        set_payout_account,
        methods=["PUT"],
        middleware=GUARDED,
    ),
    Route("/api/v1/payouts/payable", list_payable, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/payout-batches", list_batches, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/payout-batches", create_batch, methods=["POST"], middleware=GUARDED),
    Route("/api/v1/payout-batches/{batch_id}", show_batch, methods=["GET"], middleware=GUARDED),
    Route(
        "/api/v1/payout-batches/{batch_id}/sepa.xml",
        export_sepa,
        methods=["GET"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/payout-batches/{batch_id}/payouts.csv",
        export_csv,
        methods=["GET"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/payout-batches/{batch_id}/paid", mark_paid, methods=["POST"], middleware=GUARDED
    ),
]
