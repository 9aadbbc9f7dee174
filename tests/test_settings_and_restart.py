"""Settings from the environment; secrets generated once and kept across restarts; migrations."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from shareback import tokens
from shareback.app import create_app
from shareback.settings import DEFAULT_DATABASE_URL, Settings
from shareback.storage.migrate import migration_files
from starlette.testclient import TestClient
from support import db_rows, db_tables, follow_link, join_campaign


def test_settings_come_from_shareback_variables() -> None:
    settings = Settings.from_env(
        {
            "SHAREBACK_DATABASE_URL": "sqlite:///x.db",
            "SHAREBACK_PUBLIC_URL": "https://refer.example.com/",
            "SHAREBACK_WEBHOOK_SECRET": "whsec_bmV3 whsec_b2xk",
            "SHAREBACK_ALLOWED_ORIGINS": "https://shop.example, https://www.shop.example",
            "SHAREBACK_LANDING_URL": "https://shop.example/",
            "UNRELATED": "x",
        }
    )
    assert settings.database_url == "sqlite:///x.db"
    assert settings.public_url == "https://refer.example.com"
    assert settings.webhook_secrets == ("whsec_bmV3", "whsec_b2xk")
    assert settings.allowed_origins == ("https://shop.example", "https://www.shop.example")
    defaults = Settings.from_env({})
    assert defaults.database_url == DEFAULT_DATABASE_URL == "sqlite:///shareback.db"
    assert defaults.secret_key is None and defaults.allowed_origins is None


def test_links_shared_before_a_restart_stay_valid(settings: Settings) -> None:
    unset = dataclasses.replace(settings, webhook_secrets=(), identity_secret=None)
    with TestClient(create_app(unset)) as client:
        doc = join_campaign(client, "anna@example.nl", "Anna", signed=False)
        ref = follow_link(client, str(doc["code"]))
        first = {
            row["name"]: row["value"]
            for row in db_rows(settings, "SELECT name, value FROM secrets")
        }
    with TestClient(create_app(unset)) as client:
        body = client.get("/api/v1/campaigns/default/widget", params={"ref": ref}).json()
        assert body["ref"] == "valid"
        again = {
            row["name"]: row["value"]
            for row in db_rows(settings, "SELECT name, value FROM secrets")
        }
    assert first == again
    assert first["webhook_secret"].startswith("whsec_")
    assert tokens.verify_ref(first["secret_key"], ref).code == doc["code"]


def test_a_secret_given_in_the_environment_wins(settings: Settings) -> None:
    with TestClient(create_app(dataclasses.replace(settings, secret_key="from-env"))) as client:
        doc = join_campaign(client, "anna@example.nl", "Anna")
        ref = follow_link(client, str(doc["code"]))
    assert tokens.verify_ref("from-env", ref).code == doc["code"]


def test_landing_url_and_origins_given_later_update_the_default_campaign(
    settings: Settings,
) -> None:
    with TestClient(create_app(settings)):
        pass
    moved = dataclasses.replace(
        settings, landing_url="https://new.example/hi", allowed_origins=None
    )
    with TestClient(create_app(moved)) as client:
        doc = join_campaign_from(client, "https://new.example")
        location = client.get(f"/r/{doc}", follow_redirects=False).headers["location"]
    assert location.startswith("https://new.example/hi?ref=")


def join_campaign_from(client: TestClient, origin: str) -> str:
    response = client.post(
        "/api/v1/advocates",
        json={"campaign": "default", "email": "a@example.nl"},
        headers={"origin": origin},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["code"])


def test_migrations_apply_once_and_are_recorded(settings: Settings) -> None:
    for _ in range(2):
        with TestClient(create_app(settings)):
            pass
    names = [
        row[0] for row in db_rows(settings, "SELECT name FROM schema_migrations ORDER BY name")
    ]
    assert names == [name for name, _ in migration_files("sqlite")]
    assert names[0] == "0001_referral_loop"
    if settings.database_url.startswith("sqlite:"):
        assert db_rows(settings, "PRAGMA journal_mode")[0][0] == "wal"


def test_the_migrate_command_creates_the_schema(fresh_database_url: Callable[[], str]) -> None:
    from click.testing import CliRunner
    from shareback.cli import main

    url = fresh_database_url()
    runner = CliRunner()
    first = runner.invoke(main, ["migrate"], env={"SHAREBACK_DATABASE_URL": url})
    assert first.exit_code == 0 and "0001_referral_loop" in first.output
    second = runner.invoke(main, ["migrate"], env={"SHAREBACK_DATABASE_URL": url})
    assert "up to date" in second.output
    tables = db_tables(Settings(database_url=url))
    assert {"campaigns", "advocates", "clicks", "orders", "referrals", "rewards"} <= tables
