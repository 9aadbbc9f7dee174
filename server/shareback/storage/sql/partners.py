"""Partner programmes in SQL: programmes, partners (applied or invited, approved or rejected),
their placements and clicks, their commissions' numbers per placement, approval of commissions
whose hold ended, and the partners' payout accounts."""

from __future__ import annotations

from datetime import datetime

from shareback import codes, emails
from shareback.outgoing import events
from shareback.partners.terms import PartnerTerms, ProgrammeSettings
from shareback.payouts import PayoutAccount
from shareback.storage.database import Connection, db_int
from shareback.storage.partner_records import (
    CodeTaken,
    CommissionRow,
    Partner,
    PartnerStats,
    Placement,
    PlacementStats,
    Programme,
)
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.outbox import enqueue
from shareback.storage.sql.partner_rows import (
    COMMISSION,
    PARTNER,
    announce_commissions,
    commission_from_row,
    fetch_partner,
    partner_from_row,
    programme_from_row,
)
from shareback.storage.sql.referrals import CODES_LOCK, _coupon_taken

# A partner's link code has seven characters after its dash; advocates' have four or six, so the
# two never meet in /r/{code} (storage/sql/referrals.py draws those).
CODE_LENGTH = 7


async def _new_code(db: Connection, name: str) -> str:
    await db.lock(CODES_LOCK)
    for _ in range(12):
        code = codes.new_code(codes.code_prefix(name), CODE_LENGTH)
        taken = await db.fetchrow("SELECT 1 FROM partners WHERE code = ?", (code,))
        if taken is None:
            return code
    raise RuntimeError("could not draw a free partner code")


class PartnerQueries(SqlBase):
    async def partner_programme(self, slug: str) -> Programme | None:
        row = await self._one("SELECT * FROM partner_programmes WHERE slug = ?", (slug,))
        return None if row is None else programme_from_row(row)

    async def partner_programme_by_id(self, programme_id: int) -> Programme | None:
        row = await self._one("SELECT * FROM partner_programmes WHERE id = ?", (programme_id,))
        return None if row is None else programme_from_row(row)

    async def partner_programmes(self) -> list[Programme]:
        rows = await self._all("SELECT * FROM partner_programmes ORDER BY id")
        return [programme_from_row(r) for r in rows]

    async def save_partner_programme(
        self,
        slug: str,
        campaign_id: int,
        settings: ProgrammeSettings,
        at: datetime,
        *,
        only_new: bool = False,
    ) -> Programme:
        """Made or changed; only_new (the default programme made on first use) never changes
        one that exists, so a page opened while the owner saves cannot undo their settings."""
        on_conflict = (
            "DO NOTHING"
            if only_new
            else "DO UPDATE SET name = excluded.name, currency = excluded.currency, "
            "rate_bp = excluded.rate_bp, basis = excluded.basis, "
            "window_days = excluded.window_days, attribution_days = excluded.attribution_days, "
            "hold_days = excluded.hold_days, updated_at = excluded.updated_at"
        )
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO partner_programmes (slug, name, campaign_id, currency, rate_bp, basis, "
                "window_days, attribution_days, hold_days, created_at, updated_at) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) {on_conflict} "
                "RETURNING *",
                (
                    slug,
                    settings.name,
                    campaign_id,
                    settings.currency,
                    settings.rate_bp,
                    settings.basis,
                    settings.window_days,
                    settings.attribution_days,
                    settings.hold_days,
                    at,
                    at,
                ),
            )
            if row is None:
                row = await db.fetchrow("SELECT * FROM partner_programmes WHERE slug = ?", (slug,))
            assert row is not None
            return programme_from_row(row)

    async def add_partner(
        self,
        programme_id: int,
        email: str,
        name: str,
        status: str,
        actor: str,
        at: datetime,
        *,
        website: str | None = None,
        pitch: str | None = None,
    ) -> tuple[Partner, bool]:
        """An application ("applied") or an invitation ("invited"); the partner as they are
        and False when this address is in the programme already (nothing changes)."""
        assert status in ("applied", "invited")
        key = emails.email_key(email)
        async with self._transaction() as db:
            code = await _new_code(db, name)
            row = await db.fetchrow(
                "INSERT INTO partners (programme_id, email, email_key, name, website, pitch, "
                "status, code, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (programme_id, email_key) DO NOTHING RETURNING id",
                (programme_id, email, key, name, website, pitch, status, code, actor, at),
            )
            if row is None:
                found = await db.fetchrow(
                    f"{PARTNER} WHERE p.programme_id = ? AND p.email_key = ?", (programme_id, key)
                )
                assert found is not None
                return partner_from_row(found), False
            made = await fetch_partner(db, row[0])
            assert made is not None
            return made, True

    async def partner(self, partner_id: int) -> Partner | None:
        row = await self._one(f"{PARTNER} WHERE p.id = ?", (partner_id,))
        return None if row is None else partner_from_row(row)

    async def partner_by_code(self, code: str) -> Partner | None:
        """By the link's code or the checkout code (upper case)."""
        row = await self._one(
            f"{PARTNER} WHERE p.code = ? OR p.coupon_code = ? ORDER BY p.id LIMIT 1", (code, code)
        )
        return None if row is None else partner_from_row(row)

    async def partners_by_email(self, email_key: str) -> list[Partner]:
        rows = await self._all(f"{PARTNER} WHERE p.email_key = ? ORDER BY p.id", (email_key,))
        return [partner_from_row(r) for r in rows]

    async def list_partners(
        self, programme_id: int | None = None, status: str | None = None
    ) -> list[Partner]:
        clauses: list[str] = []
        params: list[object] = []
        if programme_id is not None:
            clauses.append("p.programme_id = ?")
            params.append(programme_id)
        if status is not None:
            clauses.append("p.status = ?")
            params.append(status)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self._all(f"{PARTNER}{where} ORDER BY p.id DESC LIMIT 500", params)
        return [partner_from_row(r) for r in rows]

    async def decide_partner(
        self, partner_id: int, status: str, actor: str, at: datetime
    ) -> Partner | None:
        """approved or rejected, announced once; None for no such partner. A decided partner
        may be decided again (a rejected applicant approved later, an approved one stopped)."""
        assert status in ("approved", "rejected")
        async with self._transaction() as db:
            moved = await db.fetchrow(
                "UPDATE partners SET status = ?, decided_by = ?, decided_at = ? "
                "WHERE id = ? AND status <> ? RETURNING id",
                (status, actor, at, partner_id, status),
            )
            partner = await fetch_partner(db, partner_id)
            if moved is not None and partner is not None:
                await enqueue(db, f"partner.{status}", events.partner_event(partner), at)
            return partner

    async def set_partner_terms(
        self, partner_id: int, terms: PartnerTerms, coupon_code: str | None
    ) -> Partner | None:
        """Raises CodeTaken when the checkout code is anyone else's."""
        async with self._transaction() as db:
            if coupon_code is not None:
                await db.lock(CODES_LOCK)
                mine = await db.fetchrow(
                    "SELECT 1 FROM partners WHERE id = ? AND coupon_code = ?",
                    (partner_id, coupon_code),
                )
                if mine is None and await _coupon_taken(db, coupon_code):
                    raise CodeTaken(coupon_code)
            await db.execute(
                "UPDATE partners SET rate_bp = ?, basis = ?, window_days = ?, coupon_code = ? "
                "WHERE id = ?",
                (terms.rate_bp, terms.basis, terms.window_days, coupon_code, partner_id),
            )
            return await fetch_partner(db, partner_id)

    async def add_partner_placement(
        self, partner_id: int, key: str, label: str, at: datetime
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO partner_placements (partner_id, key, label, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (partner_id, key) DO UPDATE SET "
                "label = excluded.label",
                (partner_id, key, label, at),
            )

    async def partner_placements(self, partner_id: int) -> list[Placement]:
        rows = await self._all(
            "SELECT key, label FROM partner_placements WHERE partner_id = ? ORDER BY id",
            (partner_id,),
        )
        return [Placement(r["key"], r["label"]) for r in rows]

    async def record_partner_click(
        self,
        partner_id: int,
        placement: str,
        token: str,
        ip_hash: str,
        device: str,
        at: datetime,
    ) -> str:
        """The click under a declared placement ('' otherwise); its token."""
        async with self._transaction() as db:
            known = await db.fetchrow(
                "SELECT 1 FROM partner_placements WHERE partner_id = ? AND key = ?",
                (partner_id, placement),
            )
            await db.execute(
                "INSERT INTO partner_clicks (partner_id, placement, token, ip_hash, device, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (partner_id, placement if known else "", token, ip_hash, device, at),
            )
        return token

    async def partner_click(self, token: str) -> tuple[int, str] | None:
        row = await self._one(
            "SELECT partner_id, placement FROM partner_clicks WHERE token = ?", (token,)
        )
        return None if row is None else (row["partner_id"], row["placement"])

    async def partner_stats(self, partner_id: int) -> PartnerStats:
        """Clicks, orders and commissions per placement, and their sum: the one source the
        dashboard, the portal and the API all show."""
        currency = await self._one(
            "SELECT g.currency FROM partners p JOIN partner_programmes g "
            "ON g.id = p.programme_id WHERE p.id = ?",
            (partner_id,),
        )
        clicks = await self._all(
            "SELECT placement, COUNT(*) AS n FROM partner_clicks WHERE partner_id = ? "
            "AND device <> 'bot' GROUP BY placement",
            (partner_id,),
        )
        money = await self._all(
            "SELECT c.placement, COUNT(*) AS orders, "
            "SUM(CASE WHEN c.status IN ('pending', 'approved', 'paid') THEN c.kept_minor ELSE 0 "
            "END) AS revenue, "
            "SUM(CASE WHEN c.status = 'pending' THEN c.amount_minor ELSE 0 END) AS pending, "
            "SUM(CASE WHEN c.status = 'approved' THEN c.amount_minor ELSE 0 END) AS approved, "
            "SUM(CASE WHEN c.status = 'paid' THEN c.amount_minor ELSE 0 END) AS paid, "
            "SUM(CASE WHEN c.status = 'refused' THEN 1 ELSE 0 END) AS refused, "
            "SUM((SELECT COALESCE(SUM(k.amount_minor), 0) FROM partner_clawbacks k "
            "WHERE k.commission_id = c.id)) AS clawed "
            "FROM partner_commissions c WHERE c.partner_id = ? GROUP BY c.placement",
            (partner_id,),
        )
        found: dict[str, dict[str, int]] = {}
        for row in clicks:
            found.setdefault(row["placement"], {})["clicks"] = db_int(row["n"])
        refused = 0
        for row in money:
            refused += db_int(row["refused"])
            found.setdefault(row["placement"], {}).update(
                orders=db_int(row["orders"]) - db_int(row["refused"]),
                revenue_minor=db_int(row["revenue"]),
                pending_minor=db_int(row["pending"]),
                approved_minor=db_int(row["approved"]),
                paid_minor=db_int(row["paid"]),
                clawed_back_minor=db_int(row["clawed"]),
            )
        rows = tuple(PlacementStats(key, **found[key]) for key in sorted(found))
        total = PlacementStats(
            "",
            **{
                name: sum(getattr(r, name) for r in rows)
                for name in (
                    "clicks",
                    "orders",
                    "revenue_minor",
                    "pending_minor",
                    "approved_minor",
                    "paid_minor",
                    "clawed_back_minor",
                )
            },
        )
        return PartnerStats(currency[0] if currency else "EUR", rows, total, refused)

    async def partner_commissions(self, partner_id: int, limit: int = 200) -> list[CommissionRow]:
        rows = await self._all(
            f"{COMMISSION} WHERE c.partner_id = ? ORDER BY c.id DESC LIMIT ?", (partner_id, limit)
        )
        return [commission_from_row(r) for r in rows]

    async def approve_due_commissions(self, now: datetime) -> int:
        """Pending commissions whose hold ended: approved, each once, announced."""
        async with self._transaction() as db:
            approved = sorted(
                row[0]
                for row in await db.fetch(
                    "UPDATE partner_commissions SET status = 'approved', approved_at = ? "
                    "WHERE status = 'pending' AND approve_after <= ? RETURNING id",
                    (now, now),
                )
            )
            await announce_commissions(db, "commission.approved", approved, now)
            return len(approved)

    async def set_partner_account(
        self, partner_id: int, account: PayoutAccount, actor: str, at: datetime
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO partner_accounts (partner_id, holder_name, iban, bic, updated_by, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id) DO UPDATE SET "
                "holder_name = excluded.holder_name, iban = excluded.iban, bic = excluded.bic, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (partner_id, account.holder_name, account.iban, account.bic, actor, at),
            )

    async def partner_account(self, partner_id: int) -> PayoutAccount | None:
        row = await self._one(
            "SELECT holder_name, iban, bic FROM partner_accounts WHERE partner_id = ?",
            (partner_id,),
        )
        return None if row is None else PayoutAccount(row["holder_name"], row["iban"], row["bic"])
