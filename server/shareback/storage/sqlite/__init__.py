"""The SQLite engine: the embedded default, one process on one box, zero set-up."""

from shareback.storage.sqlite.database import SqliteDatabase, database_path

__all__ = ["SqliteDatabase", "database_path"]
