"""The people search reads indexes, on both engines: every way of matching an e-mail address, a
code or the start of a name is a range on an index (migration 0022), and only the search for a
name's middle walks the advocates, newest first, stopped by its LIMIT (no sorting of them all).
The plans are read on an empty schema with sequential scans priced out (PostgreSQL) so that the
planner shows which indexes it can use; a million rows pick the same (bench/people_at_scale.py)."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import databases
from shareback.people_search import SearchTerms, search_terms
from shareback.settings import Settings
from shareback.storage.database import Dialect
from shareback.storage.postgres.database import POSTGRES
from shareback.storage.sql.people import found_advocates, found_orders
from shareback.storage.sqlite.database import SQLITE
from starlette.testclient import TestClient


def terms() -> SearchTerms:
    found = search_terms("Anna")
    assert found is not None
    return found


def branches(dialect: Dialect) -> list[tuple[str, list[Any]]]:
    """Each SELECT of the searches (all campaigns, one campaign) with its own parameters."""
    out: list[tuple[str, list[Any]]] = []
    for sql, params in (
        found_advocates(dialect, terms(), None),
        found_advocates(dialect, terms(), 1),
        found_orders(dialect, terms()),
    ):
        remaining = list(params)
        for branch in sql.split(" UNION "):
            count = branch.count("?")
            out.append((branch, remaining[:count]))
            remaining = remaining[count:]
        assert not remaining
    return out


def plan(settings: Settings, dialect: Dialect, sql: str, params: list[Any]) -> str:
    url = settings.database_url
    if dialect is SQLITE:
        return " / ".join(
            str(row[3]) for row in databases.rows(url, f"EXPLAIN QUERY PLAN {sql}", params)
        )

    async def explain() -> str:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("SET enable_seqscan = off")
            found = await conn.fetch(f"EXPLAIN {databases.numbered(sql)}", *params)
            return " / ".join(str(row[0]) for row in found)
        finally:
            await conn.close()

    return databases.run(explain())


def test_every_search_branch_reads_an_index_or_stops_at_its_limit(
    client: TestClient, settings: Settings
) -> None:
    dialect = POSTGRES if databases.is_postgres_url(settings.database_url) else SQLITE
    found = branches(dialect)
    # e-mail, code, coupon, link, friend's code, name start, name middle; twice; 2 for orders
    assert len(found) == 16
    for sql, params in found:
        shown = plan(settings, dialect, sql, params)
        anywhere = "LIKE ?" in sql
        if dialect is SQLITE:
            if anywhere:
                # The newest advocates (of the campaign), in index order from the newest, no
                # further back than NAME_SCAN: no sort, no scan of every row.
                assert "TEMP B-TREE" not in shown, shown
                assert "rowid>?" in shown, shown
            elif "order_id = ?" in sql:
                assert "USING COVERING INDEX orders_by_order_id" in shown, shown
            else:
                # The range itself bounds the index read (not just the campaign).
                assert re.search(r"USING (COVERING )?INDEX \S+ \(.*>\? AND \S+<\?\)", shown), (
                    sql,
                    shown,
                )
        else:
            assert "Seq Scan" not in shown, (sql, shown)
            if anywhere:
                assert re.search(r"Index Cond: .*\(id > ", shown), shown
            if not anywhere:
                assert "Index" in shown and "Sort" not in shown, (sql, shown)
                if "order_id = ?" not in sql:
                    assert re.search(r"Index Cond: .*>= ", shown), (sql, shown)
