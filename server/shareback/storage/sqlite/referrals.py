"""The referral loop in SQL: advocates, clicks, events, paid and refunded orders, reward approval."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import aiosqlite

from shareback import attribution, codes, money, rewards
from shareback.attribution import Candidate
from shareback.storage.base import (
    Advocate,
    Outcome,
    PaidOrder,
    PartialRefund,
    ReferralRow,
    RewardRow,
    from_db_time,
    to_db_time,
)
from shareback.storage.sqlite.campaigns import campaign_from_row
from shareback.storage.sqlite.clawbacks import claw_back_order
from shareback.storage.sqlite.connection import SqliteBase
from shareback.storage.sqlite.outbox import (
    REWARD_FACTS,
    advocate_event,
    enqueue,
    enqueue_reward_events,
    referral_event,
)


def _advocate(row: sqlite3.Row) -> Advocate:
    created = from_db_time(row["created_at"])
    assert created is not None
    return Advocate(
        id=row["id"],
        campaign_id=row["campaign_id"],
        email=row["email"],
        email_key=row["email_key"],
        name=row["name"],
        code=row["code"],
        verified=bool(row["verified"]),
        created_at=created,
        coupon_code=row["coupon_code"],
    )


async def _coupon_taken(db: aiosqlite.Connection, coupon: str) -> bool:
    """A personal coupon code must not be anyone's: another advocate's, a friend's or a shared one."""
    async with db.execute(
        "SELECT 1 FROM advocates WHERE coupon_code = ? UNION ALL "
        "SELECT 1 FROM friend_codes WHERE code_key = ? UNION ALL "
        "SELECT 1 FROM campaigns WHERE upper(friend_code) = ? LIMIT 1",
        (coupon, coupon, coupon),
    ) as cur:
        return await cur.fetchone() is not None


async def _free_coupon(db: aiosqlite.Connection, campaign_id: int, prefix: str) -> str:
    """ANNA10 (the first name and the friend's offer) if free, else ANNA10K7 and so on.

    Checked, then written, inside one BEGIN IMMEDIATE transaction: nobody can write in between.
    """
    async with db.execute(
        "SELECT friend_reward_type, friend_reward_value FROM campaigns WHERE id = ?",
        (campaign_id,),
    ) as cur:
        campaign = await cur.fetchone()
    number = codes.offer_number(*campaign) if campaign else ""
    for attempt in range(24):
        coupon = codes.coupon_code(prefix, number, attempt)
        if not await _coupon_taken(db, coupon):
            return coupon
    raise RuntimeError("could not find a free coupon code")


def _minor(amount: Decimal, currency: str) -> int:
    """A refund's amount in the order's minor units; a stray third decimal rounds, never fails."""
    scaled = amount.scaleb(money.exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(0, int(scaled))


async def _revoke_pending_rewards(
    db: aiosqlite.Connection, source: str, order_id: str, stamp: str, reason: str = "refund"
) -> int:
    """A lost order's rewards that are still pending are revoked; approved ones get a clawback."""
    async with db.execute(
        "UPDATE rewards SET status = 'revoked', revoked_at = ?, revoke_reason = ? "
        "WHERE status = 'pending' AND referral_id IN (SELECT r.id FROM referrals r "
        "JOIN orders o ON o.id = r.order_pk WHERE o.source = ? AND o.order_id = ?) RETURNING id",
        (stamp, reason, source, order_id),
    ) as cursor:
        revoked = sorted(row[0] for row in await cursor.fetchall())
    await db.executemany(
        "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
        "VALUES (?, 'pending', 'revoked', ?, ?, ?)",
        [(reward_id, reason, f"webhook:{source}", stamp) for reward_id in revoked],
    )
    moment = from_db_time(stamp)
    assert moment is not None
    await enqueue_reward_events(db, "reward.revoked", revoked, moment)
    return len(revoked)


async def _shrink_pending_rewards(
    db: aiosqlite.Connection, order_pk: int, total_minor: int, kept_minor: int
) -> int:
    """Pending rewards worth a share of the order are recomputed on what was kept, never raised."""
    async with db.execute(
        "SELECT w.id, w.type, w.value, w.currency, w.amount_minor FROM rewards w "
        "JOIN referrals r ON r.id = w.referral_id WHERE r.order_pk = ? AND w.status = 'pending'",
        (order_pk,),
    ) as cur:
        rows = await cur.fetchall()
    reduced = 0
    for row in rows:
        spec = rewards.RewardSpec(row["type"], row["value"], row["currency"])
        if spec.cost_minor(total_minor) == spec.cost_minor(kept_minor):
            continue  # a fixed amount, credit or points: the order's size does not change it
        amount = spec.cost_minor(kept_minor)
        if amount is None or row["amount_minor"] is None or amount >= row["amount_minor"]:
            continue
        await db.execute("UPDATE rewards SET amount_minor = ? WHERE id = ?", (amount, row["id"]))
        reduced += 1
    return reduced


class ReferralQueries(SqliteBase):
    async def advocate_for(
        self,
        campaign_id: int,
        email: str,
        email_key: str,
        name: str | None,
        verified: bool,
        code_prefix: str,
        at: datetime,
    ) -> tuple[Advocate, bool]:
        select = (
            "SELECT a.*, c.slug FROM advocates a JOIN campaigns c ON c.id = a.campaign_id "
            "WHERE a.campaign_id = ? AND a.email_key = ?"
        )
        async with self._transaction() as db:
            async with db.execute(select, (campaign_id, email_key)) as cur:
                known = await cur.fetchone()
            created = known is None
            if created:
                coupon = await _free_coupon(db, campaign_id, code_prefix)
                for attempt in range(12):
                    code = codes.new_code(code_prefix, 4 if attempt < 6 else 6)
                    try:
                        await db.execute(
                            "INSERT INTO advocates (campaign_id, email, email_key, name, code, "
                            "verified, created_at, coupon_code, search_name) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (
                                campaign_id,
                                email,
                                email_key,
                                name,
                                code,
                                int(verified),
                                to_db_time(at),
                                coupon,
                                codes.name_key(name),
                            ),
                        )
                    except sqlite3.IntegrityError:
                        continue  # the referral code is taken: draw another
                    break
                else:
                    raise RuntimeError("could not draw a free referral code")
            elif verified or name:
                # A verified visit upgrades the record; a name fills a blank but never overwrites.
                await db.execute(
                    "UPDATE advocates SET verified = MAX(verified, ?), name = COALESCE(name, ?), "
                    "search_name = COALESCE(search_name, ?) WHERE campaign_id = ? AND email_key = ?",
                    (int(verified), name, codes.name_key(name), campaign_id, email_key),
                )
            if known is not None and known["coupon_code"] is None:
                # Joined before coupon codes existed: one now, announced so the shop can create it.
                await db.execute(
                    "UPDATE advocates SET coupon_code = ? WHERE id = ?",
                    (await _free_coupon(db, campaign_id, code_prefix), known["id"]),
                )
            async with db.execute(select, (campaign_id, email_key)) as cur:
                row = await cur.fetchone()
            assert row is not None
            if created:
                await enqueue(db, "advocate.created", advocate_event(row), at)
            elif known is not None and known["coupon_code"] is None:
                await enqueue(db, "advocate.updated", advocate_event(row), at)
        return _advocate(row), created

    async def advocate_by_code(self, code: str) -> Advocate | None:
        row = await self._one("SELECT * FROM advocates WHERE code = ?", (code,))
        return _advocate(row) if row else None

    async def record_click(
        self, advocate_id: int, token: str, channel: str, ip_hash: str, device: str, at: datetime
    ) -> None:
        stamp = to_db_time(at)
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO clicks (advocate_id, campaign_id, token, channel, ip_hash, device, "
                "created_at) SELECT id, campaign_id, ?, ?, ?, ?, ? FROM advocates WHERE id = ?",
                (token, channel, ip_hash, device, stamp, advocate_id),
            )
            # The daily rollup the owner's views read (migration 0009), in the same transaction.
            await db.execute(
                "INSERT INTO click_days (campaign_id, day, channel, device, n) "
                "SELECT campaign_id, ?, ?, ?, 1 FROM advocates WHERE id = ? "
                "ON CONFLICT (campaign_id, day, channel, device) DO UPDATE SET n = n + 1",
                (stamp[:10], channel, device, advocate_id),
            )

    async def record_event(
        self,
        campaign_id: int,
        advocate_id: int | None,
        type: str,
        channel: str | None,
        at: datetime,
    ) -> None:
        stamp = to_db_time(at)
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO events (campaign_id, advocate_id, type, channel, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (campaign_id, advocate_id, type, channel, stamp),
            )
            await db.execute(
                "INSERT INTO event_days (campaign_id, day, type, channel, n) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT (campaign_id, day, type, channel) DO UPDATE SET n = n + 1",
                (campaign_id, stamp[:10], type, channel or ""),
            )

    async def record_paid_order(
        self,
        message_id: str,
        order: PaidOrder,
        candidate: Candidate | None,
        no_candidate_reason: str,
    ) -> Outcome:
        now = to_db_time(datetime.now(UTC))
        paid = to_db_time(order.paid_at)  # the referral happened when the order was paid
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (order.source, message_id, now),
            )
            if cursor.rowcount == 0:
                return Outcome("duplicate", "message_already_processed")
            async with db.execute(
                "INSERT INTO orders (source, order_id, email, email_key, total_minor, currency, "
                "status, paid_at) VALUES (?, ?, ?, ?, ?, ?, 'paid', ?) "
                "ON CONFLICT (source, order_id) DO NOTHING RETURNING id",
                (
                    order.source,
                    order.order_id,
                    order.email,
                    order.email_key,
                    order.total_minor,
                    order.currency,
                    to_db_time(order.paid_at),
                ),
            ) as cur:
                inserted = await cur.fetchone()
            if inserted is None:
                return Outcome("duplicate", "order_already_recorded")
            order_pk = inserted[0]
            if candidate is None:
                return Outcome("ignored", no_candidate_reason)
            async with db.execute(
                "SELECT * FROM campaigns WHERE id = ?", (candidate.campaign_id,)
            ) as cur:
                campaign_row = await cur.fetchone()
            assert campaign_row is not None
            campaign = campaign_from_row(campaign_row)
            prior = already = None
            if order.email_key is not None:
                async with db.execute(
                    "SELECT 1 FROM orders WHERE email_key = ? AND id <> ? LIMIT 1",
                    (order.email_key, order_pk),
                ) as cur:
                    prior = await cur.fetchone()
                async with db.execute(
                    "SELECT 1 FROM referrals WHERE campaign_id = ? AND friend_email_key = ?",
                    (campaign.id, order.email_key),
                ) as cur:
                    already = await cur.fetchone()
            decision = attribution.decide(
                candidate,
                campaign.rules,
                attribution.Facts(
                    friend_email_key=order.email_key,
                    paid_at=order.paid_at,
                    friend_has_prior_orders=prior is not None,
                    friend_already_referred=already is not None,
                ),
            )
            if not decision.credited:
                return Outcome(decision.status, decision.reason)
            click_id = None
            if candidate.click_token:
                async with db.execute(
                    "SELECT id FROM clicks WHERE token = ? AND advocate_id = ?",
                    (candidate.click_token, candidate.advocate_id),
                ) as cur:
                    click = await cur.fetchone()
                click_id = click[0] if click else None
            async with db.execute(
                "INSERT INTO referrals (campaign_id, advocate_id, order_pk, click_id, "
                "friend_email_key, friend_name, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (
                    campaign.id,
                    candidate.advocate_id,
                    order_pk,
                    click_id,
                    order.email_key,
                    order.name,
                    candidate.via,
                    paid,
                ),
            ) as cur:
                referral = await cur.fetchone()
            assert referral is not None
            async with db.execute(
                "SELECT email FROM advocates WHERE id = ?", (candidate.advocate_id,)
            ) as cur:
                advocate_row = await cur.fetchone()
            assert advocate_row is not None and order.email is not None
            due = to_db_time(rewards.approve_after(order.paid_at, campaign.hold_days))
            reward_ids: list[int] = []
            for side, spec, advocate_id, email in (
                ("referrer", campaign.referrer_reward, candidate.advocate_id, advocate_row[0]),
                ("friend", campaign.friend_reward, None, order.email),
            ):
                cursor = await db.execute(
                    "INSERT INTO rewards (referral_id, side, advocate_id, email, type, value, currency, "
                    "amount_minor, status, approve_after, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                    (
                        referral[0],
                        side,
                        advocate_id,
                        email,
                        spec.type,
                        spec.value,
                        spec.currency,
                        spec.cost_minor(order.total_minor),
                        due,
                        paid,
                    ),
                )
                assert cursor.lastrowid is not None
                reward_ids.append(cursor.lastrowid)
            async with db.execute(REWARD_FACTS, (reward_ids[0],)) as cur:
                facts = await cur.fetchone()
            assert facts is not None
            await enqueue(db, "referral.converted", referral_event(facts), order.paid_at)
            await enqueue_reward_events(db, "reward.created", reward_ids, order.paid_at)
            return Outcome("recorded", decision.reason, referral_id=referral[0])

    async def record_refund(
        self, message_id: str, source: str, order_id: str, at: datetime, reason: str = "refund"
    ) -> Outcome:
        stamp = to_db_time(at)
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (source, message_id, stamp),
            )
            if cursor.rowcount == 0:
                return Outcome("duplicate", "message_already_processed")
            cursor = await db.execute(
                "UPDATE orders SET status = 'refunded', refunded_at = ?, refunded_minor = total_minor "
                "WHERE source = ? AND order_id = ? AND status = 'paid'",
                (stamp, source, order_id),
            )
            if cursor.rowcount == 0:
                async with db.execute(
                    "SELECT status FROM orders WHERE source = ? AND order_id = ?",
                    (source, order_id),
                ) as cur:
                    known = await cur.fetchone()
                if known is None:
                    return Outcome("ignored", "unknown_order")
                return Outcome("duplicate", "order_already_refunded")
            revoked = await _revoke_pending_rewards(db, source, order_id, stamp, reason)
            async with db.execute(
                "SELECT id FROM orders WHERE source = ? AND order_id = ?", (source, order_id)
            ) as cur:
                order_row = await cur.fetchone()
            assert order_row is not None
            clawed = await claw_back_order(db, order_row[0], reason, at)
            outcome = "charged_back" if reason == "chargeback" else "refunded"
            return Outcome("recorded", outcome, revoked=revoked, clawed_back=clawed)

    async def record_partial_refund(self, message_id: str, refund: PartialRefund) -> Outcome:
        stamp = to_db_time(refund.at)
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (refund.source, message_id, stamp),
            )
            if cursor.rowcount == 0:
                return Outcome("duplicate", "message_already_processed")
            async with db.execute(
                "SELECT id, total_minor, currency, status FROM orders "
                "WHERE source = ? AND order_id = ?",
                (refund.source, refund.order_id),
            ) as cur:
                order = await cur.fetchone()
            if order is None:
                return Outcome("ignored", "unknown_order")
            if order["status"] == "refunded":
                return Outcome("duplicate", "order_already_refunded")
            if refund.currency is not None and refund.currency != order["currency"]:
                return Outcome("ignored", "currency_mismatch")
            added = 0
            for part in refund.parts:
                cursor = await db.execute(
                    "INSERT INTO order_refunds (order_pk, refund_key, amount_minor, cumulative, "
                    "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_pk, refund_key) DO NOTHING",
                    (
                        order["id"],
                        part.key,
                        _minor(part.amount, order["currency"]),
                        int(refund.cumulative),
                        stamp,
                    ),
                )
                added += cursor.rowcount
            if added == 0:
                return Outcome("duplicate", "refund_already_recorded")
            # Separate refunds add up; cumulative figures (Stripe's) only ever grow, whatever
            # order they arrive in, so the largest one seen is what has been refunded.
            async with db.execute(
                "SELECT COALESCE(SUM(amount_minor) FILTER (WHERE cumulative = 0), 0), "
                "COALESCE(MAX(amount_minor) FILTER (WHERE cumulative = 1), 0) "
                "FROM order_refunds WHERE order_pk = ?",
                (order["id"],),
            ) as cur:
                sums = await cur.fetchone()
            assert sums is not None
            refunded = max(sums[0], sums[1])
            total = order["total_minor"]
            if refunded >= total:
                await db.execute(
                    "UPDATE orders SET status = 'refunded', refunded_at = ?, "
                    "refunded_minor = total_minor WHERE id = ?",
                    (stamp, order["id"]),
                )
                revoked = await _revoke_pending_rewards(db, refund.source, refund.order_id, stamp)
                clawed = await claw_back_order(db, order["id"], "refund", refund.at)
                return Outcome("recorded", "refunded", revoked=revoked, clawed_back=clawed)
            await db.execute(
                "UPDATE orders SET refunded_minor = ? WHERE id = ?", (refunded, order["id"])
            )
            reduced = await _shrink_pending_rewards(db, order["id"], total, total - refunded)
            clawed = await claw_back_order(
                db, order["id"], "partial_refund", refund.at, total - refunded, total
            )
            return Outcome("recorded", "partially_refunded", reduced=reduced, clawed_back=clawed)

    async def approve_due_rewards(self, now: datetime) -> int:
        """Due rewards of campaigns without a validation callback (those wait for the shop's word)."""
        stamp = to_db_time(now)
        due = (
            "status = 'pending' AND approve_after <= ? AND NOT EXISTS (SELECT 1 FROM referrals r "
            "JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = rewards.referral_id "
            "AND c.validation_url IS NOT NULL)"
        )
        async with self._transaction() as db:
            # The audit rows first, while the rows still read 'pending'; both in one transaction.
            await db.execute(
                "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
                "SELECT id, 'pending', 'approved', 'hold period ended', 'scheduler', ? FROM rewards "
                f"WHERE {due}",
                (stamp, stamp),
            )
            async with db.execute(
                f"UPDATE rewards SET status = 'approved', approved_at = ? WHERE {due} RETURNING id",
                (stamp, stamp),
            ) as cursor:
                approved = [row[0] for row in await cursor.fetchall()]
            await enqueue_reward_events(db, "reward.approved", sorted(approved), now)
            return len(approved)

    async def referral_for_order(self, source: str, order_id: str) -> ReferralRow | None:
        row = await self._one(
            "SELECT r.id, r.campaign_id, r.advocate_id, a.code, o.order_id, o.source, r.via, r.click_id "
            "FROM referrals r JOIN orders o ON o.id = r.order_pk JOIN advocates a ON a.id = r.advocate_id "
            "WHERE o.source = ? AND o.order_id = ?",
            (source, order_id),
        )
        if row is None:
            return None
        async with self._reader.execute(
            "SELECT * FROM rewards WHERE referral_id = ? ORDER BY side DESC", (row[0],)
        ) as cursor:
            reward_rows = await cursor.fetchall()
        return ReferralRow(
            id=row[0],
            campaign_id=row[1],
            advocate_id=row[2],
            advocate_code=row[3],
            order_id=row[4],
            source=row[5],
            via=row[6],
            click_id=row[7],
            rewards=tuple(
                RewardRow(
                    id=r["id"],
                    side=r["side"],
                    email=r["email"],
                    type=r["type"],
                    value=r["value"],
                    currency=r["currency"],
                    amount_minor=r["amount_minor"],
                    status=r["status"],
                    approve_after=from_db_time(r["approve_after"]) or datetime.now(UTC),
                    revoke_reason=r["revoke_reason"],
                )
                for r in reward_rows
            ),
        )
