"""A shop's 90 days at scale, written straight into a database the real migrations built.

The rows follow what the app writes (see storage/sqlite/referrals.py) with the shapes a busy
Dutch web shop sees: WhatsApp-heavy sharing, a few advocates doing most of it, link-preview bots,
shared IP addresses, a growing shop with evening peaks, a fifth of the orders referred.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import math
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from shareback.bootstrap import bootstrap
from shareback.codes import ALPHABET
from shareback.settings import Settings
from shareback.storage import open_store

DAYS = 90
DAY = 86_400
HOLD_DAYS = 14  # the default campaign's
REFERRED_SHARE = 0.20
REFUNDED_SHARE = 0.04
BOT_SHARE = 0.05

# Where clicks come from in a Dutch shop: WhatsApp first by far, then Facebook, mail and links.
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
# UTC hours; Dutch evenings (19-22 local) are the peak.
HOURS = [2, 1, 1, 1, 1, 2, 4, 6, 7, 7, 7, 7, 7, 7, 7, 8, 9, 11, 13, 14, 12, 8, 5, 3]
FIRST_NAMES = (
    "Anna", "Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie", "Levi", "Tess", "Finn", "Mila",
    "Noah", "Sara", "Bram", "Eva", "Luuk", "Lisa", "Thijs", "Fleur", "Jesse", "Noor", "Milan",
    "Saar", "Ruben", "Lotte", "Sven", "Iris", "Thomas", "Roos", "Jan", "Femke", "Pieter",
)  # fmt: skip
LAST_NAMES = (
    "de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
)  # fmt: skip


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


class Clock:
    """Moments in the 90 days before `end`: more as the shop grows, more at weekends and evenings."""

    def __init__(self, end: datetime, rng: random.Random) -> None:
        self.end = end
        self.start = end - timedelta(days=DAYS)
        self.rng = rng
        first = self.start.date()
        self.first_day = int(self.start.timestamp()) // DAY
        self.start_ts = self.start.timestamp()
        self.day_text = [(first + timedelta(days=n)).isoformat() for n in range(DAYS + 2)]
        weights = []
        for n in range(DAYS):
            weekend = (first + timedelta(days=n)).weekday() >= 5
            weights.append((1 + 1.5 * n / DAYS) * (1.3 if weekend else 1.0))
        self.day_weights = list(accumulate(weights))
        self.hour_weights = list(accumulate(HOURS))

    def seconds(self, k: int) -> list[float]:
        """k offsets from start, in seconds, distributed like a shop's traffic."""
        days = self.rng.choices(range(DAYS), cum_weights=self.day_weights, k=k)
        hours = self.rng.choices(range(24), cum_weights=self.hour_weights, k=k)
        rnd = self.rng.random
        offset = (
            self.start - self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        ).total_seconds()
        top = DAYS * DAY - 1
        return [
            min(max(d * DAY + h * 3600 + rnd() * 3600 - offset, 0.0), top)
            for d, h in zip(days, hours, strict=True)
        ]

    def text(self, offset: float) -> str:
        """The store's time format, written out without datetime for speed."""
        moment = self.start_ts + offset
        whole = int(moment)
        day, rest = divmod(whole, DAY)
        micro = int((moment - whole) * 1_000_000)
        hh, rest = divmod(rest, 3600)
        mm, ss = divmod(rest, 60)
        return f"{self.day_text[day - self.first_day]} {hh:02d}:{mm:02d}:{ss:02d}.{micro:06d}"


def weighted(options: dict[str, int], k: int, rng: random.Random) -> list[str]:
    return rng.choices(list(options), weights=list(options.values()), k=k)


def hashes(prefix: str, count: int) -> list[str]:
    """Stand-ins for visitors.ip_hash: 32 hex characters each."""
    return [
        hashlib.blake2b(f"{prefix}{n}".encode(), digest_size=16).hexdigest() for n in range(count)
    ]


Log = Callable[[str], object]


def fill(path: str, shape: Shape, seed: int = 20240601, log: Log = print) -> None:
    """Migrate a fresh database with the real code, then write the rows in big transactions."""
    asyncio.run(_migrate(path))
    rng = random.Random(seed)
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = Clock(end, rng)
    db = sqlite3.connect(path, isolation_level=None)
    # Throwaway speed for the fill only; the app reopens the file in WAL with its own pragmas.
    for pragma in (
        "journal_mode=DELETE",
        "synchronous=OFF",
        "cache_size=-500000",
        "temp_store=MEMORY",
    ):
        db.execute(f"PRAGMA {pragma}")
    campaign_id = db.execute("SELECT id FROM campaigns WHERE slug = 'default'").fetchone()[0]

    advocate_times = sorted(clock.seconds(shape.advocates))
    # A third of advocates ever share, and among them a few do most of it (Pareto).
    activity = [rng.paretovariate(1.2) if rng.random() < 0.35 else 0.0 for _ in advocate_times]
    advocates = list(_advocates(clock, campaign_id, advocate_times, rng))
    _write(db, "advocates", advocates, log)
    emails = [row[2] for row in advocates]

    click_rows, human_clicks = _clicks(
        clock, campaign_id, shape.clicks, advocate_times, activity, rng
    )
    _write(db, "clicks", click_rows, log)
    _write(db, "events", _events(clock, campaign_id, shape, advocate_times, activity, rng), log)
    _orders(
        db,
        clock,
        campaign_id,
        shape.orders,
        human_clicks,
        emails,
        activity,
        advocate_times,
        rng,
        log,
    )
    # The daily rollups the app keeps on every write (migration 0009), built here in one pass.
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO click_days (campaign_id, day, channel, device, n) SELECT campaign_id, "
        "substr(created_at, 1, 10), channel, device, COUNT(*) FROM clicks GROUP BY 1, 2, 3, 4"
    )
    db.execute(
        "INSERT INTO event_days (campaign_id, day, type, channel, n) SELECT campaign_id, "
        "substr(created_at, 1, 10), type, COALESCE(channel, ''), COUNT(*) FROM events "
        "GROUP BY 1, 2, 3, 4"
    )
    db.execute("COMMIT")
    # No ANALYZE: the app never runs it, so the planner here sees what it sees in production.
    db.execute("PRAGMA journal_mode=WAL")
    db.close()


async def _migrate(path: str) -> None:
    store = await open_store(f"sqlite:///{path}")
    try:
        await bootstrap(store, Settings(database_url=f"sqlite:///{path}"))
    finally:
        await store.close()


INSERTS = {
    "advocates": "INSERT INTO advocates (id, campaign_id, email, email_key, name, code, verified, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "clicks": "INSERT INTO clicks (id, advocate_id, campaign_id, token, channel, ip_hash, device, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "events": "INSERT INTO events (campaign_id, advocate_id, type, channel, created_at) VALUES (?, ?, ?, ?, ?)",
    "orders": "INSERT INTO orders (id, source, order_id, email, email_key, total_minor, currency, status, paid_at, refunded_at, refunded_minor) VALUES (?, ?, ?, ?, ?, ?, 'EUR', ?, ?, ?, ?)",
    "webhook_messages": "INSERT INTO webhook_messages (source, message_id, received_at) VALUES (?, ?, ?)",
    "order_refunds": "INSERT INTO order_refunds (order_pk, refund_key, amount_minor, created_at) VALUES (?, ?, ?, ?)",
    "referrals": "INSERT INTO referrals (id, campaign_id, advocate_id, order_pk, click_id, friend_email_key, friend_name, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "rewards": "INSERT INTO rewards (referral_id, side, advocate_id, email, type, value, currency, amount_minor, status, approve_after, approved_at, revoked_at, revoke_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, 'EUR', ?, ?, ?, ?, ?, ?, ?)",
    "reward_changes": "INSERT INTO reward_changes (reward_id, from_status, to_status, reason, actor, at) VALUES (?, 'pending', ?, ?, ?, ?)",
}  # fmt: skip


def _write(db: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]], log: Log) -> None:
    rows = list(rows)
    db.execute("BEGIN")
    db.executemany(INSERTS[table], rows)
    db.execute("COMMIT")
    log(f"  {table:<16} {len(rows):>10,} rows")


def _advocates(
    clock: Clock, campaign_id: int, times: list[float], rng: random.Random
) -> Iterable[tuple[Any, ...]]:
    taken: set[str] = set()
    for n, offset in enumerate(times, start=1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        length = 4
        while True:
            code = first.upper() + "-" + "".join(rng.choices(ALPHABET, k=length))
            if code not in taken:
                break
            length = 6  # as the app does after repeated collisions
        taken.add(code)
        email = f"{first}.{last.replace(' ', '')}{n}@example.nl".lower()
        verified = int(rng.random() < 0.6)
        yield (n, campaign_id, email, email, f"{first} {last}", code, verified, clock.text(offset))


def _after(start: float, rng: random.Random) -> float:
    """When an advocate acts: soon after joining, mostly (shares fade)."""
    return start + (DAYS * DAY - 1 - start) * rng.random() ** 2


def _clicks(
    clock: Clock,
    campaign_id: int,
    count: int,
    advocate_times: list[float],
    activity: list[float],
    rng: random.Random,
) -> tuple[list[tuple[Any, ...]], list[tuple[int, float, int]]]:
    advocates = rng.choices(range(len(advocate_times)), weights=activity, k=count)
    times = sorted((_after(advocate_times[a], rng), a) for a in advocates)
    channels = weighted(CLICK_CHANNELS, count, rng)
    devices = weighted(DEVICES, count, rng)
    # Repeat addresses: a pool of about 0.4 visitors per click, skewed so that some addresses
    # (mobile carriers' NAT, offices, the same friend clicking twice) come back again and again.
    humans = hashes("ip", max(1, int(count * 0.4)))
    bots = hashes("bot", 300)  # link-preview fetchers come from a few data centres
    rows: list[tuple[Any, ...]] = []
    human_clicks: list[tuple[int, float, int]] = []
    for n, (offset, advocate) in enumerate(times, start=1):
        token = base64.urlsafe_b64encode(n.to_bytes(4, "big") + rng.randbytes(2)).decode()
        if rng.random() < BOT_SHARE:
            device, ip = "bot", rng.choice(bots)
        else:
            device, ip = devices[n - 1], humans[int(len(humans) * rng.random() ** 1.8)]
            human_clicks.append((n, offset, advocate + 1))
        row = (n, advocate + 1, campaign_id, token, channels[n - 1], ip, device, clock.text(offset))
        rows.append(row)
    return rows, human_clicks


def _events(
    clock: Clock,
    campaign_id: int,
    shape: Shape,
    advocate_times: list[float],
    activity: list[float],
    rng: random.Random,
) -> list[tuple[Any, ...]]:
    rows: list[tuple[float, int | None, str, str | None]] = []
    # Opens: half by signed-in shoppers (who are, or become, advocates), half anonymous.
    for offset in clock.seconds(shape.opens):
        advocate = rng.randrange(len(advocate_times)) + 1 if rng.random() < 0.5 else None
        rows.append((offset, advocate, "open", None))
    sharers = rng.choices(range(len(advocate_times)), weights=activity, k=shape.shares)
    kinds = weighted(SHARE_TYPES, shape.shares, rng)
    channels = weighted(SHARE_CHANNELS, shape.shares, rng)
    for advocate, kind, channel in zip(sharers, kinds, channels, strict=True):
        offset = _after(advocate_times[advocate], rng)
        rows.append((offset, advocate + 1, kind, channel if kind == "share" else None))
    rows.sort(key=lambda row: row[0])
    return [(campaign_id, a, kind, ch, clock.text(offset)) for offset, a, kind, ch in rows]


def _orders(
    db: sqlite3.Connection,
    clock: Clock,
    campaign_id: int,
    count: int,
    human_clicks: list[tuple[int, float, int]],
    emails: list[str],
    activity: list[float],
    advocate_times: list[float],
    rng: random.Random,
    log: Log,
) -> None:
    last = DAYS * DAY - 1
    # When each order is paid and, for a referred one, (advocate id, click id, via).
    plan: list[tuple[float, tuple[int, int | None, str] | None]] = []
    referred = int(count * REFERRED_SHARE)
    for _ in range(referred):
        if rng.random() < 0.85:  # through the link: a click, then an order within three days
            click, offset, advocate_id = rng.choice(human_clicks)
            plan.append((min(offset + rng.random() * 3 * DAY, last), (advocate_id, click, "link")))
        else:  # a code typed at the checkout
            index = rng.choices(range(len(advocate_times)), weights=activity)[0]
            plan.append((_after(advocate_times[index], rng), (index + 1, None, "code")))
    plan += [(offset, None) for offset in clock.seconds(count - referred)]
    plan.sort(key=lambda item: item[0])

    orders: list[tuple[Any, ...]] = []
    messages: list[tuple[Any, ...]] = []
    refunds: list[tuple[Any, ...]] = []
    referrals: list[tuple[Any, ...]] = []
    rewards: list[tuple[Any, ...]] = []
    changes: list[tuple[float, int, str, str, str]] = []
    now = DAYS * DAY
    for pk, (offset, referral) in enumerate(plan, start=1):
        total = int(math.exp(rng.gauss(math.log(3800), 0.5)))
        paid = clock.text(offset)
        refunded_at = None
        if rng.random() < REFUNDED_SHARE:
            refunded_at = min(offset + DAY + rng.random() * 9 * DAY, last)
        if referral is None:
            email = f"klant{rng.randrange(count)}@example.nl"  # some customers come back
        else:
            email = f"vriend{pk}@example.com"
        order_id = str(100_000 + pk)
        orders.append(
            (pk, "shopify", order_id, email, email, total,
             "paid" if refunded_at is None else "refunded", paid,
             None if refunded_at is None else clock.text(refunded_at),
             0 if refunded_at is None else total)
        )  # fmt: skip
        messages.append(("shopify", f"order-{order_id}", paid))
        if refunded_at is not None:
            refunds.append((pk, f"refund:{order_id}", total, clock.text(refunded_at)))
        if referral is None:
            continue
        advocate, click_id, via = referral
        ref_id = len(referrals) + 1
        referrals.append((ref_id, campaign_id, advocate, pk, click_id, email, None, via, paid))
        due = offset + HOLD_DAYS * DAY
        for side, who, kind, value, amount in (
            ("referrer", advocate, "credit", "5.00", 500),
            ("friend", None, "percent_discount", "10", total // 10),
        ):
            reward_id = len(rewards) + 1
            status = "pending"
            approved: str | None = None
            revoked: str | None = None
            if refunded_at is not None:
                status, revoked = "revoked", clock.text(refunded_at)
                changes.append((refunded_at, reward_id, "revoked", "refund", "webhook:shopify"))
            elif due <= now:
                status, approved = "approved", clock.text(min(due, last))
                changes.append((min(due, last), reward_id, "approved", "hold period ended", "scheduler"))  # fmt: skip
            rewards.append(
                (ref_id, side, who, emails[advocate - 1] if who else email, kind, value,
                 amount, status, clock.text(min(due, last)), approved, revoked,
                 "refund" if revoked else None, paid)
            )  # fmt: skip
    changes.sort(key=lambda change: change[0])
    for table, rows in (
        ("orders", orders), ("webhook_messages", messages), ("order_refunds", refunds),
        ("referrals", referrals), ("rewards", rewards),
        ("reward_changes", [(r, to, why, actor, clock.text(at)) for at, r, to, why, actor in changes]),
    ):  # fmt: skip
        _write(db, table, rows, log)
