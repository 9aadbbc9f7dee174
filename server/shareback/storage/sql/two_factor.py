"""Two-factor sign-in in SQL: TOTP secrets, the last step used (no replays), recovery codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shareback.storage.database import Connection
from shareback.storage.records import TwoFactorState
from shareback.storage.sql.base import SqlBase


class TwoFactorQueries(SqlBase):
    async def two_factor_state(self, user_id: int) -> TwoFactorState | None:
        row = await self._one(
            "SELECT u.totp_secret, u.totp_pending_secret, (SELECT COUNT(*) FROM "
            "admin_recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL) AS codes_left "
            "FROM admin_users u WHERE u.id = ?",
            (user_id,),
        )
        if row is None:
            return None
        return TwoFactorState(
            row["totp_secret"], row["totp_pending_secret"], int(row["codes_left"])
        )

    async def begin_two_factor(self, user_id: int, pending_secret: str) -> bool:
        """Keeps the secret being enrolled; the one in force (if any) stays until it is confirmed."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE admin_users SET totp_pending_secret = ? WHERE id = ?",
                (pending_secret, user_id),
            )
            return changed == 1

    async def confirm_two_factor(
        self,
        user_id: int,
        pending_secret: str,
        step: int,
        recovery_hashes: Sequence[str],
        at: datetime,
    ) -> bool:
        """The pending secret goes into force with fresh recovery codes, all or nothing; False when
        another enrolment replaced the pending secret meanwhile."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE admin_users SET totp_secret = totp_pending_secret, "
                "totp_pending_secret = NULL, totp_last_step = ? "
                "WHERE id = ? AND totp_pending_secret = ?",
                (step, user_id, pending_secret),
            )
            if changed != 1:
                return False
            await self._replace_codes(db, user_id, recovery_hashes, at)
            return True

    async def replace_recovery_codes(
        self, user_id: int, recovery_hashes: Sequence[str], at: datetime
    ) -> bool:
        async with self._transaction() as db:
            row = await db.fetchrow(
                "SELECT id FROM admin_users WHERE id = ? AND totp_secret IS NOT NULL", (user_id,)
            )
            if row is None:
                return False
            await self._replace_codes(db, user_id, recovery_hashes, at)
            return True

    @staticmethod
    async def _replace_codes(
        db: Connection, user_id: int, hashes: Sequence[str], at: datetime
    ) -> None:
        await db.execute("DELETE FROM admin_recovery_codes WHERE user_id = ?", (user_id,))
        await db.executemany(
            "INSERT INTO admin_recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
            [(user_id, code_hash, at) for code_hash in hashes],
        )

    async def use_totp_step(self, user_id: int, step: int) -> bool:
        """True once per step and user: the same code (or an older one) a second time is refused,
        however many requests carry it at once."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE admin_users SET totp_last_step = ? WHERE id = ? "
                "AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)",
                (step, user_id, step),
            )
            return changed == 1

    async def use_recovery_code(self, user_id: int, code_hash: str, at: datetime) -> bool:
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE admin_recovery_codes SET used_at = ? "
                "WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                (at, user_id, code_hash),
            )
            return changed == 1

    async def reset_two_factor(self, user_id: int) -> bool:
        """Two-factor sign-in off: secrets and recovery codes gone (a lost phone, or its owner's
        choice)."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM admin_recovery_codes WHERE user_id = ?", (user_id,))
            changed = await db.execute(
                "UPDATE admin_users SET totp_secret = NULL, totp_pending_secret = NULL, "
                "totp_last_step = NULL WHERE id = ?",
                (user_id,),
            )
            return changed == 1
