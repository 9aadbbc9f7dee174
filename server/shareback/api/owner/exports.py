"""CSV exports of advocates, referrals and rewards: streamed page by page, UTF-8 with a byte-order
mark (for Excel) and a header row, times in RFC 3339, and safe to open in a spreadsheet. The dashboard calls advocates_csv, referrals_csv and rewards_csv
behind its own session check."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from shareback import money, tokens
from shareback.api.owner.filters import (
    ADVOCATE_PARAMS,
    REFERRAL_PARAMS,
    REWARD_PARAMS,
    AdvocateFilter,
    ReferralFilter,
    RewardFilter,
    advocate_filter,
    referral_filter,
    reward_filter,
)
from shareback.api.owner.paging import Row
from shareback.api.owner.params import refuse_unknown
from shareback.auth.guard import GUARDED
from shareback.context import context
from shareback.storage.base import AdvocateSummary, OwnerStore, ReferralSummary, RewardSummary
from shareback.times import rfc3339_or_none

PAGE_SIZE = 500
Cell = str | int | bool | None
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ADVOCATE_COLUMNS = (
    "id",
    "campaign",
    "email",
    "name",
    "code",
    "coupon_code",
    "link",
    "verified",
    "clicks",
    "referrals",
    "created_at",
)
REFERRAL_COLUMNS = (
    "id",
    "campaign",
    "created_at",
    "advocate_id",
    "advocate_code",
    "advocate_email",
    "friend_email",
    "order_source",
    "order_id",
    "order_total",
    "currency",
    "order_status",
    "via",
    "channel",
    "no_reward_reason",
)
# The payout list, for the dashboard's "Download payout CSV" and the API alike. After a refund or
# chargeback of an approved reward's order: what the advocate owes back (for points and coupons,
# the whole reward: clawed_back true, no amount), and what is left of it.
REWARD_COLUMNS = (
    "id",
    "campaign",
    "side",
    "email",
    "advocate_code",
    "order_id",
    "referral_id",
    "type",
    "value",
    "amount",
    "amount_minor",
    "currency",
    "status",
    "created_at",
    "approve_after",
    "approved_at",
    "revoked_at",
    "revoke_reason",
    "clawed_back",
    "clawed_back_amount",
    "clawed_back_minor",
    "net_amount",
)
BOM = "\ufeff"  # the byte-order mark makes Excel read the file as UTF-8


def safe_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_line(cells: Sequence[Cell]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


async def csv_lines(
    columns: Sequence[str],
    page: Callable[[int | None, int], Awaitable[list[Row]]],
    cells: Callable[[Row], Sequence[Cell]],
) -> AsyncIterator[str]:
    """The header, then every row, newest first, a page at a time (memory stays flat)."""
    yield BOM + csv_line(columns)
    before = None
    while True:
        rows = await page(before, PAGE_SIZE)
        for row in rows:
            yield csv_line(cells(row))
        if len(rows) < PAGE_SIZE:
            return
        before = rows[-1].id


def csv_download(lines: AsyncIterator[str], name: str) -> StreamingResponse:
    filename = f"shareback-{name}-{tokens.now_utc().date().isoformat()}.csv"
    return StreamingResponse(
        (line.encode() async for line in lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def advocates_csv(store: OwnerStore, filters: AdvocateFilter, public_url: str) -> Response:
    def cells(a: AdvocateSummary) -> Sequence[Cell]:
        link = f"{public_url}/r/{a.code}"
        created = rfc3339_or_none(a.created_at)
        return (
            a.id,
            a.campaign_slug,
            a.email,
            a.name,
            a.code,
            a.coupon_code,
            link,
            a.verified,
            a.clicks,
            a.referrals,
            created,
        )

    async def page(before: int | None, limit: int) -> list[AdvocateSummary]:
        return await filters.page(store, before, limit)

    return csv_download(csv_lines(ADVOCATE_COLUMNS, page, cells), "advocates")


def referrals_csv(store: OwnerStore, filters: ReferralFilter) -> Response:
    def cells(r: ReferralSummary) -> Sequence[Cell]:
        total = money.from_minor(r.order_total_minor, r.currency)
        return (
            r.id,
            r.campaign_slug,
            rfc3339_or_none(r.created_at),
            r.advocate_id,
            r.advocate_code,
            r.advocate_email,
            r.friend_email,
            r.order_source,
            r.order_id,
            total,
            r.currency,
            r.order_status,
            r.via,
            r.channel,
            r.no_reward_reason,
        )

    async def page(before: int | None, limit: int) -> list[ReferralSummary]:
        return await filters.page(store, before, limit)

    return csv_download(csv_lines(REFERRAL_COLUMNS, page, cells), "referrals")


def in_major(minor: int | None, currency: str) -> str | None:
    return None if minor is None else money.from_minor(minor, currency)


def reward_cells(w: RewardSummary) -> Sequence[Cell]:
    clawed = w.clawed_back_minor
    net = None if w.amount_minor is None else w.amount_minor - (clawed or 0)
    return (
        w.id,
        w.campaign_slug,
        w.side,
        w.email,
        w.advocate_code,
        w.order_id,
        w.referral_id,
        w.type,
        w.value,
        in_major(w.amount_minor, w.currency),
        w.amount_minor,
        w.currency,
        w.status,
        rfc3339_or_none(w.created_at),
        rfc3339_or_none(w.approve_after),
        rfc3339_or_none(w.approved_at),
        rfc3339_or_none(w.revoked_at),
        w.revoke_reason,
        clawed is not None,
        in_major(clawed, w.currency) if net is not None else None,
        clawed,
        in_major(net, w.currency),
    )


def rewards_csv(store: OwnerStore, filters: RewardFilter, campaign: str | None = None) -> Response:
    """The one rewards file: the owner API's export and the dashboard's payout download."""

    async def page(before: int | None, limit: int) -> list[RewardSummary]:
        return await filters.page(store, before, limit)

    name = "-".join(part for part in ("rewards", filters.status, campaign) if part)
    return csv_download(csv_lines(REWARD_COLUMNS, page, reward_cells), name)


async def export_advocates(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, ADVOCATE_PARAMS)
    filters = await advocate_filter(ctx.store, request.query_params)
    return advocates_csv(ctx.store, filters, ctx.settings.public_url)


async def export_referrals(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, REFERRAL_PARAMS)
    return referrals_csv(ctx.store, await referral_filter(ctx.store, request.query_params))


async def export_rewards(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, REWARD_PARAMS)
    filters = await reward_filter(ctx.store, request.query_params)
    return rewards_csv(ctx.store, filters, request.query_params.get("campaign"))


routes = [
    Route("/api/v1/exports/advocates.csv", export_advocates, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/exports/referrals.csv", export_referrals, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/exports/rewards.csv", export_rewards, methods=["GET"], middleware=GUARDED),
]
