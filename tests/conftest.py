"""Shared fixtures: settings on a clean database (a fresh SQLite file, or the run's PostgreSQL
database emptied, with SHAREBACK_TEST_DATABASE=postgresql) and the app with its lifespan."""

from __future__ import annotations

import itertools
import json
import signal
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import FrameType

import databases
import pytest
from shareback.app import create_app
from shareback.outgoing.worker import envelope
from shareback.settings import Settings
from shareback.storage.sqlite import database_path
from starlette.testclient import TestClient
from support import BROWSER_UA, SHOP, new_webhook_secret
from test_openapi import event_errors


@pytest.fixture
def webhook_secret() -> str:
    return new_webhook_secret()


UNREACHABLE = pytest.StashKey[str | None]()


def pytest_configure(config: pytest.Config) -> None:
    try:
        chosen = databases.backend()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    reason = None
    if chosen == "postgresql":
        reason = databases.unreachable_reason(databases.server_url())
        if reason is not None and databases.in_ci():
            pytest.exit(f"{reason}; CI=true, so the PostgreSQL run cannot be skipped", returncode=1)
        # A run stopped by SIGTERM (timeout, CI cancel) still tears down, dropping its databases.
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, interrupt)
    config.stash[UNREACHABLE] = reason


def interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_report_header(config: pytest.Config) -> str:
    if databases.backend() == "sqlite":
        return "database: sqlite (a fresh file per test)"
    return f"database: postgresql on {databases.shown(databases.server_url())}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """postgres-marked tests run only in the PostgreSQL run; that run skips everything when the
    server is unreachable (outside CI, where pytest_configure has already stopped it)."""
    reason = config.stash[UNREACHABLE]
    if databases.backend() == "sqlite":
        only_pg = pytest.mark.skip(reason="runs only with SHAREBACK_TEST_DATABASE=postgresql")
        for item in items:
            if item.get_closest_marker("postgres") is not None:
                item.add_marker(only_pg)
    elif reason is not None:
        skipped = pytest.mark.skip(reason=f"PostgreSQL run skipped: {reason}")
        for item in items:
            item.add_marker(skipped)


@pytest.fixture(scope="session")
def postgres_server(pytestconfig: pytest.Config) -> str:
    """The PostgreSQL server URL; skips when it is unreachable (CI=true has failed the run)."""
    reason = pytestconfig.stash[UNREACHABLE]
    if reason is not None:
        pytest.skip(reason)
    return databases.server_url()


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: str) -> Iterator[databases.PostgresDatabases]:
    """Every database this session makes; dropped at its end, failures or not."""
    made = databases.PostgresDatabases(postgres_server)
    try:
        yield made
    finally:
        made.drop_all()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean database for this test: a new SQLite file, or the shared PostgreSQL one emptied."""
    if databases.backend() == "sqlite":
        return f"sqlite:///{tmp_path / 'shareback.db'}"
    made: databases.PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = made.shared()
    databases.truncate_all(url)
    return url


@pytest.fixture
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Makes another empty database (restart and copy tests need two): a file or a database."""
    if databases.backend() == "sqlite":
        numbers = itertools.count(1)
        return lambda: f"sqlite:///{tmp_path / f'fresh-{next(numbers)}.db'}"
    made: databases.PostgresDatabases = request.getfixturevalue("postgres_databases")
    return made.fresh


@pytest.fixture(autouse=True)
def outgoing_events_match_the_document(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every event any test makes is checked against /openapi.json's `webhooks`, in the
    envelope the worker sends: a field added to a payload must be documented to pass."""
    url = (
        request.getfixturevalue("database_url") if "database_url" in request.fixturenames else None
    )
    yield
    if url is None or (databases.backend() == "sqlite" and not Path(database_path(url)).exists()):
        return
    if "outbox" not in databases.tables(url):
        return
    found = []
    for row in databases.rows(url, "SELECT type, payload, created_at FROM outbox"):
        moment = datetime.fromisoformat(str(row["created_at"]))
        body = envelope(row["type"], moment, json.loads(row["payload"]), "http://refer.test")
        found += event_errors(json.loads(body))
    assert not found, f"events that /openapi.json does not describe: {found[:5]}"


@pytest.fixture
def settings(database_url: str, webhook_secret: str) -> Settings:
    return Settings(
        database_url=database_url,
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
