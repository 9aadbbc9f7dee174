"""The dashboard's advocates and referrals pages at a million advocates, on a big SQLite file.

    python bench/people_at_scale.py [--advocates 1000000 --clicks 1000000 --orders 50000]
                                    [--db PATH] [--runs 5] [--explain]

Fills a database as stats_at_scale.py does (kept at --db between runs), gives every advocate the
folded name and coupon code the app writes, then times the store calls behind each page,
`--runs` times round-robin. Prints min/median/max in milliseconds; the target is a median
under 300 ms. --explain prints SQLite's plan of each search branch.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from scale_data import Shape
from shareback.people_search import search_terms
from shareback.storage import open_store
from shareback.storage.sql.people import found_advocates
from stats_at_scale import Case, measure, prepare, print_table


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--advocates", type=int, default=1_000_000)
    parser.add_argument("--clicks", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="keep the generated database here and reuse it")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    return parser.parse_args()


def as_the_app_writes(path: Path) -> None:
    """scale_data writes advocates as migration 0001 knew them: add 0006's columns."""
    with sqlite3.connect(path) as db:
        if db.execute("SELECT COUNT(*) FROM advocates WHERE search_name IS NULL").fetchone()[0]:
            db.execute(
                "UPDATE advocates SET search_name = lower(name), "
                "coupon_code = replace(code, '-', '') || id WHERE search_name IS NULL"
            )


def probes(path: Path) -> dict[str, str]:
    """Real values from the file: a mid-aged advocate's address and code, a rare name."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        email, code = db.execute(
            "SELECT email, code FROM advocates WHERE id = (SELECT MAX(id) / 2 FROM advocates)"
        ).fetchone()
        friend = db.execute("SELECT email FROM orders ORDER BY id LIMIT 1 OFFSET 100").fetchone()[0]
    return {"email": email, "code": code, "friend": friend}


async def bench(path: Path, runs: int) -> None:
    """The store calls behind each page, timed in-process. (Through the app: its start plans
    e-mail reminders over every advocate first, which at a million takes minutes today.)"""
    found = probes(path)
    store = await open_store(f"sqlite:///{path}")

    def advocates(**options: Any) -> Case:
        return lambda: store.find_advocates(limit=51, **options)

    try:
        cases: dict[str, Case] = {
            "advocates, newest, page 1": advocates(),
            "advocates, newest, page 200": advocates(offset=9950),
            "advocates, most referred, page 1": advocates(sort="referred"),
            "advocates, most referred, page 50": advocates(sort="referred", offset=2450),
            "search: a whole e-mail address": advocates(search=search_terms(found["email"])),
            "search: an address's first 5 characters": advocates(
                search=search_terms(found["email"][:5])
            ),
            "search: a referral code": advocates(search=search_terms(found["code"])),
            "search: a common first name": advocates(search=search_terms("anna")),
            "search: nobody (the bounded name scan)": advocates(search=search_terms("zzzq")),
            "search: 'de vries', most referred": advocates(
                search=search_terms("de vries"), sort="referred"
            ),
            "advocates CSV, a 500-row page, searched": lambda: store.list_advocates(
                search="anna", limit=500
            ),
            "referrals, newest": lambda: store.list_referrals(limit=51),
            "referrals, WhatsApp, paid": lambda: store.list_referrals(
                channel="whatsapp", status="paid", limit=51
            ),
            "referrals, a friend's address": lambda: store.list_referrals(
                search=found["friend"], limit=51
            ),
            "referrals, nobody": lambda: store.list_referrals(search="zzzq", limit=51),
            "advocate profile": lambda: store.advocate_profile(1),
        }
        times = await measure(cases, runs)
    finally:
        await store.close()
    print(f"\n{runs} runs each after a first one.")
    print(f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
    print_table(times, set(times))


def explain(path: Path) -> None:
    """SQLite's plan for each branch of a search: a SEARCH on an index, or the bounded scan."""
    from shareback.storage.sqlite.database import SQLITE

    terms = search_terms("anna")
    assert terms is not None
    sql, params = found_advocates(SQLITE, terms, None)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        print("\nThe search's plan:")
        for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params):
            print(f"  {row[3]}")


def main() -> None:
    args = parse_args()
    shape = Shape(args.clicks, args.advocates, args.orders)
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or Path(scratch) / "people.db"
        prepare(path, shape)
        as_the_app_writes(path)
        asyncio.run(bench(path, args.runs))
        if args.explain:
            explain(path)


if __name__ == "__main__":
    main()
