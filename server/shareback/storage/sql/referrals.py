"""The referral loop in SQL: advocates, clicks, events, paid and refunded orders, reward approval."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from shareback import attribution, codes, joining, order_value, rewards, shop_days
from shareback.attribution import Candidate
from shareback.fraud import Verdict
from shareback.order_value import Totals
from shareback.outgoing import events
from shareback.storage.database import Connection
from shareback.storage.group_commit import GroupCommit
from shareback.storage.records import (
    Advocate,
    ClickLimit,
    Joined,
    JoinRequest,
    NewClick,
    Outcome,
    PaidOrder,
)
from shareback.storage.sql.advocate_rows import advocate_from_row
from shareback.storage.sql.campaigns import campaign_from_row
from shareback.storage.sql.clicks import write_clicks
from shareback.storage.sql.experiments import exposed_offer
from shareback.storage.sql.fraud import (
    UNDER_REVIEW,
    FraudQueries,
    judge_referral,
    record_decision,
)
from shareback.storage.sql.fulfilment import announce_checkout_fulfilment, create_rewards
from shareback.storage.sql.issuing import fulfil_approved
from shareback.storage.sql.loyalty import settle_advocate, standing
from shareback.storage.sql.mail_plan import plan_invite
from shareback.storage.sql.outbox import enqueue, enqueue_reward_events, fetch_reward_facts
from shareback.storage.sql.refunds import (
    apply_pending_adjustments,
    first_message,
    order_lock,
    settle_new_rewards,
)

log = logging.getLogger("shareback.storage")

# Taken by every transaction that hands out a code (an advocate's referral or coupon code, a
# friend's generated or pooled code): no two can pick the same free code at once.
CODES_LOCK = "codes"


async def _coupon_taken(db: Connection, coupon: str) -> bool:
    """A personal coupon code must not be anyone's: another advocate's, a friend's or a shared one."""
    row = await db.fetchrow(
        "SELECT 1 FROM advocates WHERE coupon_code = ? UNION ALL "
        "SELECT 1 FROM friend_codes WHERE code_key = ? UNION ALL "
        "SELECT 1 FROM campaigns WHERE upper(friend_code) = ? LIMIT 1",
        (coupon, coupon, coupon),
    )
    return row is not None


async def _free_coupon(db: Connection, campaign_id: int, prefix: str) -> str:
    """ANNA10 (the first name and the friend's offer) if free, else ANNA10K7 and so on.
    Checked, then written, under CODES_LOCK: nobody can take it in between."""
    campaign = await db.fetchrow(
        "SELECT friend_reward_type, friend_reward_value FROM campaigns WHERE id = ?",
        (campaign_id,),
    )
    number = codes.offer_number(campaign[0], campaign[1]) if campaign else ""
    for attempt in range(24):
        coupon = codes.coupon_code(prefix, number, attempt)
        if not await _coupon_taken(db, coupon):
            return coupon
    raise RuntimeError("could not find a free coupon code")


async def _code_taken(db: Connection, code: str) -> bool:
    """Referral codes live in two tables: an advocate's first code and their further links."""
    row = await db.fetchrow(
        "SELECT 1 FROM advocates WHERE code = ? UNION ALL "
        "SELECT 1 FROM advocate_links WHERE code = ? LIMIT 1",
        (code, code),
    )
    return row is not None


async def _create_advocate(db: Connection, request: JoinRequest) -> None:
    coupon = await _free_coupon(db, request.campaign_id, request.code_prefix)
    for attempt in range(12):
        code = codes.new_code(request.code_prefix, 4 if attempt < 6 else 6)
        if await _code_taken(db, code):
            continue
        inserted = await db.fetchrow(
            "INSERT INTO advocates (campaign_id, email, email_key, name, code, "
            "verified, created_at, coupon_code, search_name, findable) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (
                request.campaign_id,
                request.email,
                request.email_key,
                request.name,
                code,
                request.verified,
                request.at,
                coupon,
                codes.name_key(request.name),
                bool(request.findable),
            ),
        )
        if inserted is not None:
            return
    raise RuntimeError("could not draw a free referral code")


async def _new_link(db: Connection, advocate: Advocate, request: JoinRequest) -> Advocate:
    """A further link of an advocate, for a join that may not open their record: it credits
    them and shows only what the request itself sent (joining.py)."""
    await db.lock(CODES_LOCK)
    for attempt in range(12):
        code = codes.new_code(codes.NEUTRAL_PREFIX, 4 if attempt < 6 else 6)
        if await _code_taken(db, code):
            continue
        await db.execute(
            "INSERT INTO advocate_links (code, advocate_id, name, created_at) VALUES (?, ?, ?, ?)",
            (code, advocate.id, request.name, request.at),
        )
        return as_link(advocate, code, email=request.email, name=request.name)
    raise RuntimeError("could not draw a free referral code")


def as_link(advocate: Advocate, code: str, *, email: str, name: str | None) -> Advocate:
    """An advocate as one of their further links shows them: that code, no stored name, no
    coupon, unverified."""
    return dataclasses.replace(
        advocate,
        code=code,
        email=email,
        name=name,
        coupon_code=None,
        verified=False,
        findable=False,
    )


async def _order_totals(db: Connection, order: PaidOrder, candidate: Candidate | None) -> Totals:
    """Money (issue 8): an order is kept in its campaign's currency when it has an amount in it."""
    totals = Totals(
        order.total_minor, order.currency, order.other_total_minor, order.other_currency
    )
    if candidate is None:
        return totals
    row = await db.fetchrow("SELECT currency FROM campaigns WHERE id = ?", (candidate.campaign_id,))
    return totals.in_currency(row[0]) if row else totals


class ReferralQueries(FraudQueries):  # order_visit: the fraud rules' click facts
    async def advocate_for(
        self,
        campaign_id: int,
        email: str,
        email_key: str,
        name: str | None,
        verified: bool,
        code_prefix: str,
        at: datetime,
        *,
        findable: bool | None = None,
    ) -> tuple[Advocate, bool]:
        """For trusted callers (demo data, tools): the address's advocate, opened or created."""
        request = JoinRequest(
            campaign_id, email, email_key, name, verified, code_prefix, at, findable
        )
        joined = await self._join(request, trusted=True)
        return joined.advocate, joined.access == "create"

    async def join_campaign(self, request: JoinRequest) -> Joined:
        return await self._join(request, trusted=False)

    async def _join(self, request: JoinRequest, *, trusted: bool) -> Joined:
        campaign_id, email_key, name = request.campaign_id, request.email_key, request.name
        select = "SELECT * FROM advocates WHERE campaign_id = ? AND email_key = ?"
        async with self._transaction() as db:
            known = await db.fetchrow(select, (campaign_id, email_key))
            if known is None:
                # Checked, then written, under the lock: the same person joining on two devices
                # at once, or two people drawing the same free code, cannot both insert.
                await db.lock(CODES_LOCK)
                known = await db.fetchrow(select, (campaign_id, email_key))
            stored_email = None if known is None else str(known["email"])
            if trusted:
                how = "create" if known is None else "open"
            else:
                how = joining.access(stored_email, request.email, request.verified)
            if how == "new_link":
                assert known is not None
                return Joined(await _new_link(db, advocate_from_row(known), request), how)
            if how == "create":
                await _create_advocate(db, request)
            elif request.verified or name or request.findable is not None:
                # A verified visit upgrades the record; a name fills a blank but never overwrites.
                # The first verified visit replaces what an unverified join set (anyone could
                # have typed the address): its name and its choice to be found are the shop's.
                first = bool(request.verified) and not bool(known and known["verified"])
                await db.execute(
                    "UPDATE advocates SET verified = (verified OR ?), "
                    "name = CASE WHEN ? THEN ? ELSE COALESCE(name, ?) END, "
                    "search_name = CASE WHEN ? THEN ? ELSE COALESCE(search_name, ?) END, "
                    "findable = CASE WHEN ? THEN COALESCE(?, FALSE) ELSE COALESCE(?, findable) END "
                    "WHERE campaign_id = ? AND email_key = ?",
                    (
                        request.verified,
                        first,
                        name,
                        name,
                        first,
                        codes.name_key(name),
                        codes.name_key(name),
                        first,
                        request.findable,
                        request.findable,
                        campaign_id,
                        email_key,
                    ),
                )
            late_coupon = known is not None and known["coupon_code"] is None
            if known is not None and late_coupon:
                # Joined before coupon codes existed: one now, announced so the shop can create it.
                await db.lock(CODES_LOCK)
                await db.execute(
                    "UPDATE advocates SET coupon_code = ? WHERE id = ? AND coupon_code IS NULL",
                    (await _free_coupon(db, campaign_id, request.code_prefix), known["id"]),
                )
            row = await db.fetchrow(select, (campaign_id, email_key))
            assert row is not None
            advocate = advocate_from_row(row)
            if how == "create" or late_coupon:
                slug = await db.fetchrow("SELECT slug FROM campaigns WHERE id = ?", (campaign_id,))
                assert slug is not None
                await enqueue(
                    db,
                    "advocate.created" if how == "create" else "advocate.updated",
                    events.advocate_event(slug[0], advocate),
                    at=request.at,
                )
        if known is not None and advocate_from_row(known) != advocate:
            self.clear_lookups()  # a name, the verified flag or a coupon code changed
        return Joined(advocate, how)

    async def advocate_by_code(self, code: str) -> Advocate | None:
        """The advocate a link names; through a further link, as that link shows them (as_link).
        Kept for a few seconds (storage/lookups.py): every click, QR code and order asks."""
        kept = self._lookups.advocates.get(code)
        if isinstance(kept, Advocate):
            return kept
        advocate = await self._advocate_by_code(code)
        if advocate is not None:
            self._lookups.advocates.put(code, advocate)
        return advocate

    async def _advocate_by_code(self, code: str) -> Advocate | None:
        row = await self._one("SELECT * FROM advocates WHERE code = ?", (code,))
        if row is not None:
            return advocate_from_row(row)
        row = await self._one(
            "SELECT a.*, l.name AS link_name FROM advocate_links l "
            "JOIN advocates a ON a.id = l.advocate_id WHERE l.code = ?",
            (code,),
        )
        if row is None:
            return None
        advocate = advocate_from_row(row)
        return as_link(advocate, code, email=advocate.email, name=row["link_name"])

    async def record_click(
        self,
        advocate_id: int,
        token: str,
        channel: str,
        ip_hash: str,
        device: str,
        at: datetime,
        *,
        visitor: str | None = None,
        counted: bool = True,
        limit: ClickLimit | None = None,
    ) -> str:
        """Group-committed: the click is in the database when this returns (storage/group_commit.py)."""
        if self._clicks is None:
            self._clicks = GroupCommit(self._write_clicks)
        click = NewClick(advocate_id, token, channel, ip_hash, device, at, visitor, counted, limit)
        return await self._clicks.submit(click)

    _clicks: GroupCommit[NewClick, str] | None = None

    async def _write_clicks(self, clicks: Sequence[NewClick]) -> list[str]:
        async with self._transaction() as db:
            return await write_clicks(db, clicks, self.zone)

    async def close(self) -> None:
        if self._clicks is not None:
            await self._clicks.close()
            log.info(
                "referral clicks: %d stored in %d group commits",
                self._clicks.items,
                self._clicks.batches,
            )
        await super().close()

    async def record_event(
        self,
        campaign_id: int,
        advocate_id: int | None,
        type: str,
        channel: str | None,
        at: datetime,
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO events (campaign_id, advocate_id, type, channel, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (campaign_id, advocate_id, type, channel, at),
            )
            await db.execute(
                "INSERT INTO event_days (campaign_id, day, type, channel, n) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT (campaign_id, day, type, channel) DO UPDATE SET n = event_days.n + 1",
                (campaign_id, shop_days.local_day(at, self.zone), type, channel or ""),
            )

    async def record_paid_order(
        self,
        message_id: str,
        order: PaidOrder,
        candidate: Candidate | None,
        no_candidate_reason: str,
    ) -> Outcome:
        now = datetime.now(UTC)
        visit = await self.order_visit(order, candidate)  # fraud facts (storage/sql/fraud.py)
        async with self._transaction() as db:
            if not await first_message(db, order.source, message_id, now):
                return Outcome("duplicate", "message_already_processed")
            if order.email_key is not None:
                # A friend's first order and "already referred" are facts about all their
                # orders: their concurrent orders (on any machine) are judged one at a time.
                await db.lock(f"friend:{order.email_key}")
            await db.lock(order_lock(order.source, order.order_id))
            totals = await _order_totals(db, order, candidate)
            sent = Totals(order.total_minor, order.currency)
            subtotal = order_value.share_in(order.subtotal_minor, sent, totals)
            discount = order_value.share_in(order.discount_minor, sent, totals)
            inserted = await db.fetchrow(
                "INSERT INTO orders (source, order_id, email, email_key, total_minor, currency, "
                "status, paid_at, other_total_minor, other_currency, customer_id, "
                "subtotal_minor, discount_minor) VALUES (?, ?, ?, ?, ?, ?, 'paid', ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (source, order_id) DO NOTHING RETURNING id",
                (
                    order.source,
                    order.order_id,
                    order.email,
                    order.email_key,
                    totals.minor,
                    totals.currency,
                    order.paid_at,
                    totals.other_minor,
                    totals.other_currency,
                    order.customer_id,
                    subtotal,
                    discount,
                ),
            )
            if inserted is None:
                return Outcome("duplicate", "order_already_recorded")
            order_pk = inserted[0]
            # The customer's "invite your friends" e-mail (mail/), whatever the order's outcome.
            await plan_invite(db, order, candidate.campaign_id if candidate else None, now)
            # Refunds and chargebacks that came first (storage/sql/refunds.py).
            await apply_pending_adjustments(db, order.source, order.order_id, now)
            if candidate is None:
                return Outcome("ignored", no_candidate_reason)
            campaign_row = await db.fetchrow(
                "SELECT * FROM campaigns WHERE id = ?", (candidate.campaign_id,)
            )
            assert campaign_row is not None
            campaign = campaign_from_row(campaign_row)
            prior = already = None
            if order.email_key is not None:
                prior = await db.fetchrow(
                    "SELECT 1 FROM orders WHERE email_key = ? AND id <> ? LIMIT 1",
                    (order.email_key, order_pk),
                )
                already = await db.fetchrow(
                    "SELECT 1 FROM referrals WHERE campaign_id = ? AND friend_email_key = ?",
                    (campaign.id, order.email_key),
                )
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
                if decision.reason == "self_referral":  # the fraud rules' record names it too
                    await record_decision(
                        db,
                        campaign.id,
                        candidate.advocate_id,
                        order_pk,
                        None,
                        Verdict("refused", ("self_referral",)),
                        now,
                    )
                return Outcome(decision.status, decision.reason)
            # --- Fraud rules (fraud.py): facts gathered here, every verdict kept with its reasons.
            verdict = await judge_referral(
                db, campaign.id, candidate, order, order_pk, visit, self.zone
            )
            if verdict.verdict == "refused":
                await record_decision(
                    db, campaign.id, candidate.advocate_id, order_pk, None, verdict, now
                )
                return Outcome("ignored", verdict.reason)
            # ---
            click_id = None
            if candidate.click_token:
                click = await db.fetchrow(
                    "SELECT id FROM clicks WHERE token = ? AND advocate_id = ?",
                    (candidate.click_token, candidate.advocate_id),
                )
                click_id = click[0] if click else None
            # Money (issue 8): no amount in the campaign's currency, or below its minimum: the
            # referral is kept, without rewards, with the reason.
            unrewarded = order_value.no_reward_reason(
                totals, campaign.currency, campaign.min_order_minor
            )
            # The referral happened when the order was paid.
            referral = await db.fetchrow(
                "INSERT INTO referrals (campaign_id, advocate_id, order_pk, click_id, "
                "friend_email_key, friend_name, via, created_at, no_reward_reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    campaign.id,
                    candidate.advocate_id,
                    order_pk,
                    click_id,
                    order.email_key,
                    order.name,
                    candidate.via,
                    order.paid_at,
                    unrewarded,
                ),
            )
            assert referral is not None
            await record_decision(
                db, campaign.id, candidate.advocate_id, order_pk, referral[0], verdict, now
            )
            if unrewarded is not None:
                return Outcome("recorded", unrewarded, referral_id=referral[0])
            advocate_row = await db.fetchrow(
                "SELECT email FROM advocates WHERE id = ?", (candidate.advocate_id,)
            )
            assert advocate_row is not None and order.email is not None
            due = rewards.approve_after(order.paid_at, campaign.hold_days)
            # An A/B experiment's variant offer, when the advocate was shown one (experiments/).
            offer = await exposed_offer(db, campaign, candidate.advocate_id)
            # Loyalty (loyalty/): the tier's own offer, and no referrer reward past the cap.
            loyal = await standing(
                db, campaign.loyalty, campaign.id, candidate.advocate_id, referral[0]
            )
            mine, theirs = loyal.offer(offer.referrer_reward, offer.friend_reward)
            sides = [("referrer", mine, candidate.advocate_id, advocate_row[0])]
            if not loyal.referrer_reward_due:
                sides = []
            reward_ids = await create_rewards(
                db,
                referral[0],
                (*sides, ("friend", theirs, None, order.email)),
                totals.minor,
                subtotal,
                discount,
                due,
                order,
            )
            facts = await fetch_reward_facts(db, reward_ids[0])
            assert facts is not None
            await enqueue(db, "referral.converted", events.referral_event(facts), order.paid_at)
            await enqueue_reward_events(db, "reward.created", reward_ids, order.paid_at)
            await announce_checkout_fulfilment(db, reward_ids, order)
            settled = await settle_new_rewards(db, order_pk, order.source, now)
            # Milestones reached (or, for an order refunded before it came, not) and the tier.
            await settle_advocate(
                db, campaign.id, candidate.advocate_id, order.paid_at, reached_by=referral[0]
            )
            return Outcome(
                "recorded",
                "held_for_review" if verdict.verdict == "review" else decision.reason,
                referral_id=referral[0],
                revoked=settled.revoked,
                reduced=settled.reduced,
            )

    async def approve_due_rewards(self, now: datetime) -> int:
        """Due rewards of campaigns without a validation callback (those wait for the shop's word)."""
        async with self._transaction() as db:
            # The move first, then its audit rows for exactly the rewards it moved: a concurrent
            # approver on another machine moves none of them twice.
            approved = sorted(
                row[0]
                for row in await db.fetch(
                    "UPDATE rewards SET status = 'approved', approved_at = ? "
                    "WHERE status = 'pending' AND approve_after <= ? AND NOT EXISTS "
                    "(SELECT 1 FROM referrals r JOIN campaigns c ON c.id = r.campaign_id "
                    "WHERE r.id = rewards.referral_id AND c.validation_url IS NOT NULL) "
                    f"AND NOT {UNDER_REVIEW.format('rewards.referral_id')} RETURNING id",
                    (now, now),
                )
            )
            await db.executemany(
                "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
                "VALUES (?, 'pending', 'approved', 'hold period ended', 'scheduler', ?)",
                [(reward_id, now) for reward_id in approved],
            )
            await enqueue_reward_events(db, "reward.approved", approved, now)
            await fulfil_approved(db, approved, "scheduler", now)  # credit, coupons
            return len(approved)
