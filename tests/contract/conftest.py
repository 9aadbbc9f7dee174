"""The contract's clean database: on PostgreSQL emptied by DELETE, not TRUNCATE (a twelfth of the
time; the contract never assumes an id)."""

from __future__ import annotations

from pathlib import Path

import databases
import pytest


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if databases.backend() == "sqlite":
        return f"sqlite:///{tmp_path / 'shareback.db'}"
    made: databases.PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = made.shared()
    databases.delete_all(url)
    return url
