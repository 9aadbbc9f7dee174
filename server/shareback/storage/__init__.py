"""Storage: the Store interface and its backends, chosen by the database URL's scheme."""

from __future__ import annotations

from shareback.storage.base import Store


async def open_store(database_url: str) -> Store:
    scheme = database_url.split(":", 1)[0]
    if scheme == "sqlite":
        from shareback.storage.sqlite import SqliteStore

        return await SqliteStore.open(database_url)
    if scheme in ("postgres", "postgresql"):
        raise ValueError(
            "PostgreSQL support arrives in a later release; use sqlite:///shareback.db"
        )
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")
