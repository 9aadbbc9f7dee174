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
# ...and a spreadsheet whose list separator is not ours splits our cells on its own: Excel in
# Dutch or German splits on ";", so `x;=1+1` becomes a cell "=1+1". Any of these may start a cell.
SEPARATORS = frozenset(",;\t|\r\n")
TRIGGERS = frozenset("=+-@")
SKIPPED = frozenset(' "')  # spaces and quotes before a formula do not stop it

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
# The rewards list, for the dashboard's "Download this list" and the API alike (paying is a
# payout batch's CSV or SEPA file: api/owner/payouts.py). After a refund or
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


def defused(text: str) -> str:
    """The text with a quote before every formula a spreadsheet could find in it, whichever
    list separator it splits on: at the start, and after each separator (spaces and quotes
    skipped). A quote first makes the cell text in Excel, LibreOffice and Google Sheets."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    out: list[str] = []
    cell_start = True
    for char in text:
        if cell_start and char in TRIGGERS and out:
            out.append("'")
        if char in SEPARATORS:
            cell_start = True
        elif char not in SKIPPED:
            cell_start = False
        out.append(char)
    return "".join(out)


def safe_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return defused(str(value))


def csv_line(cells: Sequence[Cell]) -> str:
    """Every cell quoted: a separator inside one stays inside it for any reader that honours
    quotes, and defused() covers the ones that do not."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


async def csv_lines(
    columns: Sequence[str],
    page: Callable[[int | None, int], Awaitable[list[Row]]],
    cells: Callable[[Row], Sequence[Cell]],
) -> AsyncIterator[str]:
    """The header, then every row, newest first, a page at a time (memory stays flat). The first
    page is read before the answer starts: a query the store refuses is then a clean error
    answer, not a download cut off after its 200."""
    rows = await page(None, PAGE_SIZE)

    async def lines() -> AsyncIterator[str]:
        nonlocal rows
        yield BOM + csv_line(columns)
        while True:
            for row in rows:
                yield csv_line(cells(row))
            if len(rows) < PAGE_SIZE:
                return
            rows = await page(rows[-1].id, PAGE_SIZE)

    return lines()


def csv_download(lines: AsyncIterator[str], name: str) -> StreamingResponse:
    filename = f"shareback-{name}-{tokens.now_utc().date().isoformat()}.csv"
    return StreamingResponse(
        (line.encode() async for line in lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def advocates_csv(store: OwnerStore, filters: AdvocateFilter, public_url: str) -> Response:
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

    return csv_download(await csv_lines(ADVOCATE_COLUMNS, page, cells), "advocates")


async def referrals_csv(store: OwnerStore, filters: ReferralFilter) -> Response:
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

    return csv_download(await csv_lines(REFERRAL_COLUMNS, page, cells), "referrals")


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


async def rewards_csv(
    store: OwnerStore, filters: RewardFilter, campaign: str | None = None
) -> Response:
    """The one rewards file: the owner API's export and the dashboard's payout download."""

    async def page(before: int | None, limit: int) -> list[RewardSummary]:
        return await filters.page(store, before, limit)

    name = "-".join(part for part in ("rewards", filters.status, campaign) if part)
    return csv_download(await csv_lines(REWARD_COLUMNS, page, reward_cells), name)


async def export_advocates(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, ADVOCATE_PARAMS)
    filters = await advocate_filter(ctx.store, request.query_params)
    return await advocates_csv(ctx.store, filters, ctx.settings.public_url)


async def export_referrals(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, REFERRAL_PARAMS)
    return await referrals_csv(ctx.store, await referral_filter(ctx.store, request.query_params))


async def export_rewards(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, REWARD_PARAMS)
    filters = await reward_filter(ctx.store, request.query_params)
    return await rewards_csv(ctx.store, filters, request.query_params.get("campaign"))


routes = [
    Route("/api/v1/exports/advocates.csv", export_advocates, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/exports/referrals.csv", export_referrals, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/exports/rewards.csv", export_rewards, methods=["GET"], middleware=GUARDED),
]
