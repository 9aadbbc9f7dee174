"""The contract's clean database: on PostgreSQL emptied by DELETE, not TRUNCATE (a twelfth of the
time; the contract never assumes an id)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import databases
import pytest
import store_contract_parallel


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if databases.backend() == "sqlite":
        return f"sqlite:///{tmp_path / 'shareback.db'}"
    made: databases.PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = made.shared()
    databases.delete_all(url)
    return url


@pytest.fixture(scope="session", autouse=True)
def _stop_worker_processes() -> Iterator[None]:
    """The concurrency tests' worker processes, if any were started, end with the session."""
    yield
    store_contract_parallel.close_workers()
