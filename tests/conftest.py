"""Shared fixtures: settings on a fresh SQLite file and the app with its lifespan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import databases
import pytest
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, SHOP, new_webhook_secret


@pytest.fixture
def webhook_secret() -> str:
    return new_webhook_secret()


@pytest.fixture
def settings(tmp_path: Path, webhook_secret: str) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'shareback.db'}",
        public_url="http://refer.test",
        webhook_secrets=(webhook_secret,),
        identity_secret="identity-secret-for-tests",
        landing_url=f"{SHOP}/welcome?utm_source=referral",
        allowed_origins=(SHOP,),
        shop_name="Brandpunt Koffie",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server URL; skips when it is unreachable, fails instead under CI=true."""
    url = databases.server_url()
    reason = databases.unreachable_reason(url)
    if reason is not None:
        if databases.in_ci():
            pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run)")
        pytest.skip(reason)
    return url
