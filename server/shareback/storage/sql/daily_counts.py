"""The counts per shop day behind the owner's numbers beyond clicks and events (migration 0033):
sharing advocates, advocates joined, and the days of orders and referrals that the migration's
triggers count conversions, revenue, rewards and the shop's orders by. Written inside the
transactions that write the rows, and recounted from the raw rows when the days move (a new
SHAREBACK_TIMEZONE, `shareback db rebuild-rollups`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from shareback import shop_days
from shareback.storage.database import Connection, db_day, db_time

# sharer_day_counts.previous_day of an advocate's first day with a share: before every day.
NO_EARLIER_DAY = date(1, 1, 1)
ZONE = "daily_counts_zone"
# Counted by the migration's triggers from the rows below them: a copy clears what its own
# inserts counted and takes the source's counts as they are (storage/copy.py).
TRIGGER_COUNTED = (
    "order_days",
    "referral_days",
    "cohort_days",
    "reward_days",
    "advocate_referral_days",
)
DERIVED = (
    "sharer_days",
    "sharer_day_counts",
    "advocate_join_days",
    "shop_day_of_order",
    "shop_day_of_referral",
    *TRIGGER_COUNTED,
)

_ADD_SHARERS = (
    "INSERT INTO sharer_day_counts (campaign_id, day, previous_day, n) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (campaign_id, day, previous_day) DO UPDATE SET n = sharer_day_counts.n + excluded.n"
)


async def count_share_day(db: Connection, campaign_id: int, advocate_id: int, day: date) -> None:
    """An advocate's share on a shop day. The sharers of days d1..d2 are the (advocate, day)
    pairs in the range whose previous day with a share is before d1: each advocate once, on
    their first day in the range. So each pair is counted under its previous day, and a day that
    arrives before a later one already kept (a late event) becomes that one's previous day."""
    added = await db.fetchrow(
        "INSERT INTO sharer_days (campaign_id, advocate_id, day) VALUES (?, ?, ?) "
        "ON CONFLICT (campaign_id, advocate_id, day) DO NOTHING RETURNING day",
        (campaign_id, advocate_id, day),
    )
    if added is None:
        return  # the advocate already shared that day: nothing changes
    # Taken after the insert: whoever takes it second reads the other's day once it is committed
    # (each statement sees what was committed before it), so two new days of one advocate in
    # concurrent transactions link up whichever commits first.
    await db.lock(f"sharer:{campaign_id}:{advocate_id}")
    around = await db.fetchrow(
        "SELECT (SELECT MAX(day) FROM sharer_days WHERE campaign_id = ? AND advocate_id = ? "
        "AND day < ?), (SELECT MIN(day) FROM sharer_days WHERE campaign_id = ? AND advocate_id = ? "
        "AND day > ?)",
        (campaign_id, advocate_id, day, campaign_id, advocate_id, day),
    )
    assert around is not None
    previous = NO_EARLIER_DAY if around[0] is None else db_day(around[0])
    await db.execute(_ADD_SHARERS, (campaign_id, day, previous, 1))
    if around[1] is not None:  # the later day's previous day is this one now
        later = db_day(around[1])
        await db.execute(_ADD_SHARERS, (campaign_id, later, previous, -1))
        await db.execute(_ADD_SHARERS, (campaign_id, later, day, 1))


async def count_new_advocate(db: Connection, campaign_id: int, day: date) -> None:
    await db.execute(
        "INSERT INTO advocate_join_days (campaign_id, day, n) VALUES (?, ?, 1) "
        "ON CONFLICT (campaign_id, day) DO UPDATE SET n = advocate_join_days.n + 1",
        (campaign_id, day),
    )


@dataclass
class KeptDays:
    """The shop days of an order and its referral, written at the end of the order's transaction:
    the triggers then count them as they are by then (refunds that came first, rewards, their
    settling), and on PostgreSQL the day's counts are locked only from there to the commit. A
    change before they are written is skipped by the triggers: the insert counts the end state."""

    order: tuple[int, date] | None = None  # (order pk, day)
    referral: tuple[int, int, date] | None = None  # (referral id, campaign id, day)

    async def write(self, db: Connection, zone: tzinfo) -> None:
        if self.order is not None:
            await db.execute(
                "INSERT INTO shop_day_of_order (order_pk, day) VALUES (?, ?)", self.order
            )
        if self.referral is not None:
            referral_id, campaign_id, day = self.referral
            joined = await db.fetchrow(
                "SELECT a.created_at FROM referrals r JOIN advocates a ON a.id = r.advocate_id "
                "WHERE r.id = ?",
                (referral_id,),
            )
            assert joined is not None
            await db.execute(
                "INSERT INTO shop_day_of_referral (referral_id, campaign_id, day, advocate_day) "
                "VALUES (?, ?, ?, ?)",
                (referral_id, campaign_id, day, shop_days.local_day(db_time(joined[0]), zone)),
            )


async def _span(db: Connection, sql: str) -> tuple[datetime, datetime]:
    row = await db.fetchrow(sql)
    now = datetime.now(shop_days.UTC_ZONE)
    if row is None or row[0] is None:
        return now, now + timedelta(seconds=1)
    return db_time(row[0]), db_time(row[1]) + timedelta(seconds=1)


async def rebuild_daily_counts(db: Connection, zone: tzinfo) -> None:
    """Every count of this module recounted in `zone` from the raw rows, which retention never
    deletes (events, advocates, orders, referrals, rewards). The days of orders and referrals are
    written again and the triggers count them, as they count a new order's: one way to count."""
    for table in reversed(DERIVED):
        await db.execute(f"DELETE FROM {table}")
    dialect = db.dialect

    def day_of(column: str, span: tuple[datetime, datetime]) -> str:
        return dialect.shop_day(column, shop_days.stretches(*span, zone))

    orders = await _span(db, "SELECT MIN(paid_at), MAX(paid_at) FROM orders")
    await db.execute(
        "INSERT INTO shop_day_of_order (order_pk, day) "
        f"SELECT id, {day_of('paid_at', orders)} FROM orders"
    )
    referrals = await _span(db, "SELECT MIN(created_at), MAX(created_at) FROM referrals")
    advocates = await _span(db, "SELECT MIN(created_at), MAX(created_at) FROM advocates")
    await db.execute(
        "INSERT INTO shop_day_of_referral (referral_id, campaign_id, day, advocate_day) "
        f"SELECT r.id, r.campaign_id, {day_of('r.created_at', referrals)}, "
        f"{day_of('a.created_at', advocates)} FROM referrals r JOIN advocates a ON a.id = r.advocate_id"
    )
    await db.execute(
        "INSERT INTO advocate_join_days (campaign_id, day, n) "
        f"SELECT campaign_id, {day_of('created_at', advocates)}, COUNT(*) FROM advocates "
        "GROUP BY 1, 2"
    )
    events = await _span(db, "SELECT MIN(created_at), MAX(created_at) FROM events")
    await db.execute(
        "INSERT INTO sharer_days (campaign_id, advocate_id, day) "
        f"SELECT DISTINCT campaign_id, advocate_id, {day_of('created_at', events)} FROM events "
        "WHERE type <> 'open' AND advocate_id IS NOT NULL AND campaign_id IS NOT NULL"
    )
    await db.execute(
        "INSERT INTO sharer_day_counts (campaign_id, day, previous_day, n) "
        "SELECT campaign_id, day, previous_day, COUNT(*) FROM ("
        "SELECT campaign_id, day, COALESCE(LAG(day) OVER (PARTITION BY campaign_id, advocate_id "
        "ORDER BY day), ?) AS previous_day FROM sharer_days) AS shared GROUP BY 1, 2, 3",
        (NO_EARLIER_DAY,),
    )
    await db.execute(
        "INSERT INTO store_meta (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (ZONE, shop_days.zone_name(zone)),
    )
