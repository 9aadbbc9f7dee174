"""Ambassador scores in SQL: the facts crm/score.py scores, gathered a page of customers at a
time; the scores kept with their reasons; the ranked, filtered list; invitations recorded once
per campaign and customer with their decile and e-mail; the calibration counts per decile."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from shareback.crm.ranking import CustomerInvitation, RankedCustomer, RankingFilter
from shareback.crm.records import Customer, Ticket
from shareback.crm.score import (
    BANDS,
    DecileCounts,
    ReferralFacts,
    ScoreFacts,
    ScoreRules,
    decile,
    reasons_from_json,
    reasons_json,
    score,
)
from shareback.mail import journeys
from shareback.storage.database import Connection, db_time, from_db_time
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.mail_plan import SHARE_EVENTS, plan

SCORE_PAGE = 500


class NotPlanned(Exception):
    """The campaign sends no invitation e-mail (archived, or switched off): nothing is kept."""


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class ScoreQueries(SqlBase):
    async def refresh_scores(
        self, rules: ScoreRules, now: datetime, customer_ids: Sequence[int] | None = None
    ) -> int:
        """Scores every customer again (or only these), a page at a time, each page one
        transaction; the number scored."""
        typical = await self._typical_revenue()
        after, scored = 0, 0
        chosen = sorted(set(customer_ids)) if customer_ids is not None else None
        while True:
            if chosen is None:
                customers: list[Customer] = await self.iterate_customers(after, SCORE_PAGE)  # type: ignore[attr-defined]
                if not customers:
                    return scored
            else:
                if not chosen:
                    return scored
                page, chosen = chosen[:SCORE_PAGE], chosen[SCORE_PAGE:]
                found = [await self.customer(i) for i in page]  # type: ignore[attr-defined]
                customers = [c for c in found if c is not None]
                if not customers:
                    continue
            facts = await self._score_facts(customers, typical, now - timedelta(rules.window_days))
            rows = []
            for fact in facts:
                found_score = score(fact, rules, now)
                rows.append(
                    (
                        fact.customer.id,
                        found_score.points,
                        found_score.excluded,
                        reasons_json(found_score.reasons),
                        now,
                    )
                )
            async with self._transaction() as db:
                await db.executemany(
                    "INSERT INTO customer_scores (customer_id, points, excluded, reasons, "
                    "scored_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET "
                    "points = excluded.points, excluded = excluded.excluded, "
                    "reasons = excluded.reasons, scored_at = excluded.scored_at",
                    rows,
                )
            scored += len(rows)
            after = customers[-1].id

    async def scores_computed_at(self) -> datetime | None:
        row = await self._one("SELECT MIN(scored_at) FROM customer_scores")
        return None if row is None else from_db_time(row[0])

    async def _typical_revenue(self) -> dict[str, int]:
        """The median net revenue of the customers who ordered, per currency."""
        counts = await self._all(
            "SELECT currency, COUNT(*) FROM customers WHERE currency IS NOT NULL "
            "AND order_count > 0 GROUP BY currency"
        )
        typical: dict[str, int] = {}
        for currency, count in ((str(r[0]), int(r[1])) for r in counts):
            row = await self._one(
                "SELECT revenue_minor FROM customers WHERE currency = ? AND order_count > 0 "
                "ORDER BY revenue_minor LIMIT 1 OFFSET ?",
                (currency, count // 2),
            )
            if row is not None:
                typical[currency] = int(row[0])
        return typical

    async def _score_facts(
        self, customers: list[Customer], typical: dict[str, int], window_start: datetime
    ) -> list[ScoreFacts]:
        ids = [c.id for c in customers]
        keys = [c.email_key for c in customers]
        async with self._db.reading() as db:
            recent = await db.fetch(
                "SELECT customer_id, COUNT(*) FROM customer_orders WHERE customer_id IN "
                f"({_marks(ids)}) AND placed_at >= ? AND refunded_minor < total_minor "
                "GROUP BY customer_id",
                (*ids, window_start),
            )
            ticket_rows = await db.fetch(
                "SELECT customer_id, system, external_id, opened_at, closed_at, topic, "
                f"satisfaction, nps FROM customer_tickets WHERE customer_id IN ({_marks(ids)})",
                ids,
            )
            referrals = await self._referral_facts(db, keys)
        orders = {int(r[0]): int(r[1]) for r in recent}
        tickets: dict[int, list[Ticket]] = defaultdict(list)
        for r in ticket_rows:
            tickets[int(r["customer_id"])].append(
                Ticket(
                    r["system"],
                    r["external_id"],
                    db_time(r["opened_at"]),
                    from_db_time(r["closed_at"]),
                    r["topic"],
                    r["satisfaction"],
                    r["nps"],
                )
            )
        return [
            ScoreFacts(
                c,
                orders.get(c.id, 0),
                tuple(tickets.get(c.id, ())),
                referrals.get(c.email_key, ReferralFacts()),
                typical.get(c.currency or ""),
            )
            for c in customers
        ]

    async def _referral_facts(self, db: Connection, keys: list[str]) -> dict[str, ReferralFacts]:
        """Shares, clicks and friends converted of each address's advocates, every campaign."""
        marks = _marks(keys)
        found: dict[str, dict[str, int]] = defaultdict(dict)
        for name, sql in (
            (
                "shares",
                "SELECT a.email_key, COUNT(*) FROM advocates a JOIN events e ON e.advocate_id = "
                f"a.id AND e.campaign_id = a.campaign_id AND e.type IN {SHARE_EVENTS} "
                f"WHERE a.email_key IN ({marks}) GROUP BY a.email_key",
            ),
            (
                "clicks",
                "SELECT a.email_key, COUNT(*) FROM advocates a JOIN clicks k ON k.advocate_id = "
                f"a.id WHERE a.email_key IN ({marks}) GROUP BY a.email_key",
            ),
            (
                "friends_converted",
                "SELECT a.email_key, COUNT(*) FROM advocates a JOIN referrals r ON "
                f"r.advocate_id = a.id WHERE a.email_key IN ({marks}) GROUP BY a.email_key",
            ),
        ):
            for row in await db.fetch(sql, keys):
                found[str(row[0])][name] = int(row[1])
        return {key: ReferralFacts(**numbers) for key, numbers in found.items()}

    async def ranked_customers(
        self,
        chosen: RankingFilter,
        *,
        campaign_id: int | None = None,
        offset: int = 0,
        limit: int = 50,
        customer_ids: Sequence[int] | None = None,
    ) -> list[RankedCustomer]:
        """Scored customers, best first (those excluded for now last), filtered; with the time
        each was invited into campaign_id, if they were."""
        clauses: list[str] = []
        params: list[Any] = [campaign_id or 0]
        if chosen.band is not None:
            low, high = BANDS[chosen.band]
            clauses.append("s.points BETWEEN ? AND ?")
            params += [low, high]
        if chosen.country is not None:
            clauses.append("c.country = ?")
            params.append(chosen.country)
        if chosen.tag is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag = ?)"
            )
            params.append(chosen.tag)
        if chosen.consent == "yes":
            clauses.append("c.marketing_consent = ?")
            params.append(True)
        elif chosen.consent == "no":
            clauses.append("c.marketing_consent = ?")
            params.append(False)
        elif chosen.consent == "unknown":
            clauses.append("c.marketing_consent IS NULL")
        if chosen.min_orders:
            clauses.append("c.order_count >= ?")
            params.append(chosen.min_orders)
        if not chosen.include_excluded:
            clauses.append("s.excluded = ?")
            params.append(False)
        if customer_ids is not None:
            if not customer_ids:
                return []
            clauses.append(f"c.id IN ({_marks(customer_ids)})")
            params += list(customer_ids)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = await self._all(
            "SELECT c.id, c.email, c.email_key, c.first_name, c.last_name, c.country, c.order_count, "
            "c.marketing_consent, s.points, s.excluded, s.reasons, s.scored_at, i.invited_at "
            "FROM customer_scores s JOIN customers c ON c.id = s.customer_id "
            "LEFT JOIN ambassador_invitations i ON i.customer_id = c.id AND i.campaign_id = ?"
            f"{where} ORDER BY s.excluded, s.points DESC, c.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [
            RankedCustomer(
                customer_id=int(r[0]),
                email=r[1],
                email_key=r[2],
                first_name=r[3],
                last_name=r[4],
                country=r[5],
                order_count=int(r[6]),
                marketing_consent=None if r[7] is None else bool(r[7]),
                points=int(r[8]),
                excluded=bool(r[9]),
                reasons=reasons_from_json(r[10]),
                scored_at=db_time(r[11]),
                invited_at=from_db_time(r[12]),
            )
            for r in rows
        ]

    async def record_invitation(
        self,
        campaign_id: int,
        customer_id: int,
        advocate_id: int,
        invited_by: str | None,
        now: datetime,
    ) -> bool | None:
        """The customer's invitation into the campaign, with its e-mail, once: True when new,
        False when they were invited before, None when the campaign sends no invitation e-mail
        or the customer has no score. The decile is the score's among the customers scored and
        not excluded, as they stand now (ties split by the older record first)."""
        try:
            async with self._transaction() as db:
                found = await db.fetchrow(
                    "SELECT s.points, s.reasons, c.email, c.email_key, c.first_name "
                    "FROM customer_scores s JOIN customers c ON c.id = s.customer_id "
                    "WHERE s.customer_id = ?",
                    (customer_id,),
                )
                if found is None:
                    return None
                points = int(found["points"])
                counts = await db.fetchrow(
                    "SELECT COUNT(*), SUM(CASE WHEN points > ? OR (points = ? AND customer_id < ?) "
                    "THEN 1 ELSE 0 END) FROM customer_scores WHERE excluded = ?",
                    (points, points, customer_id, False),
                )
                total, ahead = (0, 0) if counts is None else (counts[0] or 0, counts[1] or 0)
                row = await db.fetchrow(
                    "INSERT INTO ambassador_invitations (campaign_id, customer_id, advocate_id, "
                    "points, decile, reasons, invited_by, invited_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (campaign_id, customer_id) DO NOTHING RETURNING id",
                    (
                        campaign_id,
                        customer_id,
                        advocate_id,
                        points,
                        decile(int(ahead), int(total)),
                        found["reasons"],
                        invited_by,
                        now,
                    ),
                )
                if row is None:
                    return False
                planned = await plan(
                    db,
                    campaign_id,
                    journeys.INVITE,
                    f"ambassador:{campaign_id}:{customer_id}",
                    found["email"],
                    found["email_key"],
                    found["first_name"],
                    {"ambassador_invitation": int(row[0])},
                    now,
                )
                if not planned:
                    raise NotPlanned
                return True
        except NotPlanned:
            return None

    async def customer_invitations(self, customer_id: int) -> list[CustomerInvitation]:
        rows = await self._all(
            "SELECT c.slug, c.name, i.points, i.decile, i.invited_by, i.invited_at "
            "FROM ambassador_invitations i JOIN campaigns c ON c.id = i.campaign_id "
            "WHERE i.customer_id = ? ORDER BY i.id",
            (customer_id,),
        )
        return [
            CustomerInvitation(r[0], r[1], int(r[2]), int(r[3]), r[4], db_time(r[5])) for r in rows
        ]

    async def invitation_deciles(self, campaign_id: int | None = None) -> list[DecileCounts]:
        """Per decile at invitation: invitations, invitees who shared (a share, copy or QR in the
        widget, or a click on their link) after it, invitees with a friend's order after it, and
        those orders."""
        where, params = ("WHERE i.campaign_id = ?", [campaign_id]) if campaign_id else ("", [])
        rows = await self._all(
            "SELECT i.decile, COUNT(*), "
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.advocate_id = i.advocate_id "
            f"AND e.campaign_id = i.campaign_id AND e.type IN {SHARE_EVENTS} "
            "AND e.created_at >= i.invited_at) OR EXISTS (SELECT 1 FROM clicks k "
            "WHERE k.advocate_id = i.advocate_id AND k.created_at >= i.invited_at) "
            "THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM referrals r WHERE r.advocate_id = i.advocate_id "
            "AND r.created_at >= i.invited_at) THEN 1 ELSE 0 END), "
            "SUM((SELECT COUNT(*) FROM referrals r WHERE r.advocate_id = i.advocate_id "
            "AND r.created_at >= i.invited_at)) "
            f"FROM ambassador_invitations i {where} GROUP BY i.decile ORDER BY i.decile",
            params,
        )
        return [
            DecileCounts(int(r[0]), int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
            for r in rows
        ]
