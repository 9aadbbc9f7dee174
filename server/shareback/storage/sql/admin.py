"""Admin users, sessions, sign-in attempts and API keys in SQL."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime

from shareback import retention
from shareback.storage.database import Row, db_time, from_db_time
from shareback.storage.records import AdminSession, AdminUser, ApiKey
from shareback.storage.sql.base import SqlBase


def _user(row: Row) -> AdminUser:
    return AdminUser(
        id=row["id"],
        email=row["email"],
        password_hash=row["password_hash"],
        created_at=db_time(row["created_at"]),
        last_login_at=from_db_time(row["last_login_at"]),
        role=row["role"],
        two_factor=row["totp_secret"] is not None,
        locale=row["locale"],
    )


def _key(row: Row) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        prefix=row["prefix"],
        created_at=db_time(row["created_at"]),
        last_used_at=from_db_time(row["last_used_at"]),
        revoked_at=from_db_time(row["revoked_at"]),
        scope=row["scope"],
    )


class AdminQueries(SqlBase):
    async def _failure_key(self, key: str) -> str:
        """Failed sign-ins are counted per typed e-mail and per address, never kept in the clear:
        a keyed hash, and the row goes after the throttle window (retention.LOGIN_FAILURES_KEPT)."""
        secret = await self._kept_secret("login_failure_key")
        return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()

    async def create_admin_user(
        self, email: str, password_hash: str, at: datetime, role: str = "owner"
    ) -> AdminUser | None:
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO admin_users (email, password_hash, created_at, role) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING *",
                (email.lower(), password_hash, at, role),
            )
        return _user(row) if row else None

    async def set_admin_role(self, user_id: int, role: str) -> bool:
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE admin_users SET role = ? WHERE id = ?", (role, user_id)
            )
            return changed == 1

    async def set_admin_locale(self, user_id: int, locale: str | None) -> bool:
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE admin_users SET locale = ? WHERE id = ?", (locale, user_id)
            )
            return changed == 1

    async def set_admin_password(self, email: str, password_hash: str) -> bool:
        async with self._transaction() as db:
            changed = (
                await db.execute(
                    "UPDATE admin_users SET password_hash = ? WHERE email = ?",
                    (password_hash, email.lower()),
                )
                == 1
            )
            if changed:  # a new password ends every session of that user
                await db.execute(
                    "DELETE FROM admin_sessions WHERE user_id = (SELECT id FROM admin_users WHERE email = ?)",
                    (email.lower(),),
                )
            return changed

    async def admin_user(self, email: str) -> AdminUser | None:
        row = await self._one("SELECT * FROM admin_users WHERE email = ?", (email.lower(),))
        return _user(row) if row else None

    async def admin_user_by_id(self, user_id: int) -> AdminUser | None:
        row = await self._one("SELECT * FROM admin_users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    async def admin_users(self) -> list[AdminUser]:
        return [_user(row) for row in await self._all("SELECT * FROM admin_users ORDER BY email")]

    async def delete_admin_user(self, user_id: int) -> bool:
        async with self._transaction() as db:
            await db.execute("DELETE FROM admin_sessions WHERE user_id = ?", (user_id,))
            changed = await db.execute("DELETE FROM admin_users WHERE id = ?", (user_id,))
            return changed == 1

    async def start_session(
        self, token_hash: str, user_id: int, csrf_token: str, at: datetime, expires_at: datetime
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO admin_sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (token_hash, user_id, csrf_token, at, expires_at),
            )
            await db.execute("UPDATE admin_users SET last_login_at = ? WHERE id = ?", (at, user_id))
            await db.execute("DELETE FROM admin_sessions WHERE expires_at < ?", (at,))

    async def session(self, token_hash: str, now: datetime) -> AdminSession | None:
        row = await self._one(
            "SELECT u.*, s.csrf_token, s.expires_at AS session_expires FROM admin_sessions s "
            "JOIN admin_users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?",
            (token_hash, now),
        )
        if row is None:
            return None
        return AdminSession(_user(row), row["csrf_token"], db_time(row["session_expires"]))

    async def end_session(self, token_hash: str) -> None:
        async with self._transaction() as db:
            await db.execute("DELETE FROM admin_sessions WHERE token_hash = ?", (token_hash,))

    async def count_login_attempt(
        self, keys: Sequence[str], since: datetime, at: datetime, limit: int
    ) -> bool:
        """Counts an attempt under every key before its password is checked, in the transaction
        that reads the counts: of any number of simultaneous guesses only `limit` get through.
        Rows stay until a sign-in succeeds (clear_login_failures) or the window passes, and hold
        no typed address or IP, only keyed hashes (_failure_key)."""
        hashed = [await self._failure_key(key) for key in keys]
        async with self._transaction() as db:
            for key in sorted(set(hashed)):  # one order for every transaction: no deadlock
                await db.lock(f"login_attempts:{key}")
            await db.execute(
                "DELETE FROM login_failures WHERE at < ?", (at - retention.LOGIN_FAILURES_KEPT,)
            )
            for key in hashed:
                row = await db.fetchrow(
                    "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?", (key, since)
                )
                if row is not None and int(row[0]) >= limit:
                    return False
            await db.executemany(
                "INSERT INTO login_failures (key, at) VALUES (?, ?)", [(key, at) for key in hashed]
            )
            return True

    async def clear_login_failures(self, key: str) -> None:
        hashed = await self._failure_key(key)
        async with self._transaction() as db:
            await db.execute("DELETE FROM login_failures WHERE key = ?", (hashed,))

    async def create_api_key(
        self, name: str, prefix: str, key_hash: str, at: datetime, scope: str = "full"
    ) -> ApiKey:
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO api_keys (name, prefix, key_hash, created_at, scope) "
                "VALUES (?, ?, ?, ?, ?) RETURNING *",
                (name, prefix, key_hash, at, scope),
            )
        assert row is not None
        return _key(row)

    async def api_key(self, key_hash: str, at: datetime) -> ApiKey | None:
        row = await self._one(
            "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", (key_hash,)
        )
        if row is None:
            return None
        last = from_db_time(row["last_used_at"])
        if last is None or (at - last).total_seconds() > 60:  # stamp at most once a minute
            async with self._transaction() as db:
                await db.execute(
                    "UPDATE api_keys SET last_used_at = ? WHERE id = ?",
                    (at, row["id"]),
                )
        return _key(row)

    async def api_keys(self) -> list[ApiKey]:
        return [_key(row) for row in await self._all("SELECT * FROM api_keys ORDER BY id")]

    async def revoke_api_key(self, key_id: int, at: datetime) -> bool:
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (at, key_id),
            )
            return changed == 1
