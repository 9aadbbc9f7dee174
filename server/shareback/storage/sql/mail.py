"""E-mail in SQL: campaign mail settings and templates, the shopper's language, the outbox of
messages claimed under a lease (as storage/sql/outbox.py claims deliveries), and suppressions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from shareback.mail import journeys
from shareback.storage.database import Row, db_time, from_db_time
from shareback.storage.records import (
    DueMail,
    MailAttempt,
    MailRow,
    MailSettings,
    MailTemplate,
)
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.leased_queue import claim_due
from shareback.storage.sql.mail_plan import plan, plan_reminders, plan_summaries

MAIL_STATUSES = ("pending", "sent", "dead", "suppressed", "skipped")


def _mail_row(row: Row) -> MailRow:
    return MailRow(
        id=row["id"],
        campaign_id=row["campaign_id"],
        journey=row["journey"],
        recipient=row["recipient"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=db_time(row["next_attempt_at"]),
        last_error=row["last_error"],
        message_id=row["message_id"],
        subject=row["subject"],
        lang=row["lang"],
        sent_at=from_db_time(row["sent_at"]),
        created_at=db_time(row["created_at"]),
    )


class MailQueries(SqlBase):
    async def mail_settings(self, campaign_id: int) -> MailSettings:
        row = await self._one("SELECT * FROM mail_settings WHERE campaign_id = ?", (campaign_id,))
        if row is None:
            return journeys.defaults(campaign_id)
        return MailSettings(
            campaign_id=row["campaign_id"],
            sender=row["sender"],
            lang=row["lang"],
            journeys=tuple(row["journeys"].split()),
            reminder_days=row["reminder_days"],
        )

    async def set_mail_settings(self, settings: MailSettings, at: datetime) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO mail_settings (campaign_id, sender, lang, journeys, reminder_days, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET "
                "sender = excluded.sender, lang = excluded.lang, journeys = excluded.journeys, "
                "reminder_days = excluded.reminder_days, updated_at = excluded.updated_at",
                (
                    settings.campaign_id,
                    settings.sender,
                    # Only a programmatic save of the defaults has no language: English, as before.
                    settings.lang or "en",
                    " ".join(settings.journeys),
                    settings.reminder_days,
                    at,
                ),
            )

    async def mail_templates(self, campaign_id: int) -> list[MailTemplate]:
        """The owner's own templates of a campaign (journeys without one use the default)."""
        rows = await self._all(
            "SELECT * FROM mail_templates WHERE campaign_id = ? ORDER BY journey, lang",
            (campaign_id,),
        )
        return [
            MailTemplate(r["journey"], r["lang"], r["subject"], r["text_body"], r["html_body"])
            for r in rows
        ]

    async def set_mail_template(
        self, campaign_id: int, template: MailTemplate | None, journey: str, lang: str, at: datetime
    ) -> None:
        """Keeps the owner's template; None goes back to the default wording."""
        async with self._transaction() as db:
            if template is None:
                await db.execute(
                    "DELETE FROM mail_templates WHERE campaign_id = ? AND journey = ? AND lang = ?",
                    (campaign_id, journey, lang),
                )
                return
            await db.execute(
                "INSERT INTO mail_templates (campaign_id, journey, lang, subject, text_body, "
                "html_body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (campaign_id, journey, lang) DO UPDATE SET subject = excluded.subject, "
                "text_body = excluded.text_body, html_body = excluded.html_body, "
                "updated_at = excluded.updated_at",
                (
                    campaign_id,
                    journey,
                    lang,
                    template.subject,
                    template.text_body,
                    template.html_body,
                    at,
                ),
            )

    async def remember_mail_lang(self, email_key: str, lang: str, at: datetime) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO mail_contacts (email_key, lang, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (email_key) DO UPDATE SET lang = excluded.lang, "
                "updated_at = excluded.updated_at",
                (email_key, lang, at),
            )

    async def plan_mail(
        self,
        campaign_id: int,
        journey: str,
        dedupe_key: str,
        recipient: str,
        email_key: str,
        name: str | None,
        facts: dict[str, Any],
        at: datetime,
    ) -> bool:
        async with self._transaction() as db:
            return await plan(
                db, campaign_id, journey, dedupe_key, recipient, email_key, name, facts, at
            )

    async def plan_mail_reminders(self, now: datetime) -> int:
        async with self._transaction() as db:
            return await plan_reminders(db, now)

    async def plan_mail_summaries(self, now: datetime) -> int:
        async with self._transaction() as db:
            return await plan_summaries(db, now, self.zone)

    async def claim_mail(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueMail]:
        """Due messages nobody holds a live lease on become this worker's until the lease ends
        (the same claim as claim_deliveries: storage/sql/leased_queue.py)."""
        async with self._transaction() as db:
            ids = await claim_due(db, self.dialect, "mail_messages", worker, now, lease, limit)
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            rows = await db.fetch(
                "SELECT m.*, k.lang AS contact_lang FROM mail_messages m LEFT JOIN mail_contacts k "
                f"ON k.email_key = m.email_key WHERE m.id IN ({marks}) ORDER BY m.id",
                ids,
            )
        return [
            DueMail(
                id=row["id"],
                campaign_id=row["campaign_id"],
                journey=row["journey"],
                recipient=row["recipient"],
                email_key=row["email_key"],
                name=row["name"],
                facts=json.loads(row["facts"]),
                attempts=row["attempts"],
                created_at=db_time(row["created_at"]),
                contact_lang=row["contact_lang"],
            )
            for row in rows
        ]

    async def finish_mail(
        self,
        mail_id: int,
        worker: str,
        *,
        status: str,
        error: str | None,
        duration_ms: int,
        now: datetime,
        retry_at: datetime | None = None,
        message_id: str | None = None,
        subject: str | None = None,
        lang: str | None = None,
    ) -> bool:
        """Records one attempt: status "sent", "pending" (again at retry_at), "dead",
        "suppressed" or "skipped". False when the lease was lost meanwhile."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE mail_messages SET status = ?, attempts = attempts + ?, next_attempt_at = ?, "
                "lease_until = NULL, leased_by = NULL, last_error = ?, "
                "message_id = COALESCE(?, message_id), subject = COALESCE(?, subject), "
                "lang = COALESCE(?, lang), sent_at = ? WHERE id = ? AND leased_by = ? "
                "AND status = 'pending'",
                (
                    status,
                    1 if status in ("sent", "pending", "dead") else 0,
                    retry_at or now,
                    error,
                    message_id,
                    subject,
                    lang,
                    now if status == "sent" else None,
                    mail_id,
                    worker,
                ),
            )
            if changed != 1:
                return False
            await db.execute(
                "INSERT INTO mail_attempts (mail_id, at, error, duration_ms) VALUES (?, ?, ?, ?)",
                (mail_id, now, error if status != "sent" else None, duration_ms),
            )
            return True

    async def list_mail(
        self, *, status: str | None = None, before: int | None = None, limit: int = 50
    ) -> list[MailRow]:
        clauses: list[str] = []
        params: list[Any] = []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if before is not None:
            clauses.append("id < ?")
            params.append(before)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = await self._all(
            f"SELECT * FROM mail_messages{where} ORDER BY id DESC LIMIT ?", (*params, limit)
        )
        return [_mail_row(row) for row in rows]

    async def mail_attempts(self, mail_id: int) -> list[MailAttempt]:
        rows = await self._all(
            "SELECT * FROM mail_attempts WHERE mail_id = ? ORDER BY id", (mail_id,)
        )
        return [MailAttempt(db_time(r["at"]), r["error"], r["duration_ms"]) for r in rows]

    async def resend_mail(self, mail_id: int, now: datetime) -> bool:
        """A dead message goes back in the queue with a fresh window (sent ones are never sent
        twice from here; suppressed ones stay suppressed)."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE mail_messages SET status = 'pending', next_attempt_at = ?, created_at = ?, "
                "attempts = 0, lease_until = NULL, leased_by = NULL WHERE id = ? AND status = 'dead'",
                (now, now, mail_id),
            )
            return changed == 1

    async def mail_counts(self) -> dict[str, int]:
        rows = await self._all("SELECT status, COUNT(*) FROM mail_messages GROUP BY status")
        return {status: 0 for status in MAIL_STATUSES} | {row[0]: row[1] for row in rows}

    async def suppress_address(self, address_hash: str, reason: str, at: datetime) -> bool:
        """True when the address is newly suppressed; a second unsubscribe changes nothing."""
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO mail_suppressions (address_hash, reason, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (address_hash) DO NOTHING RETURNING address_hash",
                (address_hash, reason, at),
            )
            return row is not None

    async def is_suppressed(self, address_hash: str) -> bool:
        row = await self._one(
            "SELECT 1 FROM mail_suppressions WHERE address_hash = ?", (address_hash,)
        )
        return row is not None
