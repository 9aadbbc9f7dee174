"""The dashboard's advocates and referrals pages at a million advocates, on a big SQLite file.

    python bench/people_at_scale.py [--advocates 1000000 --clicks 1000000 --orders 50000]
                                    [--db PATH] [--runs 5] [--explain]

Fills a database as stats_at_scale.py does (kept at --db between runs), gives every advocate the
folded name and coupon code the app writes, then times each page through the real app, signed
in, `--runs` times round-robin. Prints min/median/max in milliseconds; the target is a median
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

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from scale_data import Shape
from shareback.app import create_app
from shareback.people_search import search_terms
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.sql.people import found_advocates
from stats_at_scale import PUBLIC_URL, Case, log_in, measure, prepare, print_table, running


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
    found = probes(path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        public_url=PUBLIC_URL,
        approve_interval_seconds=3600,
        delivery_interval_seconds=3600,
    )
    pages = {
        "advocates, newest, page 1": "/admin/advocates",
        "advocates, newest, page 200": "/admin/advocates?page=200",
        "advocates, most referred, page 1": "/admin/advocates?sort=referred",
        "advocates, most referred, page 50": "/admin/advocates?sort=referred&page=50",
        "search: e-mail, whole": f"/admin/advocates?q={found['email']}",
        "search: e-mail, first 5 characters": f"/admin/advocates?q={found['email'][:5]}",
        "search: referral code": f"/admin/advocates?q={found['code']}",
        "search: a common first name": "/admin/advocates?q=anna",
        "search: no one (scans names, bounded)": "/admin/advocates?q=zzzq",
        "search: most referred, 'de vries'": "/admin/advocates?q=de+vries&sort=referred",
        "referrals, newest": "/admin/referrals",
        "referrals, WhatsApp, paid": "/admin/referrals?channel=whatsapp&status=paid",
        "referrals, friend's e-mail": f"/admin/referrals?q={found['friend']}",
        "referrals, no one": "/admin/referrals?q=zzzq",
        "advocate profile": "/admin/advocates/1",
    }
    async with running(create_app(settings)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            store = await open_store(settings.database_url)
            try:
                await log_in(client, store)
                cases: dict[str, Case] = {}
                for name, url in pages.items():

                    async def page(url: str = url) -> None:
                        answer = await client.get(url)
                        assert answer.status_code == 200, (url, answer.text[:300])

                    cases[name] = page
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
