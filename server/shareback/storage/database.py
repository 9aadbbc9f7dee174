"""What the SQL store needs from a database engine: transactions, reads, a dialect, migrations.

The store (storage/sql/) is written once, in SQL both engines understand, with `?` placeholders;
each engine (storage/sqlite/, storage/postgres/) adapts it: placeholders, value types, locks and
the few expressions where the dialects differ (`Dialect`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from shareback.shop_days import Stretch


class InvalidText(ValueError):
    """Text no engine should keep: a NUL character (PostgreSQL refuses it, SQLite would keep it, so
    both refuse it and the two engines never disagree). Answered as a 400, never a 500."""


def checked(params: Sequence[Any]) -> Sequence[Any]:
    for value in params:
        if isinstance(value, str) and "\x00" in value:
            raise InvalidText("text with a NUL character cannot be stored")
    return params


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


@dataclass(frozen=True)
class Dialect:
    """The SQL fragments that differ between SQLite and PostgreSQL."""

    name: str  # "sqlite" | "postgresql"
    # The UTC date of a time column, as written in the reporting indexes of each engine.
    day_of: str  # a format string: day_of.format("created_at")
    # Case-insensitive LIKE.
    ilike: str
    # Locks the rows a claim subquery picks, skipping those another worker holds ("" in SQLite,
    # whose single writer already serialises the claims); formatted with the table's alias.
    skip_locked: str
    # SQLite's planner hints (INDEXED BY, CROSS JOIN order); PostgreSQL plans by its statistics.
    hints: bool
    # The UTC date of a time column moved by a number of seconds (the shop's offset from UTC):
    # shifted_day_of.format(column, seconds).
    shifted_day_of: str = ""

    def day(self, column: str) -> str:
        return self.day_of.format(column)

    def shop_day(self, column: str, stretches: Sequence[Stretch]) -> str:
        """The shop day of a time column: its UTC time plus the shop's offset of that moment
        (shop_days.stretches: a CASE over the few offset changes of the range). The change
        moments are written into the SQL (they come from the tz database, never from a request)."""
        shifted = [self.shifted_day_of.format(column, s.offset) for s in stretches]
        if len(shifted) == 1:
            return shifted[0]
        branches = " ".join(
            f"WHEN {column} < {self.time_literal(following.since)} THEN {day}"
            for following, day in zip(stretches[1:], shifted, strict=False)
            if following.since is not None
        )
        return f"(CASE {branches} ELSE {shifted[-1]} END)"

    def time_literal(self, moment: datetime) -> str:
        text = to_db_time(moment)
        return f"'{text}'" if self.name == "sqlite" else f"TIMESTAMPTZ '{text}+00'"

    def lock_rows(self, alias: str) -> str:
        return self.skip_locked.format(alias)

    def for_update(self) -> str:
        """Rows read to be changed, waited for while another transaction holds them ("" in
        SQLite, whose single writer already serialises every change)."""
        return "" if self.name == "sqlite" else " FOR UPDATE"

    def param(self, sql_type: str) -> str:
        """A placeholder whose type PostgreSQL cannot infer (in a SELECT list): `?::bigint`."""
        return "?" if self.name == "sqlite" else f"?::{sql_type}"

    def bytewise(self, column: str) -> str:
        """The column compared byte by byte, whatever the database's collation, as the prefix
        indexes of migration 0022 hold it: `bytewise(c) >= ? AND bytewise(c) < ?` is a prefix
        match on an index (SQLite compares bytes already)."""
        return column if self.name == "sqlite" else f'({column} COLLATE "C")'

    def indexed_by(self, index: str) -> str:
        return f" INDEXED BY {index}" if self.hints else ""

    @property
    def cross_join(self) -> str:
        return "CROSS JOIN" if self.hints else "JOIN"


class Connection(Protocol):
    """One connection, inside a transaction (writes) or not (reads)."""

    dialect: Dialect

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchrow(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs one statement and returns how many rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def lock(self, name: str) -> None:
        """Serialises this transaction with every other one that takes the same lock, until it
        ends: check-then-write rules (a code nobody has, a friend's first order) stay true under
        concurrent writers on several machines."""
        ...

    async def lock_all(self, names: Sequence[str]) -> None:
        """lock() for each name, in one order every transaction shares (no deadlocks)."""
        ...


class Database(Protocol):
    dialect: Dialect

    def transaction(self) -> AbstractAsyncContextManager[Connection]: ...

    def reading(self) -> AbstractAsyncContextManager[Connection]: ...

    def single_write(self) -> AbstractAsyncContextManager[Connection]:
        """A connection for one write statement that is its own transaction: on PostgreSQL no
        BEGIN and COMMIT round trips around it; on SQLite the one writer, as ever."""
        ...

    async def migrate(self) -> list[str]: ...

    async def close(self) -> None: ...


def to_db_time(moment: datetime) -> str:
    """SQLite's stored form of a time: UTC text that sorts as it reads, 'YYYY-MM-DD HH:MM:SS.ffffff'
    (isoformat: a third of strftime's time, and every click has one)."""
    return moment.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def from_db_time(value: str | datetime | None) -> datetime | None:
    """A time column as either engine returns it (SQLite: text; PostgreSQL: timestamptz)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def db_time(value: str | datetime) -> datetime:
    """A NOT NULL time column."""
    moment = from_db_time(value)
    assert moment is not None
    return moment


def db_day(value: str | date) -> date:
    """A day column (SQLite: 'YYYY-MM-DD'; PostgreSQL: date)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def db_int(value: Any) -> int:
    """SUM() in PostgreSQL is numeric (a Decimal); minor units are whole numbers either way."""
    return 0 if value is None else int(value)
