"""GET /admin/rewards.csv: the rewards of a tab as CSV, for paying out the approved ones."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from shareback import money, tokens
from shareback.admin.render import SECURITY_HEADERS
from shareback.admin.rewards import filters_from
from shareback.admin.sessions import admin_page
from shareback.context import context
from shareback.storage.base import AdminSession, RewardSummary

BATCH = 500
COLUMNS = (
    "reward_id",
    "campaign",
    "side",
    "email",
    "reward_type",
    "reward_value",
    "currency",
    "amount",
    "status",
    "order_id",
    "advocate_code",
    "created_at",
    "approve_after",
    "approved_at",
    "revoked_at",
    "revoke_reason",
    # After a refund or chargeback of an approved reward's order: what the advocate owes back
    # (for points and coupons, the whole reward: clawed_back true, no amount), and what is left.
    "clawed_back",
    "clawed_back_amount",
    "net_amount",
)


def cell(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: such text gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def in_major(minor: int | None, currency: str) -> str:
    return "" if minor is None else money.from_minor(minor, currency)


def csv_row(reward: RewardSummary) -> list[str]:
    amount = in_major(reward.amount_minor, reward.currency)
    clawed = reward.clawed_back_minor
    net = None if reward.amount_minor is None else reward.amount_minor - (clawed or 0)
    return [
        cell(v)
        for v in (
            reward.id,
            reward.campaign_slug,
            reward.side,
            reward.email,
            reward.type,
            reward.value,
            reward.currency,
            amount,
            reward.status,
            reward.order_id,
            reward.advocate_code,
            when(reward.created_at),
            when(reward.approve_after),
            when(reward.approved_at),
            when(reward.revoked_at),
            reward.revoke_reason,
            "true" if clawed is not None else "false",
            in_major(clawed, reward.currency) if net is not None else "",
            in_major(net, reward.currency),
        )
    ]


@admin_page
async def download_rewards_csv(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    campaigns = await ctx.store.campaigns(include_archived=True)
    filters = filters_from(dict(request.query_params), campaigns)
    campaign_id = next((c.id for c in campaigns if c.slug == filters["campaign"]), None)

    async def lines() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")  # the byte-order mark makes Excel read the file as UTF-8
        writer.writerow(COLUMNS)
        before: int | None = None
        while True:
            batch = await ctx.store.list_rewards(
                status=filters["status"],
                side=filters["side"] or None,
                campaign_id=campaign_id,
                before=before,
                limit=BATCH,
            )
            for reward in batch:
                writer.writerow(csv_row(reward))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if len(batch) < BATCH:
                return
            before = batch[-1].id

    stamp = tokens.now_utc().strftime("%Y%m%d")
    scope = "-" + re.sub(r"[^a-z0-9-]", "", filters["campaign"]) if filters["campaign"] else ""
    name = f"shareback-rewards-{filters['status']}{scope}-{stamp}.csv"
    headers = {
        **SECURITY_HEADERS,
        "Content-Disposition": f'attachment; filename="{name}"',
    }
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)


routes = [Route("/admin/rewards.csv", download_rewards_csv, methods=["GET"])]
