"""The shop owner's numbers at scale: the stats API and the dashboard overview on a big SQLite file.

    python bench/stats_at_scale.py [--clicks 1000000 --advocates 100000 --orders 50000]
                                   [--db PATH] [--runs 7] [--explain]

Fills a database (kept at --db between runs, else a temporary one) and times, in-process with the
real app, each case `--runs` times, round-robin so that a noisy neighbour hurts every case alike.
Prints min/median/max in milliseconds; the target is a median under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from scale_data import Shape, fill
from shareback.app import create_app
from shareback.auth.passwords import hash_password
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.database import to_db_time

TARGET_MS = 300.0
API_KEY = "bench-admin-api-key-0123456789"
ADMIN = ("owner@bench.test", "a long bench password")
PUBLIC_URL = "http://bench.test"

Case = Callable[[], Awaitable[object]]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=1_000_000)
    parser.add_argument("--advocates", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="keep the generated database here and reuse it")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="time each statement of campaign_stats, with its plan",
    )
    return parser.parse_args()


def counts(path: Path) -> tuple[int, int, int] | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute(
                "SELECT (SELECT COUNT(*) FROM clicks), (SELECT COUNT(*) FROM advocates), "
                "(SELECT COUNT(*) FROM orders)"
            ).fetchone()
            return (row[0], row[1], row[2])
    except sqlite3.Error:
        return None


def prepare(path: Path, shape: Shape) -> None:
    if path.exists() and counts(path) == (shape.clicks, shape.advocates, shape.orders):
        print(f"Reusing {path} ({shape.clicks:,} clicks, {shape.advocates:,} advocates, "
              f"{shape.orders:,} orders).")  # fmt: skip
        return
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    print(f"Filling {path}:")
    started = time.perf_counter()
    fill(str(path), shape)
    print(f"  filled in {time.perf_counter() - started:.0f} s, "
          f"{path.stat().st_size / 2**20:.0f} MiB")  # fmt: skip


def last_day(path: Path) -> date:
    """The data's own "today", so that a cached file gives the same ranges tomorrow."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        newest = db.execute("SELECT MAX(created_at) FROM clicks").fetchone()[0]
    return date.fromisoformat(newest[:10])


@asynccontextmanager
async def running(app: ASGIApp) -> AsyncIterator[ASGIApp]:
    """The app's lifespan, as a server runs it, and an app that hands its state to each request
    (httpx's ASGITransport runs no lifespan)."""
    state: dict[str, Any] = {}
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    started = asyncio.get_running_loop().create_future()

    async def receive() -> Message:
        return await inbox.get()

    async def send(message: Message) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set_result(None)
        elif message["type"] == "lifespan.startup.failed":
            started.set_exception(RuntimeError(message.get("message", "")))

    await inbox.put({"type": "lifespan.startup"})
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": state}

    async def serve() -> None:
        await app(scope, receive, send)

    task = asyncio.create_task(serve())
    await started

    async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
        await app({**scope, "state": dict(state)}, receive, send)

    try:
        yield with_state
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await task


async def log_in(client: httpx.AsyncClient, store: Store) -> None:
    """As a browser does: the form's CSRF token from its page and cookie, then the post."""
    await store.create_admin_user(ADMIN[0], hash_password(ADMIN[1]), datetime.now(UTC))
    form = await client.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None, form.text
    answer = await client.post(
        "/admin/login",
        data={"csrf": token.group(1), "email": ADMIN[0], "password": ADMIN[1], "next": "/admin"},
        headers={"origin": PUBLIC_URL},
    )
    assert answer.status_code == 303 and "shareback_admin" in client.cookies, answer.text


def span(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, day_time(), tzinfo=UTC)
    return start, datetime.combine(last + timedelta(days=1), day_time(), tzinfo=UTC)


async def measure(cases: dict[str, Case], runs: int) -> dict[str, list[float]]:
    """A first (cold) call each, then `runs` rounds over every case."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs + 1):
        for name, case in cases.items():
            started = time.perf_counter()
            await case()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def print_table(times: dict[str, list[float]], targeted: set[str]) -> None:
    """Markdown, so that it pastes into bench/README.md as it is."""
    width = max(len(name) for name in times)
    print(f"\n| {'case':<{width}} | first ms | min ms | median ms | max ms | < 300 ms |")
    print(f"|{'-' * (width + 2)}|---------:|-------:|----------:|-------:|----------|")
    for name, samples in times.items():
        first, rest = samples[0], samples[1:]
        median = statistics.median(rest)
        verdict = ""
        if name in targeted:
            verdict = "yes" if median < TARGET_MS else "**no**"
        print(
            f"| {name:<{width}} | {first:8.0f} | {min(rest):6.0f} | {median:9.0f} "
            f"| {max(rest):6.0f} | {verdict:<8} |"
        )


async def bench(path: Path, runs: int) -> None:
    today = last_day(path)
    ranges = {days: (today - timedelta(days=days - 1), today) for days in (30, 90)}
    settings = Settings(
        database_url=f"sqlite:///{path}",
        public_url=PUBLIC_URL,
        admin_api_key=API_KEY,
        # The background loops would otherwise write while we time reads.
        approve_interval_seconds=3600,
        delivery_interval_seconds=3600,
    )
    async with running(create_app(settings)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            store = await open_store(settings.database_url)
            try:
                await log_in(client, store)
                campaign = await store.campaign("default")
                assert campaign is not None
                cases: dict[str, Case] = {}
                for days, (first, last) in ranges.items():
                    query = f"from={first}&to={last}"

                    async def api(query: str = query) -> None:
                        answer = await client.get(
                            f"/api/v1/campaigns/default/stats?{query}",
                            headers={"authorization": f"Bearer {API_KEY}"},
                        )
                        assert answer.status_code == 200, answer.text

                    async def overview(query: str = query) -> None:
                        answer = await client.get(f"/admin?{query}")
                        assert answer.status_code == 200, answer.text[:500]

                    cases[f"GET stats API, {days} days"] = api
                    cases[f"GET /admin overview, {days} days"] = overview
                for days, (first, last) in ranges.items():
                    start, end = span(first, last)

                    def direct(start: datetime = start, end: datetime = end) -> Awaitable[object]:
                        return store.campaign_stats(campaign.id, start, end)

                    def leaders(start: datetime = start, end: datetime = end) -> Awaitable[object]:
                        return store.leaderboard(campaign.id, start, end, 10)

                    cases[f"store.campaign_stats, {days} days"] = direct
                    cases[f"store.leaderboard, {days} days"] = leaders
                cases["store.activity, 20 items"] = lambda: store.activity(campaign.id, 20)
                times = await measure(cases, runs)
            finally:
                await store.close()
    print(f"\nRanges end on {today}, the newest click's day; {runs} runs each after a first one.")
    print(f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
    print_table(times, {name for name in times if name.startswith("GET")})


# Two exact plans for unique visitors. The first is what SQLite does by itself: read the date
# range and put every address into a temporary B-tree. The second walks migration 0005's
# clicks_by_visitor index in ip_hash order and compares neighbours: no B-tree, but it reads the
# campaign's whole click history whatever the range.
VISITOR_PLANS = {
    "visitors: date range + temp B-tree": (
        "SELECT COUNT(DISTINCT ip_hash) FROM clicks INDEXED BY clicks_by_day WHERE campaign_id = ? "
        "AND substr(created_at, 1, 10) BETWEEN ? AND ? AND device <> 'bot'"
    ),
    "visitors: ip_hash order (shipped)": (
        "SELECT COUNT(DISTINCT ip_hash) FROM clicks INDEXED BY clicks_by_visitor "
        "WHERE campaign_id = ? AND device <> 'bot' AND created_at >= ? AND created_at < ?"
    ),
}


def compare_visitor_plans(path: Path, runs: int) -> None:
    today = last_day(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    campaign_id = db.execute("SELECT id FROM campaigns WHERE slug = 'default'").fetchone()[0]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    if not {"clicks_by_day", "clicks_by_visitor"} <= indexes:
        print("\nSkipped: this schema predates migration 0005's indexes.")
        return
    times: dict[str, list[float]] = {}
    answers: dict[int, set[int]] = {30: set(), 90: set()}
    for _ in range(runs + 1):
        for days in (30, 90):
            first = today - timedelta(days=days - 1)
            start, end = (to_db_time(moment) for moment in span(first, today))
            for name, sql in VISITOR_PLANS.items():
                if "BETWEEN" in sql:
                    params: tuple[Any, ...] = (campaign_id, str(first), str(today))
                else:
                    params = (campaign_id, start, end)
                started = time.perf_counter()
                answers[days].add(db.execute(sql, params).fetchone()[0])
                times.setdefault(f"{name}, {days} days", []).append(
                    (time.perf_counter() - started) * 1000
                )
    db.close()
    assert all(len(counts) == 1 for counts in answers.values()), answers  # both plans agree
    print_table(times, set())


def explain(path: Path) -> None:
    """Each statement campaign_stats sends for the last 90 days: its plan and its time."""
    today = last_day(path)
    start, end = span(today - timedelta(days=89), today)
    statements: list[str] = []

    async def capture() -> None:
        store = await open_store(f"sqlite:///{path}")
        try:
            await store._reader.set_trace_callback(statements.append)  # the bench may peek
            campaign = await store.campaign("default")
            assert campaign is not None
            await store.campaign_stats(campaign.id, start, end)
        finally:
            await store.close()

    asyncio.run(capture())
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    print("\ncampaign_stats, 90 days, statement by statement (median of 3):")
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "FROM campaigns" in sql:
            continue
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            db.execute(sql).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        print(f"\n{statistics.median(samples):7.0f} ms  {sql}")
        for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"):
            print(f"           {row[3]}")
    db.close()


def main() -> None:
    args = parse_args()
    shape = Shape(args.clicks, args.advocates, args.orders)
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or Path(scratch) / "bench.db"
        prepare(path, shape)
        asyncio.run(bench(path, args.runs))
        print("\nUnique visitors, exact, the two plans (sqlite3 directly, 3 runs each):")
        compare_visitor_plans(path, 3)
        if args.explain:
            explain(path)


if __name__ == "__main__":
    main()
