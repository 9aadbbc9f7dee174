"""Scoring every customer (the hourly round of crm/scoring_loop.py) and reading the ambassadors
list's first page: wall time for N customers with a few orders and tickets each.

    python bench/score_refresh.py                      # SQLite, 20,000 customers
    python bench/score_refresh.py --customers 100000
    python bench/score_refresh.py --database postgresql://postgres@127.0.0.1/bench_scores

The customers, orders and tickets go in through crm's import (import_rows, 1,000 rows a
transaction); then refresh_scores runs twice (the first writes every score, the second updates
them) and ranked_customers reads the top 50, the top 50 of a band, and a country's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shareback.crm.ranking import RankingFilter
from shareback.crm.records import CustomerFacts, CustomerOrder, NewOrder, NewTicket, Ticket
from shareback.crm.rows import CustomerRow, OrderRow, Row, TicketRow
from shareback.crm.score import ScoreRules
from shareback.storage import open_store
from shareback.storage.base import Store

BATCH = 1000


def rows_for(n: int, rng: random.Random, now: datetime) -> list[Row]:
    email = f"customer{n}@example.nl"
    rows: list[Row] = [
        CustomerRow(
            1,
            CustomerFacts(
                email,
                first_name=f"C{n}",
                country=rng.choice(("NL", "BE", "DE")),
                tags=(rng.choice(("vip", "newsletter", "wholesale")),),
                marketing_consent=rng.random() < 0.8,
            ),
        )
    ]
    for k in range(rng.randint(1, 5)):
        placed = now - timedelta(days=rng.randint(0, 400))
        order = CustomerOrder("import", f"{n}-{k}", placed, rng.randint(1_000, 9_000), 0, "EUR")
        rows.append(OrderRow(1, NewOrder(email, None, order)))
    if rng.random() < 0.3:
        opened = now - timedelta(days=rng.randint(0, 200))
        closed = None if rng.random() < 0.2 else opened + timedelta(days=2)
        ticket = Ticket("zendesk", f"t{n}", opened, closed, None, None, rng.randint(0, 10))
        rows.append(TicketRow(1, NewTicket(email, None, ticket)))
    return rows


async def run(database: str, customers: int) -> None:
    store: Store = await open_store(database)
    try:
        await store.migrate()
        rng, now = random.Random(7), datetime.now(UTC)
        started = time.perf_counter()
        job = await store.start_import("customers", "bench", None, "bench", now)
        pending: list[Row] = []
        for n in range(customers):
            pending += rows_for(n, rng, now)
            if len(pending) >= BATCH:
                await store.import_rows(job, pending, n, now)
                pending = []
        if pending:
            await store.import_rows(job, pending, customers, now)
        print(f"| import {customers:,} customers | {time.perf_counter() - started:8.1f} s |")
        rules = ScoreRules()
        for label in ("first scoring", "scoring again"):
            started = time.perf_counter()
            scored = await store.refresh_scores(rules, datetime.now(UTC))
            took = time.perf_counter() - started
            print(f"| {label} ({scored:,}) | {took:8.1f} s | {scored / took:,.0f} customers/s |")
        for label, chosen in (
            ("top 50", RankingFilter()),
            ("top 50, band high", RankingFilter(band="high")),
            ("top 50, country BE, consent", RankingFilter(country="BE", consent="yes")),
        ):
            started = time.perf_counter()
            await store.ranked_customers(chosen, limit=51)
            print(f"| {label} | {(time.perf_counter() - started) * 1000:8.1f} ms |")
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(database, args.customers))


if __name__ == "__main__":
    main()
