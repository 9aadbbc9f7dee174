"""The PostgreSQL engine, for several processes on several machines."""

from shareback.storage.postgres.database import PostgresDatabase

__all__ = ["PostgresDatabase"]
