"""Storage: the Store interface, written once in SQL (storage/sql/) over the engine the database
URL names: SQLite (storage/sqlite/) or PostgreSQL (storage/postgres/)."""

from __future__ import annotations

from datetime import tzinfo

from shareback.shop_days import UTC_ZONE
from shareback.storage.base import Store
from shareback.storage.database import Database

SCHEMES = ("sqlite", "postgresql", "postgres")


async def open_database(database_url: str, pool_size: int = 10) -> Database:
    scheme = database_url.split(":", 1)[0]
    if scheme == "sqlite":
        from shareback.storage.sqlite import SqliteDatabase

        return await SqliteDatabase.open(database_url)
    if scheme in ("postgres", "postgresql"):
        from shareback.storage.postgres import PostgresDatabase

        return await PostgresDatabase.open(database_url, pool_size)
    raise ValueError(
        f"unsupported database URL scheme {scheme!r}: use sqlite:///shareback.db "
        "or postgresql://user@host/dbname"
    )


async def open_store(database_url: str, pool_size: int = 10, zone: tzinfo = UTC_ZONE) -> Store:
    """zone: the shop's (Settings.zone()); the store's daily rollups, visitor-days and day counts
    are cut at its midnight. Every process of one shop must open its store in the same zone."""
    from shareback.storage.sql import SqlStore

    return SqlStore(await open_database(database_url, pool_size), zone)
