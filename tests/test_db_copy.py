"""`shareback db copy`: the seeded demo database moved SQLite → PostgreSQL → SQLite, with the
owner API answering the same at every step and a link shared before the move still paying out."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from databases import PostgresDatabases
from shareback.app import create_app
from shareback.cli import main
from shareback.demo import prepare_demo
from shareback.settings import Settings
from shareback.storage import copy
from shareback.storage.migrate import migration_files
from starlette.testclient import TestClient
from support import BROWSER_UA, follow_link, order_paid, signed_headers

pytestmark = pytest.mark.postgres

KEY = "sbk_copy-test-admin-key-0123456789abcdef"
PAGES = (
    "/api/v1/campaigns?include_archived=true",
    "/api/v1/campaigns/default",
    "/api/v1/campaigns/default/stats",
    "/api/v1/campaigns/default/stats?from=2026-01-01&to=2026-12-31",
    "/api/v1/campaigns/default/code-pool",
    "/api/v1/advocates?limit=200",
    "/api/v1/referrals?limit=200",
    "/api/v1/rewards?limit=200",
    "/api/v1/rewards?limit=7",
    "/api/v1/rewards?status=approved&limit=200",
    "/api/v1/webhook-endpoints",
    "/api/v1/webhook-deliveries?limit=200",
    "/api/v1/exports/advocates.csv",
    "/api/v1/exports/referrals.csv",
    "/api/v1/exports/rewards.csv",
)


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> str:
    """An empty PostgreSQL database of its own, whichever engine the run's other tests use."""
    return postgres_databases.fresh()


def owner_view(settings: Settings) -> dict[str, Any]:
    """Everything the owner's API answers for the seeded shop, pages followed to their end."""
    answers: dict[str, Any] = {}
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as client:
        auth = {"authorization": f"Bearer {KEY}"}
        for page in PAGES:
            response = client.get(page, headers=auth)
            assert response.status_code == 200, (page, response.text)
            answers[page] = (
                response.json() if "json" in response.headers["content-type"] else response.text
            )
        rewards = answers["/api/v1/rewards?limit=200"]["data"]
        assert rewards, "the demo seeds rewards"
        for reward in rewards[:5]:
            path = f"/api/v1/rewards/{reward['id']}"
            answers[path] = client.get(path, headers=auth).json()
        cursor = answers["/api/v1/rewards?limit=7"]["next_cursor"]
        assert cursor is not None
        answers["cursor"] = client.get(
            f"/api/v1/rewards?limit=7&cursor={cursor}", headers=auth
        ).json()
    return answers


def run_copy(source: str, target: str) -> str:
    result = CliRunner().invoke(main, ["db", "copy", source, target])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_database_moves_to_postgresql_and_back_unchanged(
    tmp_path: Path, settings: Settings, postgres_url: str, webhook_secret: str
) -> None:
    source = dataclasses.replace(
        settings, database_url=f"sqlite:///{tmp_path / 'demo.db'}", admin_api_key=KEY
    )
    asyncio.run(prepare_demo(source))
    # A friend follows Anna's link before the move and orders after it.
    with TestClient(create_app(source), headers={"user-agent": BROWSER_UA}) as client:
        code = client.get(
            "/api/v1/advocates?search=anna", headers={"authorization": f"Bearer {KEY}"}
        ).json()["data"][0]["code"]
        ref = follow_link(client, code, "whatsapp")
    before = owner_view(source)

    output = run_copy(source.database_url, postgres_url)
    assert "secrets" in output and "clicks" in output
    on_postgres = dataclasses.replace(source, database_url=postgres_url)
    assert owner_view(on_postgres) == before

    back = dataclasses.replace(source, database_url=f"sqlite:///{tmp_path / 'back.db'}")
    run_copy(postgres_url, back.database_url)
    assert owner_view(back) == before

    # The ref signed before the move verifies after it (the signing key travelled), and new rows
    # get fresh ids after the copied ones (PostgreSQL's identities were moved on).
    with TestClient(create_app(on_postgres), headers={"user-agent": BROWSER_UA}) as client:
        body = order_paid("after-the-move", "friend.after@example.com", ref=ref)
        response = client.post(
            "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m-1")
        )
        assert response.json()["status"] == "recorded", response.text
        referrals = client.get(
            "/api/v1/referrals?limit=1", headers={"authorization": f"Bearer {KEY}"}
        ).json()["data"]
        newest_before = before["/api/v1/referrals?limit=200"]["data"][0]["id"]
        assert referrals[0]["order"]["id"] == "after-the-move"
        assert referrals[0]["id"] == newest_before + 1


def test_the_copy_refuses_a_target_that_holds_data(
    tmp_path: Path, settings: Settings, postgres_url: str
) -> None:
    source = dataclasses.replace(settings, database_url=f"sqlite:///{tmp_path / 'a.db'}")
    asyncio.run(prepare_demo(source))
    run_copy(source.database_url, postgres_url)
    result = CliRunner().invoke(main, ["db", "copy", source.database_url, postgres_url])
    assert result.exit_code == 1
    assert "already holds data" in result.output


def test_the_copy_refuses_a_missing_source_and_odd_urls(tmp_path: Path) -> None:
    missing = CliRunner().invoke(
        main, ["db", "copy", f"sqlite:///{tmp_path / 'none.db'}", f"sqlite:///{tmp_path / 'b.db'}"]
    )
    assert missing.exit_code == 1 and "no SQLite database" in missing.output
    odd = CliRunner().invoke(main, ["db", "copy", "mysql://x/y", f"sqlite:///{tmp_path / 'b.db'}"])
    assert odd.exit_code == 1 and "not a sqlite" in odd.output
    assert not (tmp_path / "b.db").exists()


def test_every_table_of_both_schemas_is_copied() -> None:
    """A migration that adds a table must add it to the copy too."""
    created: set[str] = set()
    for dialect in ("sqlite", "postgresql"):
        for _, sql in migration_files(dialect):
            for line in sql.splitlines():
                words = line.split()
                if line.upper().startswith("CREATE TABLE "):
                    created.add(words[2])
                elif line.upper().startswith("DROP TABLE "):  # rebuilt under another name
                    created.discard(words[2].rstrip(";"))
                elif line.upper().startswith("ALTER TABLE ") and "RENAME TO" in line.upper():
                    created.discard(words[2])
                    created.add(words[-1].rstrip(";"))
    assert created == set(copy.TABLES)
    assert json.dumps(copy.TABLES)  # a plain, ordered tuple of names
