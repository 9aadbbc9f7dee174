"""Queries that run inside the SQLite writer (which the event loop waits for) over a shop's whole
history must search an index, never walk a table per row: their plans on the real migrated
schema. A plan that goes back to scanning takes hours at 100,000 advocates (bench/README.md)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import databases
import pytest
from shareback.storage import open_store
from shareback.storage.sql.mail_plan import REMINDER_CANDIDATES

pytestmark = pytest.mark.skipif(
    databases.backend() != "sqlite", reason="SQLite's query plans (PostgreSQL plans by statistics)"
)


def plan_of(path: Path, sql: str, params: tuple[object, ...]) -> list[str]:
    async def migrate() -> None:
        store = await open_store(f"sqlite:///{path}")
        try:
            await store.migrate()
        finally:
            await store.close()

    asyncio.run(migrate())
    with sqlite3.connect(path) as db:
        return [str(row[3]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_the_reminder_planner_looks_each_advocate_up_by_index(tmp_path: Path) -> None:
    plan = plan_of(tmp_path / "plans.db", REMINDER_CANDIDATES, (1, "b", "a"))
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert searches[0].startswith("SEARCH a USING INDEX advocates_by_campaign"), plan
    assert "SEARCH e USING INDEX events_by_sharer (campaign_id=? AND advocate_id=?)" in plan, plan
    assert any(s.startswith("SEARCH k USING COVERING INDEX") for s in searches), plan
    assert any("dedupe_key=?" in s for s in searches), plan
    assert not any(s.startswith("SCAN") for s in searches), plan
