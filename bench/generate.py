"""A grown shop, written fast into either database: up to 10 million clicks, 1 million advocates,
500,000 orders (issue 9's growth target), as raw rows the way the app writes them.

    python bench/generate.py sqlite:////tmp/sb-10m.db --clicks 10000000 --advocates 1000000 --orders 500000
    python bench/generate.py postgresql://postgres@127.0.0.1:5432/sb_10m --clicks 10000000 ...

The database is made by the real code (migrations and bootstrap: secrets, the default
campaign), then filled table by table: every index but the primary key is dropped first and
made again from its own definition afterwards (one sorted build instead of millions of random
inserts), SQLite with its journal off and `synchronous=OFF` for the fill (the app reopens the file
with its own pragmas), PostgreSQL through `COPY` (asyncpg's copy_records_to_table). The daily
rollups (click_days, event_days, visit_days, advocate_click_days) are then filled by the store's
own verb, `Store.rebuild_rollups` (`shareback db rebuild-rollups`), so they are what the app
would have kept. PostgreSQL is ANALYZEd afterwards (its autovacuum would do the same soon after
such a load); SQLite is not (the app never runs ANALYZE).

The shape is bench/scale_data.py's (a Dutch web shop over the last 90 days, growing, WhatsApp
first, a few advocates doing most of the sharing, 5 % link-preview bots, repeat addresses, a fifth
of the orders referred, two rewards each), generated in time order without holding the tables in
memory: clicks are drawn as a stream of moments, each from an advocate who had joined by then
(half of them from those who joined in the week before, weighted by how active they are).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import hashlib
import math
import random
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))

from shareback.bootstrap import bootstrap  # noqa: E402
from shareback.codes import ALPHABET  # noqa: E402
from shareback.settings import Settings  # noqa: E402
from shareback.storage import open_store  # noqa: E402

DAYS = 90
DAY = 86_400
CHUNK = 200_000
HOLD_DAYS = 14
REFERRED_SHARE = 0.20
REFUNDED_SHARE = 0.04
BOT_SHARE = 0.05
RECENT = 7 * DAY  # half the clicks come from advocates who joined in the week before

CLICK_CHANNELS = {
    "whatsapp": 55, "facebook": 10, "email": 8, "copy": 7, "link": 6, "native": 4,
    "messenger": 3, "sms": 2, "x": 2, "linkedin": 1, "telegram": 1, "qr": 1,
}  # fmt: skip
SHARE_CHANNELS = {
    "whatsapp": 60, "facebook": 11, "email": 10, "messenger": 5, "sms": 4,
    "x": 3, "linkedin": 3, "telegram": 4,
}  # fmt: skip
SHARE_TYPES = {"share": 80, "copy": 12, "native": 6, "qr": 2}
DEVICES = {"mobile": 68, "desktop": 24, "tablet": 8}
HOURS = [2, 1, 1, 1, 1, 2, 4, 6, 7, 7, 7, 7, 7, 7, 7, 8, 9, 11, 13, 14, 12, 8, 5, 3]  # UTC
FIRST_NAMES = (
    "Anna", "Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie", "Levi", "Tess", "Finn", "Mila",
    "Noah", "Sara", "Bram", "Eva", "Luuk", "Lisa", "Thijs", "Fleur", "Jesse", "Noor", "Milan",
)  # fmt: skip
LAST_NAMES = ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer")


@dataclass(frozen=True)
class Shape:
    clicks: int
    advocates: int
    orders: int

    @property
    def opens(self) -> int:  # widget opens: most shoppers look, fewer share
        return self.clicks * 3 // 5

    @property
    def shares(self) -> int:  # one WhatsApp share brings about four clicks
        return self.clicks // 4


# --- time --------------------------------------------------------------------------------------


class Clock:
    """Offsets (seconds) into the 90 days before `end`: more as the shop grows, at weekends and
    in the evenings."""

    def __init__(self, end: datetime, rng: random.Random) -> None:
        self.start = end - timedelta(days=DAYS)
        self.rng = rng
        midnight = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        self.skew = (self.start - midnight).total_seconds()
        first = self.start.date()
        weights = [
            (1 + 1.5 * n / DAYS) * (1.3 if (first + timedelta(days=n)).weekday() >= 5 else 1.0)
            for n in range(DAYS + 1)
        ]
        self.day_weights = list(accumulate(weights))
        self.hour_weights = list(accumulate(HOURS))

    def sorted_offsets(self, k: int) -> list[float]:
        days = self.rng.choices(range(DAYS + 1), cum_weights=self.day_weights, k=k)
        hours = self.rng.choices(range(24), cum_weights=self.hour_weights, k=k)
        rnd = self.rng.random
        top = DAYS * DAY - 1.0
        offsets = [
            min(max(d * DAY + h * 3600 + rnd() * 3600 - self.skew, 0.0), top)
            for d, h in zip(days, hours, strict=True)
        ]
        offsets.sort()
        return offsets


class Times:
    """The stored form of an offset on either database: UTC text for SQLite (to_db_time's
    format, written out without datetime for speed), an aware datetime for PostgreSQL."""

    def __init__(self, start: datetime, sqlite: bool) -> None:
        self.start = start
        self.start_ts = start.timestamp()
        self.sqlite = sqlite
        first = start.date()
        self.first_day = int(self.start_ts) // DAY
        self.day_text = [(first + timedelta(days=n)).isoformat() for n in range(DAYS + 3)]

    def __call__(self, offset: float) -> Any:
        moment = self.start_ts + offset
        if not self.sqlite:
            return datetime.fromtimestamp(moment, UTC)
        whole = int(moment)
        day, rest = divmod(whole, DAY)
        micro = int((moment - whole) * 1_000_000)
        hh, rest = divmod(rest, 3600)
        mm, ss = divmod(rest, 60)
        return f"{self.day_text[day - self.first_day]} {hh:02d}:{mm:02d}:{ss:02d}.{micro:06d}"


def weighted(options: dict[str, int], k: int, rng: random.Random) -> list[str]:
    return rng.choices(list(options), weights=list(options.values()), k=k)


def hash_of(prefix: str, n: int) -> str:
    """A stand-in for visitors.ip_hash: 32 hex characters."""
    return hashlib.blake2b(f"{prefix}{n}".encode(), digest_size=16).hexdigest()


# --- the people --------------------------------------------------------------------------------


@dataclass
class People:
    joined: list[float]  # each advocate's join offset, in id order (ids 1..n, sorted by time)
    activity_sum: list[float]  # running sum of how much each shares (a third ever do)
    emails: list[str]


def code_of(first: str, n: int) -> str:
    """Unique without a look-up: n scrambled over 31^6 codes (the multiplier is prime to it)."""
    space = len(ALPHABET) ** 6
    x = (n * 387_420_489 + 12_345) % space
    digits = []
    for _ in range(6):
        x, d = divmod(x, len(ALPHABET))
        digits.append(ALPHABET[d])
    return f"{first.upper()}-{''.join(digits)}"


def advocates(
    clock: Clock, times: Times, campaign_id: int, shape: Shape, rng: random.Random
) -> tuple[People, Iterator[tuple[Any, ...]]]:
    joined = clock.sorted_offsets(shape.advocates)
    activity = [rng.paretovariate(1.2) if rng.random() < 0.35 else 0.0 for _ in joined]
    names = [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in joined]
    emails = [
        f"{first}.{last.replace(' ', '')}{n}@example.nl".lower()
        for n, (first, last) in enumerate(names, start=1)
    ]
    people = People(joined, list(accumulate(activity)), emails)

    def rows() -> Iterator[tuple[Any, ...]]:
        for n, (offset, (first, last)) in enumerate(zip(joined, names, strict=True), start=1):
            email = emails[n - 1]
            verified = rng.random() < 0.6
            yield (
                n, campaign_id, email, email, f"{first} {last}", code_of(first, n),
                int(verified) if times.sqlite else verified, times(offset),
            )  # fmt: skip

    return people, rows()


def pick(people: People, offset: float, rng: random.Random) -> int:
    """An advocate (index) who had joined by `offset`, by activity; half the time one who joined
    in the week before."""
    joined = people.joined
    upto = bisect.bisect_right(joined, offset)
    if upto == 0:
        return 0
    since = bisect.bisect_left(joined, offset - RECENT) if rng.random() < 0.5 else 0
    low = people.activity_sum[since - 1] if since else 0.0
    high = people.activity_sum[upto - 1]
    if high <= low:
        return rng.randrange(since, upto)
    return min(bisect.bisect_left(people.activity_sum, low + rng.random() * (high - low)), upto - 1)


# --- clicks, events, orders --------------------------------------------------------------------


@dataclass
class Clicked:
    """What the orders need of the human clicks: a sample of (click id, offset, advocate id)."""

    sample: list[tuple[int, float, int]]


def clicks(
    clock: Clock, times: Times, campaign_id: int, shape: Shape, people: People, rng: random.Random
) -> tuple[Clicked, Iterator[tuple[Any, ...]]]:
    clicked = Clicked([])
    wanted = max(1, int(shape.orders * REFERRED_SHARE))  # enough clicks for every referral

    def rows() -> Iterator[tuple[Any, ...]]:
        pool = max(1, int(shape.clicks * 0.4))  # repeat addresses: ~0.4 visitors a click
        humans_seen = 0
        n = 0
        moments = clock.sorted_offsets(shape.clicks)  # 8 bytes and a float object each
        for start in range(0, shape.clicks, CHUNK):
            offsets = moments[start : start + CHUNK]
            k = len(offsets)
            channels = weighted(CLICK_CHANNELS, k, rng)
            devices = weighted(DEVICES, k, rng)
            for i, offset in enumerate(offsets):
                n += 1
                advocate = pick(people, offset, rng) + 1
                token = base64.urlsafe_b64encode(n.to_bytes(5, "big") + rng.randbytes(1)).decode()
                if rng.random() < BOT_SHARE:
                    device, ip, visitor = "bot", hash_of("bot", rng.randrange(300)), None
                else:
                    device = devices[i]
                    ip = hash_of("ip", int(pool * rng.random() ** 1.8))
                    visitor = hash_of(ip, rng.randrange(3))  # the address and its browser
                    humans_seen += 1
                    # Reservoir sample of the human clicks (orders come from them).
                    if len(clicked.sample) < wanted:
                        clicked.sample.append((n, offset, advocate))
                    elif rng.random() * humans_seen < wanted:
                        clicked.sample[rng.randrange(wanted)] = (n, offset, advocate)
                yield (
                    n, advocate, campaign_id, token, channels[i], ip, device, times(offset),
                    visitor,
                )  # fmt: skip

    return clicked, rows()


def events(
    clock: Clock, times: Times, campaign_id: int, shape: Shape, people: People, rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    total = shape.opens + shape.shares
    n = 0
    moments = clock.sorted_offsets(total)
    for start in range(0, total, CHUNK):
        offsets = moments[start : start + CHUNK]
        k = len(offsets)
        kinds = weighted(SHARE_TYPES, k, rng)
        channels = weighted(SHARE_CHANNELS, k, rng)
        for i, offset in enumerate(offsets):
            n += 1
            if rng.random() * total < shape.opens:  # a widget open, half signed in
                who = pick(people, offset, rng) + 1 if rng.random() < 0.5 else None
                yield (n, campaign_id, who, "open", None, times(offset))
            else:
                kind = kinds[i]
                who = pick(people, offset, rng) + 1
                channel = channels[i] if kind == "share" else None
                yield (n, campaign_id, who, kind, channel, times(offset))


def orders(
    clock: Clock,
    times: Times,
    campaign_id: int,
    shape: Shape,
    people: People,
    clicked: Clicked,
    rng: random.Random,
) -> dict[str, list[tuple[Any, ...]]]:
    last = DAYS * DAY - 1.0
    plan: list[tuple[float, tuple[int, int | None, str] | None]] = []
    sample = clicked.sample
    for i in range(int(shape.orders * REFERRED_SHARE)):
        if rng.random() < 0.85 and sample:  # through the link: a click, then an order in 3 days
            click, offset, advocate = sample[i % len(sample)]
            plan.append((min(offset + rng.random() * 3 * DAY, last), (advocate, click, "link")))
        else:  # a code typed at the checkout
            offset = rng.random() * last
            plan.append((offset, (pick(people, offset, rng) + 1, None, "code")))
    plan += [(o, None) for o in clock.sorted_offsets(shape.orders - len(plan))]
    plan.sort(key=lambda item: item[0])
    out: dict[str, list[tuple[Any, ...]]] = {
        k: [] for k in ("orders", "webhook_messages", "order_refunds", "referrals", "rewards")
    }
    changes: list[tuple[float, int, str, str, str]] = []
    now = DAYS * DAY
    referred_emails: set[str] = set()
    for pk, (offset, referral) in enumerate(plan, start=1):
        total = int(math.exp(rng.gauss(math.log(3800), 0.5)))
        paid = times(offset)
        refunded_at = (
            min(offset + DAY + rng.random() * 9 * DAY, last)
            if rng.random() < REFUNDED_SHARE
            else None
        )
        email = f"klant{rng.randrange(shape.orders)}@example.nl" if referral is None else (
            f"vriend{pk}@example.com"
        )  # fmt: skip
        order_id = str(100_000 + pk)
        refunded = refunded_at is not None
        out["orders"].append(
            (pk, "shopify", order_id, email, email, total, "EUR",
             "refunded" if refunded else "paid", paid,
             times(refunded_at) if refunded_at is not None else None, total if refunded else 0)
        )  # fmt: skip
        out["webhook_messages"].append(("shopify", f"order-{order_id}", paid))
        if refunded_at is not None:
            out["order_refunds"].append((pk, pk, f"refund:{order_id}", total, times(refunded_at)))
        if referral is None or email in referred_emails:
            continue
        referred_emails.add(email)
        advocate, click_id, via = referral
        ref_id = len(out["referrals"]) + 1
        out["referrals"].append(
            (ref_id, campaign_id, advocate, pk, click_id, email, None, via, paid)
        )
        due = offset + HOLD_DAYS * DAY
        for side, who, kind, value, amount in (
            ("referrer", advocate, "credit", "5.00", 500),
            ("friend", None, "percent_discount", "10", total // 10),
        ):
            reward_id = len(out["rewards"]) + 1
            status, approved, revoked = "pending", None, None
            if refunded_at is not None:
                status, revoked = "revoked", times(refunded_at)
                changes.append((refunded_at, reward_id, "revoked", "refund", "webhook:shopify"))
            elif due <= now:
                status, approved = "approved", times(min(due, last))
                changes.append(
                    (min(due, last), reward_id, "approved", "hold period ended", "scheduler")
                )
            out["rewards"].append(
                (reward_id, ref_id, side, who,
                 people.emails[advocate - 1] if who else email, kind, value, "EUR", amount,
                 status, times(min(due, last)), approved, revoked,
                 "refund" if revoked is not None else None, paid)
            )  # fmt: skip
    changes.sort(key=lambda change: change[0])
    out["reward_changes"] = [
        (n, reward, "pending", to, why, actor, times(at))
        for n, (at, reward, to, why, actor) in enumerate(changes, start=1)
    ]
    return out


COLUMNS = {
    "advocates": ("id", "campaign_id", "email", "email_key", "name", "code", "verified", "created_at"),
    "clicks": ("id", "advocate_id", "campaign_id", "token", "channel", "ip_hash", "device", "created_at", "visitor"),
    "events": ("id", "campaign_id", "advocate_id", "type", "channel", "created_at"),
    "orders": ("id", "source", "order_id", "email", "email_key", "total_minor", "currency", "status", "paid_at", "refunded_at", "refunded_minor"),
    "webhook_messages": ("source", "message_id", "received_at"),
    "order_refunds": ("id", "order_pk", "refund_key", "amount_minor", "created_at"),
    "referrals": ("id", "campaign_id", "advocate_id", "order_pk", "click_id", "friend_email_key", "friend_name", "via", "created_at"),
    "rewards": ("id", "referral_id", "side", "advocate_id", "email", "type", "value", "currency", "amount_minor", "status", "approve_after", "approved_at", "revoked_at", "revoke_reason", "created_at"),
    "reward_changes": ("id", "reward_id", "from_status", "to_status", "reason", "actor", "at"),
}  # fmt: skip


# --- writing -----------------------------------------------------------------------------------


def chunked(rows: Iterator[tuple[Any, ...]], size: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class SqliteWriter:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-1000000",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.indexes: list[str] = []

    async def campaign_id(self) -> int:
        return int(self.db.execute("SELECT id FROM campaigns WHERE slug = 'default'").fetchone()[0])

    async def drop_indexes(self, tables: Sequence[str]) -> None:
        marks = ", ".join("?" * len(tables))
        for name, sql in self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            tuple(tables),
        ).fetchall():
            self.indexes.append(sql)
            self.db.execute(f'DROP INDEX "{name}"')

    async def write(self, table: str, rows: Iterator[tuple[Any, ...]]) -> int:
        columns = COLUMNS[table]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        count = 0
        self.db.execute("BEGIN")
        for batch in chunked(rows):
            self.db.executemany(sql, batch)
            count += len(batch)
        self.db.execute("COMMIT")
        return count

    async def make_indexes(self) -> None:
        for sql in self.indexes:
            self.db.execute(sql)

    async def finish(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.close()


class PostgresWriter:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.indexes: list[tuple[str, str]] = []

    @classmethod
    async def open(cls, url: str) -> PostgresWriter:
        import asyncpg

        conn = await asyncpg.connect(url)
        await conn.execute("SET synchronous_commit = off; SET maintenance_work_mem = '1GB'")
        return cls(conn)

    async def campaign_id(self) -> int:
        return int(await self.conn.fetchval("SELECT id FROM campaigns WHERE slug = 'default'"))

    async def drop_indexes(self, tables: Sequence[str]) -> None:
        # Indexes that back no constraint (primary keys and UNIQUE constraints stay).
        rows = await self.conn.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
            "current_schema() AND i.tablename = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM "
            "pg_constraint c WHERE c.conname = i.indexname)",
            list(tables),
        )
        for row in rows:
            self.indexes.append((row["indexname"], row["indexdef"]))
            await self.conn.execute(f'DROP INDEX "{row["indexname"]}"')

    async def write(self, table: str, rows: Iterator[tuple[Any, ...]]) -> int:
        count = 0
        for batch in chunked(rows):
            await self.conn.copy_records_to_table(table, records=batch, columns=COLUMNS[table])
            count += len(batch)
        if "id" in COLUMNS[table]:  # the identity goes on after the generated ids
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        return count

    async def make_indexes(self) -> None:
        for _, sql in self.indexes:
            await self.conn.execute(sql)

    async def finish(self) -> None:
        await self.conn.execute("ANALYZE")
        await self.conn.close()


async def generate(url: str, shape: Shape, seed: int = 20240601) -> dict[str, int]:
    """Fills a fresh database at `url` (a SQLite file that must not exist yet, or an empty
    PostgreSQL database); the rows written per table."""
    sqlite = url.startswith("sqlite")
    settings = Settings(database_url=url)
    store = await open_store(url)
    try:
        await bootstrap(store, settings)
    finally:
        await store.close()
    writer: SqliteWriter | PostgresWriter = (
        SqliteWriter(url.removeprefix("sqlite:///")) if sqlite else await PostgresWriter.open(url)
    )
    rng = random.Random(seed)
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = Clock(end, rng)
    times = Times(clock.start, sqlite)
    campaign_id = await writer.campaign_id()
    await writer.drop_indexes(list(COLUMNS))
    counts: dict[str, int] = {}

    def log(table: str, started: float) -> None:
        print(
            f"  {table:<18} {counts[table]:>11,} rows  {time.monotonic() - started:6.1f} s",
            file=sys.stderr,
        )

    started = time.monotonic()
    people, advocate_rows = advocates(clock, times, campaign_id, shape, rng)
    counts["advocates"] = await writer.write("advocates", advocate_rows)
    log("advocates", started)
    started = time.monotonic()
    clicked, click_rows = clicks(clock, times, campaign_id, shape, people, rng)
    counts["clicks"] = await writer.write("clicks", click_rows)
    log("clicks", started)
    started = time.monotonic()
    counts["events"] = await writer.write(
        "events", events(clock, times, campaign_id, shape, people, rng)
    )
    log("events", started)
    started = time.monotonic()
    for table, rows in orders(clock, times, campaign_id, shape, people, clicked, rng).items():
        counts[table] = await writer.write(table, iter(rows))
    log("orders", started)
    started = time.monotonic()
    await writer.make_indexes()
    print(f"  indexes made again     {time.monotonic() - started:6.1f} s", file=sys.stderr)
    await writer.finish()
    # The rollups, by the store's own verb (what `shareback db rebuild-rollups` runs).
    started = time.monotonic()
    store = await open_store(url)
    try:
        rebuilt = await store.rebuild_rollups()
    finally:
        await store.close()
    print(
        f"  rollups rebuilt        {time.monotonic() - started:6.1f} s  {rebuilt}", file=sys.stderr
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="sqlite:////path/new.db or postgresql://…/empty_database")
    parser.add_argument("--clicks", type=int, default=1_000_000)
    parser.add_argument("--advocates", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    if args.url.startswith("sqlite") and Path(args.url.removeprefix("sqlite:///")).exists():
        raise SystemExit(f"{args.url} exists: the generator fills a new file")
    started = time.monotonic()
    counts = asyncio.run(
        generate(args.url, Shape(args.clicks, args.advocates, args.orders), args.seed)
    )
    print(f"{sum(counts.values()):,} rows in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
