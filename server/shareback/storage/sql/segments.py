"""Campaign segments in SQL: one row per targeted campaign, and the audited changes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shareback.crm import score
from shareback.crm.segment_report import Participation
from shareback.crm.segments import Segment, SegmentFacts, segment_document
from shareback.storage.database import Connection, Row, db_int, db_time
from shareback.storage.segment_records import SEGMENT_ACTIONS, SegmentChange, TargetingNumbers
from shareback.storage.sql.base import SqlBase

COLUMNS = "countries, tags, min_orders, min_spend_minor, spend_currency, min_score_band"


# A customer's targeting facts: the record, its score (crm/score.py) if any.
FACTS = (
    "SELECT c.id, c.country, c.order_count, c.revenue_minor, c.currency, s.points, s.excluded "
    "FROM customers c LEFT JOIN customer_scores s ON s.customer_id = c.id"
)


def facts_from_row(row: Row, tags: tuple[str, ...]) -> SegmentFacts:
    return SegmentFacts(
        country=row["country"],
        tags=tags,
        order_count=row["order_count"],
        revenue_minor=db_int(row["revenue_minor"]),
        currency=row["currency"],
        # An unresolved complaint excludes the customer from invitations (crm/score.py): from
        # score-targeted campaigns too.
        score_band=None if row["points"] is None or row["excluded"] else score.band(row["points"]),
    )


def participation(shared: list[Row], ordered: list[Row], key: str) -> dict[Any, Participation]:
    found: dict[Any, Participation] = {}
    for row in shared:
        found[row[key]] = Participation(sharers=db_int(row["n"]))
    for row in ordered:
        before = found.get(row[key], Participation())
        found[row[key]] = Participation(before.sharers, db_int(row["n"]))
    return found


def segment_from_row(row: Row) -> Segment:
    return Segment(
        countries=tuple(row["countries"].split()),
        tags=tuple(json.loads(row["tags"])),
        min_orders=row["min_orders"],
        min_spend_minor=row["min_spend_minor"],
        spend_currency=row["spend_currency"],
        min_score_band=row["min_score_band"],
    )


async def _current(db: Connection, campaign_id: int, lock: str) -> Segment | None:
    row = await db.fetchrow(
        f"SELECT {COLUMNS} FROM campaign_segments WHERE campaign_id = ?{lock}", (campaign_id,)
    )
    return None if row is None else segment_from_row(row)


class SegmentQueries(SqlBase):
    async def campaign_segment(self, campaign_id: int) -> Segment | None:
        async with self._db.reading() as db:
            return await _current(db, campaign_id, "")

    async def campaign_segments(self) -> dict[int, Segment]:
        rows = await self._all(f"SELECT campaign_id, {COLUMNS} FROM campaign_segments")
        return {row["campaign_id"]: segment_from_row(row) for row in rows}

    async def set_campaign_segment(
        self, campaign_id: int, segment: Segment | None, action: str, actor: str, at: datetime
    ) -> bool:
        assert action in SEGMENT_ACTIONS
        wanted = None if segment is None or segment.empty else segment
        async with self._transaction() as db:
            before = await _current(db, campaign_id, self.dialect.for_update())
            if before == wanted:
                return False
            if wanted is None:
                await db.execute(
                    "DELETE FROM campaign_segments WHERE campaign_id = ?", (campaign_id,)
                )
            else:
                await db.execute(
                    f"INSERT INTO campaign_segments (campaign_id, {COLUMNS}, updated_by, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id) "
                    "DO UPDATE SET countries = excluded.countries, tags = excluded.tags, "
                    "min_orders = excluded.min_orders, min_spend_minor = excluded.min_spend_minor, "
                    "spend_currency = excluded.spend_currency, "
                    "min_score_band = excluded.min_score_band, "
                    "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    (
                        campaign_id,
                        " ".join(wanted.countries),
                        json.dumps(list(wanted.tags)),
                        wanted.min_orders,
                        wanted.min_spend_minor,
                        wanted.spend_currency,
                        wanted.min_score_band,
                        actor,
                        at,
                    ),
                )
            await db.execute(
                "INSERT INTO campaign_segment_changes (campaign_id, action, before, after, actor, "
                "at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    campaign_id,
                    action,
                    json.dumps(segment_document(before)),
                    json.dumps(segment_document(wanted)),
                    actor,
                    at,
                ),
            )
        return True

    async def segment_facts(self, email_key: str) -> SegmentFacts | None:
        async with self._db.reading() as db:
            row = await db.fetchrow(f"{FACTS} WHERE c.email_key = ?", (email_key,))
            if row is None:
                return None
            tags = await db.fetch(
                "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag", (row["id"],)
            )
        return facts_from_row(row, tuple(tag["tag"] for tag in tags))

    async def segment_facts_page(self, after_id: int, limit: int) -> list[tuple[int, SegmentFacts]]:
        async with self._db.reading() as db:
            rows = await db.fetch(
                f"{FACTS} WHERE c.id > ? ORDER BY c.id LIMIT ?", (after_id, limit)
            )
            if not rows:
                return []
            tagged: dict[int, list[str]] = {}
            for tag in await db.fetch(
                "SELECT customer_id, tag FROM customer_tags WHERE customer_id > ? "
                "AND customer_id <= ? ORDER BY customer_id, tag",
                (after_id, rows[-1]["id"]),
            ):
                tagged.setdefault(tag["customer_id"], []).append(tag["tag"])
        return [(row["id"], facts_from_row(row, tuple(tagged.get(row["id"], ())))) for row in rows]

    async def targeting_numbers(self, start: datetime, end: datetime) -> TargetingNumbers:
        span = (start, end)
        async with self._db.reading() as db:
            shared = await db.fetch(
                "SELECT campaign_id, COUNT(DISTINCT advocate_id) AS n FROM events "
                "WHERE type <> 'open' AND advocate_id IS NOT NULL AND created_at >= ? "
                "AND created_at < ? GROUP BY campaign_id",
                span,
            )
            ordered = await db.fetch(
                "SELECT r.campaign_id, COUNT(*) AS n FROM referrals r "
                "JOIN orders o ON o.id = r.order_pk WHERE r.created_at >= ? AND r.created_at < ? "
                "AND o.status <> 'refunded' GROUP BY r.campaign_id",
                span,
            )
            # By the customer record of the advocate (the same inbox: emails.email_key): one
            # person sharing in two campaigns is one sharer of their country.
            shared_in = await db.fetch(
                "SELECT COALESCE(c.country, '') AS country, COUNT(DISTINCT c.id) AS n "
                "FROM events e JOIN advocates a ON a.id = e.advocate_id "
                "JOIN customers c ON c.email_key = a.email_key "
                "WHERE e.type <> 'open' AND e.created_at >= ? AND e.created_at < ? GROUP BY 1",
                span,
            )
            ordered_in = await db.fetch(
                "SELECT COALESCE(c.country, '') AS country, COUNT(*) AS n FROM referrals r "
                "JOIN orders o ON o.id = r.order_pk JOIN advocates a ON a.id = r.advocate_id "
                "JOIN customers c ON c.email_key = a.email_key WHERE r.created_at >= ? "
                "AND r.created_at < ? AND o.status <> 'refunded' GROUP BY 1",
                span,
            )
            customers = await db.fetch(
                "SELECT COALESCE(country, '') AS country, COUNT(*) AS n FROM customers GROUP BY 1"
            )
        return TargetingNumbers(
            by_campaign=participation(shared, ordered, "campaign_id"),
            by_country=participation(shared_in, ordered_in, "country"),
            customers_by_country={row["country"]: db_int(row["n"]) for row in customers},
        )

    async def segment_changes(self, campaign_id: int) -> list[SegmentChange]:
        rows = await self._all(
            "SELECT campaign_id, action, before, after, actor, at FROM campaign_segment_changes "
            "WHERE campaign_id = ? ORDER BY id DESC",
            (campaign_id,),
        )
        return [
            SegmentChange(
                campaign_id=row["campaign_id"],
                action=row["action"],
                before=json.loads(row["before"]),
                after=json.loads(row["after"]),
                actor=row["actor"],
                at=db_time(row["at"]),
            )
            for row in rows
        ]
