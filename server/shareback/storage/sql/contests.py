"""Contests in SQL: the contest, its entries counted from the referrals themselves (no second
tally to drift), and its settlement: each prize an ordinary referrer reward of kind 'prize', given
once per place (contest_prizes' unique place), whichever process settles first."""

from __future__ import annotations

from datetime import datetime

from shareback import contests, fulfilment
from shareback.contests import Entry
from shareback.storage.contest_records import (
    AwardedPrize,
    Contest,
    ContestEntries,
    NewContest,
)
from shareback.storage.database import Connection, Row, db_int, db_time, from_db_time
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.loyalty import SUCCESSFUL_REFERRAL
from shareback.storage.sql.outbox import enqueue_reward_events

SELECT = (
    "SELECT x.*, c.slug AS campaign_slug FROM contests x JOIN campaigns c ON c.id = x.campaign_id"
)
# A successful friend, as milestones and tiers count them (storage/sql/loyalty.py), inside the
# contest's window.
ENTRIES = (
    "SELECT r.advocate_id, COUNT(*) AS friends, MAX(r.created_at) AS reached_at, "
    "MAX(r.id) AS last_referral, a.name, a.nickname "
    "FROM referrals r JOIN orders o ON o.id = r.order_pk JOIN advocates a ON a.id = r.advocate_id "
    "WHERE r.campaign_id = ? AND r.created_at >= ? AND r.created_at < ? "
    f"AND {SUCCESSFUL_REFERRAL} "
    "GROUP BY r.advocate_id, a.name, a.nickname"
)


def contest_lock(contest_id: int) -> str:
    return f"contest:{contest_id}"


def _contest(row: Row) -> Contest:
    return Contest(
        id=db_int(row["id"]),
        campaign_id=db_int(row["campaign_id"]),
        campaign_slug=row["campaign_slug"],
        name=row["name"],
        starts_at=db_time(row["starts_at"]),
        ends_at=db_time(row["ends_at"]),
        prizes=contests.prizes_from_json(row["prizes"]),
        created_by=row["created_by"],
        created_at=db_time(row["created_at"]),
        cancelled_at=from_db_time(row["cancelled_at"]),
        settled_at=from_db_time(row["settled_at"]),
    )


def _entry(row: Row) -> Entry:
    return Entry(
        advocate_id=db_int(row["advocate_id"]),
        friends=db_int(row["friends"]),
        reached_at=db_time(row["reached_at"]),
        name=row["name"],
        nickname=row["nickname"],
    )


async def _entries(db: Connection, contest: Contest) -> list[Row]:
    return await db.fetch(ENTRIES, (contest.campaign_id, contest.starts_at, contest.ends_at))


async def _awarded(db: Connection, contest_id: int) -> tuple[AwardedPrize, ...]:
    rows = await db.fetch(
        "SELECT p.rank, p.advocate_id, p.reward_id, p.awarded_at, w.status FROM contest_prizes p "
        "JOIN rewards w ON w.id = p.reward_id WHERE p.contest_id = ? ORDER BY p.rank",
        (contest_id,),
    )
    return tuple(
        AwardedPrize(
            rank=db_int(row["rank"]),
            advocate_id=db_int(row["advocate_id"]),
            reward_id=db_int(row["reward_id"]),
            reward_status=row["status"],
            awarded_at=db_time(row["awarded_at"]),
        )
        for row in rows
    )


async def _settle(db: Connection, contest: Contest, at: datetime) -> list[int]:
    """Gives each place its prize once and marks the contest settled; the rewards made."""
    await db.lock(contest_lock(contest.id))
    still = await db.fetchrow(
        "SELECT 1 FROM contests WHERE id = ? AND settled_at IS NULL AND cancelled_at IS NULL",
        (contest.id,),
    )
    if still is None:  # another process settled it (or the owner cancelled it) meanwhile
        return []
    rows = await _entries(db, contest)
    last = {db_int(row["advocate_id"]): db_int(row["last_referral"]) for row in rows}
    standings = contests.rank([_entry(row) for row in rows])
    made: list[int] = []
    for prize, winner in contests.winners(standings, contest.prizes):
        advocate = await db.fetchrow(
            "SELECT id, email FROM advocates WHERE id = ?", (winner.advocate_id,)
        )
        assert advocate is not None
        spec = prize.reward
        # Booked on the winner's last counted friend: every reward belongs to a referral, and the
        # hold period has passed (contests.settles_at), so it is approved on the next round.
        reward = await db.fetchrow(
            "INSERT INTO rewards (referral_id, side, advocate_id, email, type, value, currency, "
            "amount_minor, status, approve_after, created_at, fulfilment, kind) "
            "VALUES (?, 'referrer', ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, 'prize') RETURNING id",
            (
                last[winner.advocate_id],
                advocate["id"],
                advocate["email"],
                spec.type,
                spec.value,
                spec.currency,
                spec.cost_minor(0),
                at,
                at,
                fulfilment.method("referrer", spec.type),
            ),
        )
        assert reward is not None
        given = await db.fetchrow(
            "INSERT INTO contest_prizes (contest_id, rank, advocate_id, reward_id, awarded_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (contest_id, rank) DO NOTHING RETURNING reward_id",
            (contest.id, prize.rank, winner.advocate_id, reward[0], at),
        )
        if given is None:  # the place has its prize already: this reward was never anyone's
            await db.execute("DELETE FROM rewards WHERE id = ?", (reward[0],))
            continue
        made.append(db_int(reward[0]))
    await db.execute("UPDATE contests SET settled_at = ? WHERE id = ?", (at, contest.id))
    if made:
        await enqueue_reward_events(db, "reward.created", made, at)
    return made


class ContestQueries(SqlBase):
    async def create_contest(self, new: NewContest, hold_days: int) -> Contest:
        plan = new.plan
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO contests (campaign_id, name, starts_at, ends_at, settles_at, prizes, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    new.campaign_id,
                    plan.name,
                    plan.starts_at,
                    plan.ends_at,
                    contests.settles_at(plan.ends_at, hold_days),
                    contests.prizes_to_json(plan.prizes),
                    new.actor,
                    new.at,
                ),
            )
            assert row is not None
            found = await db.fetchrow(f"{SELECT} WHERE x.id = ?", (row[0],))
        assert found is not None
        return _contest(found)

    async def contest(self, contest_id: int) -> Contest | None:
        row = await self._one(f"{SELECT} WHERE x.id = ?", (contest_id,))
        return None if row is None else _contest(row)

    async def contests(self, campaign_id: int) -> list[Contest]:
        rows = await self._all(
            f"{SELECT} WHERE x.campaign_id = ? ORDER BY x.starts_at DESC, x.id DESC", (campaign_id,)
        )
        return [_contest(row) for row in rows]

    async def current_contest(self, campaign_id: int, at: datetime) -> Contest | None:
        """The latest contest that has started and is not cancelled: running now, or ended (its
        final standings). Whether shoppers still see it is contests.shown_to_shoppers' rule."""
        row = await self._one(
            f"{SELECT} WHERE x.campaign_id = ? AND x.cancelled_at IS NULL AND x.starts_at <= ? "
            "ORDER BY x.ends_at DESC, x.id DESC LIMIT 1",
            (campaign_id, at),
        )
        return None if row is None else _contest(row)

    async def cancel_contest(self, contest_id: int, at: datetime) -> Contest | None:
        """Only a contest not yet settled; None when it is settled (or unknown)."""
        async with self._transaction() as db:
            await db.lock(contest_lock(contest_id))
            await db.execute(
                "UPDATE contests SET cancelled_at = ? "
                "WHERE id = ? AND settled_at IS NULL AND cancelled_at IS NULL",
                (at, contest_id),
            )
            row = await db.fetchrow(f"{SELECT} WHERE x.id = ?", (contest_id,))
        if row is None or row["settled_at"] is not None:
            return None
        return _contest(row)

    async def contest_entries(self, contest: Contest) -> ContestEntries:
        async with self._db.reading() as db:
            rows = await _entries(db, contest)
            awarded = await _awarded(db, contest.id)
        return ContestEntries(tuple(_entry(row) for row in rows), awarded)

    async def settle_due_contests(self, now: datetime) -> list[int]:
        """Every contest past its settling time gets its prizes; the rewards made (none when
        another process got there first)."""
        due = await self._all(
            f"{SELECT} WHERE x.settled_at IS NULL AND x.cancelled_at IS NULL "
            "AND x.settles_at <= ? ORDER BY x.id",
            (now,),
        )
        made: list[int] = []
        for row in due:
            async with self._transaction() as db:
                made += await _settle(db, _contest(row), now)
        return made

    async def advocate_nickname(self, advocate_id: int) -> str | None:
        row = await self._one("SELECT nickname FROM advocates WHERE id = ?", (advocate_id,))
        return None if row is None else row["nickname"]

    async def set_nickname(self, advocate_id: int, nickname: str | None) -> bool:
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE advocates SET nickname = ? WHERE id = ?", (nickname, advocate_id)
            )
        self.clear_lookups()
        return changed > 0
