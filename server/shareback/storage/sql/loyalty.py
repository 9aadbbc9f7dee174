"""Milestones, the cap and tiers in SQL, inside the order's, the refund's or the review's own
transaction: the store counts an advocate's successful referrals under the advocate's lock, the
pure rules (loyalty/milestones.py, loyalty/tiers.py) decide, and this module writes what they say.
Idempotent by construction: a replay or a second process finds the count already settled, and the
unique index milestone_awards_live refuses a second live award of one milestone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shareback import fulfilment, rewards
from shareback.loyalty import milestones, plan, tiers
from shareback.loyalty.plan import LoyaltyPlan
from shareback.outgoing import events
from shareback.rewards import RewardSpec
from shareback.storage.database import Connection, Row, db_int, db_time, from_db_time
from shareback.storage.records import LoyaltyStanding, MilestoneAward
from shareback.storage.sql.advocate_rows import advocate_from_row
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.clawbacks import claw_back_reward
from shareback.storage.sql.mail_plan import plan_tier_mail
from shareback.storage.sql.outbox import enqueue, enqueue_reward_events

# A successful referral: rewarded (not below the minimum, not in another currency), its order not
# wholly refunded or charged back, and not rejected by the fraud review.
# The condition on `r` (referrals) joined to `o` (its order); contests count by it too.
SUCCESSFUL_REFERRAL = (
    "r.no_reward_reason IS NULL AND o.status <> 'refunded' AND NOT EXISTS "
    "(SELECT 1 FROM fraud_decisions d WHERE d.referral_id = r.id AND d.review_verdict = 'rejected')"
)
SUCCESSFUL = (
    "FROM referrals r JOIN orders o ON o.id = r.order_pk "
    f"WHERE r.campaign_id = ? AND r.advocate_id = ? AND {SUCCESSFUL_REFERRAL}"
)


LOSSES = ("refund", "partial_refund", "chargeback")  # the reasons a clawback may give


def loyalty_lock(advocate_id: int) -> str:
    """Taken after the order's and the friend's locks, never before: one order of locks."""
    return f"loyalty:{advocate_id}"


async def measures(
    db: Connection, campaign_id: int, advocate_id: int, leaving_out: int = 0
) -> tuple[int, int]:
    """Successful referrals, and what those friends spent net of refunds (minor units)."""
    row = await db.fetchrow(
        "SELECT COUNT(*), COALESCE(SUM(o.total_minor - COALESCE(o.refunded_minor, 0)), 0) "
        f"{SUCCESSFUL} AND r.id <> ?",
        (campaign_id, advocate_id, leaving_out),
    )
    assert row is not None
    return db_int(row[0]), db_int(row[1])


@dataclass(frozen=True)
class Standing:
    """What a new referral's rewards depend on, read under the advocate's lock."""

    plan: LoyaltyPlan
    friends_before: int
    tier: str | None

    @property
    def referrer_reward_due(self) -> bool:
        return milestones.referrer_reward_due(self.friends_before, self.plan.cap)

    def offer(self, referrer: RewardSpec, friend: RewardSpec) -> tuple[RewardSpec, RewardSpec]:
        """The advocate's tier's own offer where it has one (over the campaign's or an
        experiment variant's)."""
        mine, theirs = plan.offers(self.plan, self.tier)
        return mine or referrer, theirs or friend


async def standing(
    db: Connection, loyalty: LoyaltyPlan, campaign_id: int, advocate_id: int, referral_id: int
) -> Standing:
    await db.lock(loyalty_lock(advocate_id))
    friends, _ = await measures(db, campaign_id, advocate_id, leaving_out=referral_id)
    tier = await db.fetchrow("SELECT tier FROM advocates WHERE id = ?", (advocate_id,))
    return Standing(loyalty, friends, None if tier is None else tier[0])


async def settle_order(db: Connection, order_pk: int, reason: str, at: datetime) -> None:
    """After a refund, a chargeback or a partial refund of this order: its advocate's milestones
    and tier recomputed (a lower count withdraws, never awards)."""
    rows = await db.fetch(
        "SELECT DISTINCT campaign_id, advocate_id FROM referrals WHERE order_pk = ? "
        "ORDER BY advocate_id",
        (order_pk,),
    )
    for row in rows:
        await settle_advocate(db, row[0], row[1], at, reason=reason)


async def settle_advocate(
    db: Connection,
    campaign_id: int,
    advocate_id: int,
    at: datetime,
    *,
    reached_by: int | None = None,
    reason: str = "refund",
) -> None:
    """The advocate's milestones and tier made to match their count. `reached_by` is the referral
    just recorded (the one a new milestone is booked on); without it nothing is awarded."""
    await db.lock(loyalty_lock(advocate_id))
    found = await db.fetchrow(
        "SELECT c.slug, c.loyalty, c.currency, c.hold_days, a.* FROM advocates a "
        "JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = ? AND c.id = ?",
        (advocate_id, campaign_id),
    )
    if found is None:
        return
    loyalty = plan.from_json(found["loyalty"], found["currency"])
    friends, spend = await measures(db, campaign_id, advocate_id)
    held = {
        db_int(row["friends"]): row
        for row in await db.fetch(
            "SELECT id, friends, reward_id FROM milestone_awards "
            "WHERE advocate_id = ? AND withdrawn_at IS NULL",
            (advocate_id,),
        )
    }
    decision = milestones.settle(loyalty.milestones, friends, held)
    for n in decision.withdraw:
        await _withdraw(db, held[n], reason, at)
    if reached_by is not None:
        for milestone in decision.award:
            await _award(db, found, milestone, reached_by, at)
    if loyalty.tiers:
        measure = friends if loyalty.basis == plan.BY_REFERRALS else spend
        change = tiers.decide(loyalty.tiers, measure, found["tier"], loyalty.demotion)
        if change is not None:
            await _change_tier(db, found, change, friends, at)


async def _award(
    db: Connection, advocate: Row, milestone: plan.Milestone, referral_id: int, at: datetime
) -> None:
    spec = milestone.reward
    approve_after = rewards.approve_after(at, advocate["hold_days"])
    reward = await db.fetchrow(
        "INSERT INTO rewards (referral_id, side, advocate_id, email, type, value, currency, "
        "amount_minor, status, approve_after, created_at, fulfilment, kind) "
        "VALUES (?, 'referrer', ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, 'milestone') RETURNING id",
        (
            referral_id,
            advocate["id"],
            advocate["email"],
            spec.type,
            spec.value,
            spec.currency,
            spec.cost_minor(0),  # a milestone is a fixed amount (plan.MILESTONE_TYPES) or none
            approve_after,
            at,
            fulfilment.method("referrer", spec.type),
        ),
    )
    assert reward is not None
    awarded = await db.fetchrow(
        "INSERT INTO milestone_awards (campaign_id, advocate_id, friends, referral_id, "
        "reward_id, awarded_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (advocate_id, friends) WHERE withdrawn_at IS NULL DO NOTHING RETURNING id",
        (advocate["campaign_id"], advocate["id"], milestone.friends, referral_id, reward[0], at),
    )
    if awarded is None:  # held already: the reward just written was never anyone's
        await db.execute("DELETE FROM rewards WHERE id = ?", (reward[0],))
        return
    await enqueue_reward_events(db, "reward.created", [reward[0]], at)


async def _withdraw(db: Connection, award: Row, reason: str, at: datetime) -> None:
    """A milestone no longer reached: its reward revoked while pending, else clawed back once."""
    reward_id = award["reward_id"]
    revoked = await db.fetchrow(
        "UPDATE rewards SET status = 'revoked', revoked_at = ?, revoke_reason = ? "
        "WHERE id = ? AND status = 'pending' RETURNING id",
        (at, reason, reward_id),
    )
    how = "revoked"
    if revoked is not None:
        await db.execute(
            "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) "
            "VALUES (?, 'pending', 'revoked', ?, 'shareback', ?)",
            (reward_id, f"milestone no longer reached ({reason})", at),
        )
        await enqueue_reward_events(db, "reward.revoked", [reward_id], at)
    elif await claw_back_reward(db, reward_id, reason if reason in LOSSES else "refund", at):
        how = "clawed_back"
    await db.execute(
        "UPDATE milestone_awards SET withdrawn_at = ?, withdrawn_reason = ? "
        "WHERE id = ? AND withdrawn_at IS NULL",
        (at, how, award["id"]),
    )


async def _change_tier(
    db: Connection, advocate: Row, change: tiers.TierChange, friends: int, at: datetime
) -> None:
    key = None if change.after is None else change.after.key
    await db.execute(
        "UPDATE advocates SET tier = ?, tier_changed_at = ? WHERE id = ?",
        (key, at, advocate["id"]),
    )
    data = events.tier_changed_event(
        advocate["slug"],
        advocate_from_row(advocate),
        change.before,
        change.after,
        change.direction,
        friends,
        at,
    )
    await enqueue(db, "advocate.tier_changed", data, at)
    after = None if change.after is None else (change.after.key, change.after.name)
    before = None if change.before is None else change.before.name
    await plan_tier_mail(db, advocate, after, before, change.direction, at)


def _award_from_row(row: Row) -> MilestoneAward:
    return MilestoneAward(
        friends=db_int(row["friends"]),
        reward_id=row["reward_id"],
        referral_id=row["referral_id"],
        awarded_at=db_time(row["awarded_at"]),
        withdrawn_at=from_db_time(row["withdrawn_at"]),
        withdrawn_reason=row["withdrawn_reason"],
        reward_status=row["status"],
        reward_type=row["type"],
        reward_value=row["value"],
        currency=row["currency"],
    )


class LoyaltyQueries(SqlBase):
    async def loyalty_standing(self, advocate_id: int) -> LoyaltyStanding | None:
        """An advocate's count, spend, tier and every milestone award (withdrawn ones too)."""
        advocate = await self._one(
            "SELECT campaign_id, tier, tier_changed_at FROM advocates WHERE id = ?", (advocate_id,)
        )
        if advocate is None:
            return None
        counted = await self._one(
            "SELECT COUNT(*), COALESCE(SUM(o.total_minor - COALESCE(o.refunded_minor, 0)), 0) "
            f"{SUCCESSFUL}",
            (advocate["campaign_id"], advocate_id),
        )
        assert counted is not None
        friends, spend = db_int(counted[0]), db_int(counted[1])
        rows = await self._all(
            "SELECT m.*, w.status, w.type, w.value, w.currency FROM milestone_awards m "
            "JOIN rewards w ON w.id = m.reward_id WHERE m.advocate_id = ? ORDER BY m.id",
            (advocate_id,),
        )
        return LoyaltyStanding(
            campaign_id=advocate["campaign_id"],
            friends_converted=friends,
            spend_minor=spend,
            tier=advocate["tier"],
            tier_changed_at=from_db_time(advocate["tier_changed_at"]),
            milestones=tuple(_award_from_row(row) for row in rows),
        )
