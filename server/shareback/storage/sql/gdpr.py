"""A person's data in SQL, found by their inbox key: exported whole, or anonymised in one
transaction so that every aggregate count stays as it was (gdpr.py has the rules)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shareback import codes, gdpr
from shareback.storage.database import Connection, Row, from_db_time
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.referrals import CODES_LOCK, _code_taken

# Their advocate rows, in every campaign.
MINE = "(SELECT id FROM advocates WHERE email_key = ?)"
# Their customer record.
CUSTOMER = "(SELECT id FROM customers WHERE email_key = ?)"
FLAGS = ("verified", "findable", "marketing_consent", "excluded")

SECTIONS: dict[str, str] = {
    "advocates": "SELECT a.id, c.slug AS campaign, a.email, a.name, a.code, a.coupon_code, "
    "a.nickname, a.verified, a.findable, a.created_at, a.tier, a.tier_changed_at FROM advocates a "
    "JOIN campaigns c "
    "ON c.id = a.campaign_id WHERE a.email_key = ? ORDER BY a.id",
    "links": "SELECT l.code, l.advocate_id, l.name, l.created_at FROM advocate_links l "
    f"WHERE l.advocate_id IN {MINE} ORDER BY l.id",
    "clicks": "SELECT k.id, k.advocate_id, k.channel, k.device, k.ip_hash, k.created_at "
    f"FROM clicks k WHERE k.advocate_id IN {MINE} ORDER BY k.id",
    # Clicks past the per-IP limit: kept apart, counted nowhere, gone with their day's salt.
    "uncounted_clicks": "SELECT u.id, u.advocate_id, u.ip_hash, u.device, u.created_at "
    f"FROM uncounted_clicks u WHERE u.advocate_id IN {MINE} ORDER BY u.id",
    "events": "SELECT e.id, e.advocate_id, e.type, e.channel, e.created_at FROM events e "
    f"WHERE e.advocate_id IN {MINE} ORDER BY e.id",
    "friend_codes": "SELECT f.code, f.advocate_id, f.issued_at FROM friend_codes f "
    f"WHERE f.advocate_id IN {MINE} AND f.click_token IS NOT NULL ORDER BY f.id",
    # As the advocate: which orders they were credited with, never the friend's address or name.
    "referrals_as_advocate": "SELECT r.id, c.slug AS campaign, r.advocate_id, o.source, "
    "o.order_id, r.via, r.created_at FROM referrals r JOIN campaigns c ON c.id = r.campaign_id "
    f"JOIN orders o ON o.id = r.order_pk WHERE r.advocate_id IN {MINE} ORDER BY r.id",
    # As the friend: who referred them is only the code they used.
    "referrals_as_friend": "SELECT r.id, c.slug AS campaign, a.code AS advocate_code, "
    "r.friend_name, o.source, o.order_id, r.via, r.created_at FROM referrals r "
    "JOIN campaigns c ON c.id = r.campaign_id JOIN advocates a ON a.id = r.advocate_id "
    "JOIN orders o ON o.id = r.order_pk WHERE r.friend_email_key = ? ORDER BY r.id",
    "orders": "SELECT id, source, order_id, email, customer_id, total_minor, refunded_minor, "
    "currency, status, paid_at, refunded_at FROM orders WHERE email_key = ? ORDER BY id",
    "rewards": "SELECT w.id, w.referral_id, w.side, w.email, w.type, w.value, w.currency, "
    "w.amount_minor, w.status, w.created_at, w.approved_at, w.revoked_at, w.revoke_reason, "
    "w.kind FROM rewards w JOIN referrals r ON r.id = w.referral_id "
    f"WHERE (w.side = 'referrer' AND r.advocate_id IN {MINE}) "
    "OR (w.side = 'friend' AND r.friend_email_key = ?) ORDER BY w.id",
    # The fraud rules' verdicts on referrals they took part in, as advocate or as buyer.
    "fraud_decisions": "SELECT d.id, c.slug AS campaign, d.referral_id, o.source, o.order_id, "
    "d.verdict, d.reasons, d.decided_at, d.review_verdict, d.review_note, d.reviewed_at "
    "FROM fraud_decisions d JOIN campaigns c ON c.id = d.campaign_id "
    f"JOIN orders o ON o.id = d.order_pk WHERE d.advocate_id IN {MINE} "
    "OR o.email_key = ? ORDER BY d.id",
    # The e-mails Shareback planned or sent them (mail/), and the language it writes them in.
    "mail": "SELECT m.id, c.slug AS campaign, m.journey, m.recipient, m.name, m.status, "
    "m.subject, m.lang, m.sent_at, m.created_at FROM mail_messages m "
    "JOIN campaigns c ON c.id = m.campaign_id WHERE m.email_key = ? ORDER BY m.id",
    "mail_language": "SELECT lang, updated_at FROM mail_contacts WHERE email_key = ?",
    # Where their cash rewards are paid, and the transfers of payout batches made to them.
    "payout_accounts": "SELECT p.advocate_id, p.holder_name, p.iban, p.bic, p.updated_at "
    f"FROM payout_accounts p WHERE p.advocate_id IN {MINE} ORDER BY p.advocate_id",
    "payouts": "SELECT i.batch_id, i.reward_id, i.amount_minor, i.holder_name, i.iban, i.bic, "
    "b.status, b.created_at, b.paid_at FROM payout_items i JOIN payout_batches b "
    f"ON b.id = i.batch_id WHERE i.advocate_id IN {MINE} ORDER BY i.id",
    # The A/B experiments' variants they saw (experiments/), and when first.
    "experiments": "SELECT x.id AS experiment_id, c.slug AS campaign, x.name AS experiment, "
    "e.variant, e.first_seen_at FROM experiment_exposures e JOIN experiments x "
    "ON x.id = e.experiment_id JOIN campaigns c ON c.id = x.campaign_id "
    f"WHERE e.advocate_id IN {MINE} ORDER BY x.id",
    # Their ambassador score and the invitations sent from it (crm/score.py), with its reasons.
    "ambassador_scores": "SELECT s.points, s.excluded, s.reasons, s.scored_at "
    f"FROM customer_scores s WHERE s.customer_id IN {CUSTOMER}",
    "ambassador_invitations": "SELECT i.id, c.slug AS campaign, i.points, i.decile, i.reasons, "
    "i.invited_by, i.invited_at FROM ambassador_invitations i JOIN campaigns c "
    f"ON c.id = i.campaign_id WHERE i.customer_id IN {CUSTOMER} "
    "ORDER BY i.id",
    # The milestones they reached (loyalty/), withdrawn ones too.
    "milestones": "SELECT m.advocate_id, m.friends, m.reward_id, m.awarded_at, m.withdrawn_at, "
    f"m.withdrawn_reason FROM milestone_awards m WHERE m.advocate_id IN {MINE} ORDER BY m.id",
    # As a partner (partners/): their applications, commissions earned, account and transfers;
    # as a customer a partner brought: only which partner's commission their order made.
    "partners": "SELECT p.id, g.slug AS programme, p.email, p.name, p.website, p.pitch, "
    "p.status, p.code, p.coupon_code, p.created_at, p.decided_at FROM partners p "
    "JOIN partner_programmes g ON g.id = p.programme_id WHERE p.email_key = ? ORDER BY p.id",
    "partner_commissions": "SELECT c.id, c.partner_id, o.order_id, c.placement, c.revenue_minor, "
    "c.currency, c.amount_minor, c.status, c.created_at FROM partner_commissions c "
    "JOIN orders o ON o.id = c.order_pk WHERE c.partner_id IN "
    "(SELECT id FROM partners WHERE email_key = ?) OR c.customer_key = ? ORDER BY c.id",
    "partner_accounts": "SELECT a.partner_id, a.holder_name, a.iban, a.bic, a.updated_at "
    "FROM partner_accounts a JOIN partners p ON p.id = a.partner_id WHERE p.email_key = ?",
    "partner_payouts": "SELECT o.batch_id, o.partner_id, o.amount_minor, o.holder_name, o.iban, "
    "o.bic FROM partner_payouts o JOIN partners p ON p.id = o.partner_id WHERE p.email_key = ? "
    "ORDER BY o.id",
    # Their store-credit ledger.
    "credit": "SELECT id, currency, amount_minor, kind, reward_id, order_ref, created_at "
    "FROM credit_entries WHERE email_key = ? ORDER BY id",
    # Their customer record (crm/): who they are, consent, tags, their ids in the shop's CRMs,
    # every order and service ticket.
    "customer": "SELECT id, email, first_name, last_name, country, order_count, revenue_minor, "
    "currency, first_order_at, last_order_at, marketing_consent, consent_source, consent_at, "
    "imported_order_count, imported_revenue_minor, imported_currency, imported_at, "
    "created_at, updated_at FROM customers WHERE email_key = ? ORDER BY id",
    "customer_tags": f"SELECT t.tag FROM customer_tags t WHERE t.customer_id IN {CUSTOMER} "
    "ORDER BY t.tag",
    "customer_external_ids": "SELECT e.system, e.external_id FROM customer_external_ids e "
    f"WHERE e.customer_id IN {CUSTOMER} ORDER BY e.system, e.external_id",
    "customer_orders": "SELECT o.source, o.order_id, o.placed_at, o.total_minor, "
    f"o.refunded_minor, o.currency FROM customer_orders o WHERE o.customer_id IN {CUSTOMER} "
    "ORDER BY o.placed_at, o.id",
    "customer_tickets": "SELECT t.system, t.external_id, t.opened_at, t.closed_at, t.topic, "
    f"t.satisfaction, t.nps FROM customer_tickets t WHERE t.customer_id IN {CUSTOMER} "
    "ORDER BY t.opened_at, t.id",
}


def _params(sql: str, key: str) -> tuple[str, ...]:
    return (key,) * sql.count("?")


def _value(column: str, value: Any) -> Any:
    if column.endswith("_at") and value is not None:
        return from_db_time(value)
    if column in FLAGS:
        return bool(value)
    return value


def _plain(row: Row) -> dict[str, Any]:
    # Row.keys(): iterating a sqlite3.Row yields its values, not its column names.
    return {column: _value(column, row[column]) for column in row.keys()}  # noqa: SIM118


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def _messages(db: Connection, emails: Sequence[str]) -> list[Row]:
    """The outgoing events that carry one of these addresses."""
    found: dict[int, Row] = {}
    for email in emails:
        for row in await db.fetch(
            "SELECT id, message_id, type, payload, created_at FROM outbox "
            f"WHERE payload {db.dialect.ilike} ? ESCAPE '\\' ORDER BY id",
            (_like(json.dumps(email)[1:-1]),),
        ):
            found[int(row["id"])] = row
    return [found[key] for key in sorted(found)]


async def _erase_mail(db: Connection, email_key: str, personal: frozenset[str]) -> int:
    """Their own messages go (the suppression list keeps only a keyed hash); others' messages
    that name them (a referrer's "Bram ordered") lose the name, in the facts and the subject."""
    # Locked first: a sender finishing one of them (its UPDATE, then its attempt row) either
    # commits before we delete, or finds the message gone and records nothing.
    mine = await db.fetch(
        f"SELECT id FROM mail_messages WHERE email_key = ?{db.dialect.for_update()}",
        (email_key,),
    )
    ids = [row[0] for row in mine]
    if ids:
        marks = ",".join("?" * len(ids))
        await db.execute(f"DELETE FROM mail_attempts WHERE mail_id IN ({marks})", ids)
        await db.execute(f"DELETE FROM mail_messages WHERE id IN ({marks})", ids)
    await db.execute("DELETE FROM mail_contacts WHERE email_key = ?", (email_key,))
    for value in sorted(personal):
        for row in await db.fetch(
            f"SELECT id, facts FROM mail_messages WHERE facts {db.dialect.ilike} ? ESCAPE '\\'",
            (_like(json.dumps(value)[1:-1]),),
        ):
            redacted = gdpr.redact(json.loads(row["facts"]), personal)
            await db.execute(
                "UPDATE mail_messages SET facts = ?, subject = NULL WHERE id = ?",
                (json.dumps(redacted, separators=(",", ":")), row["id"]),
            )
    return len(ids)


async def _erase_customer(db: Connection, customers: Sequence[dict[str, Any]]) -> None:
    """The customer record keeps its figures (orders, revenue, country: the statistics and
    segments count them) and names nobody: a placeholder address, no name, no consent record,
    no tags, no ids in other systems; their tickets lose the topic (free text), keep the times
    and scores; their orders keep their amounts."""
    for customer in customers:
        customer_id = customer["id"]
        placeholder = gdpr.erased_email("customer", customer_id)
        await db.execute(
            "UPDATE customers SET email = ?, email_key = ?, first_name = NULL, last_name = NULL, "
            "search_name = NULL, marketing_consent = NULL, consent_source = NULL, "
            "consent_at = NULL, referral_facts = NULL WHERE id = ?",
            (placeholder, placeholder, customer_id),
        )
        await db.execute("DELETE FROM customer_tags WHERE customer_id = ?", (customer_id,))
        await db.execute("DELETE FROM customer_external_ids WHERE customer_id = ?", (customer_id,))
        await db.execute(
            "UPDATE customer_tickets SET topic = NULL WHERE customer_id = ?", (customer_id,)
        )


def _personal(sections: dict[str, list[dict[str, Any]]]) -> frozenset[str]:
    """Every value that names the person: addresses, names, codes."""
    values: set[str] = set()
    for name, columns in (
        ("advocates", ("email", "name", "nickname", "code", "coupon_code")),
        ("links", ("code", "name")),
        ("orders", ("email",)),
        ("rewards", ("email",)),
        ("referrals_as_friend", ("friend_name",)),
        ("mail", ("recipient", "name")),
        ("payout_accounts", ("holder_name", "iban")),
        ("customer", ("email", "first_name", "last_name")),
        ("partners", ("email", "name", "code", "coupon_code", "website")),
        ("partner_accounts", ("holder_name", "iban")),
    ):
        for row in sections[name]:
            values.update(str(row[c]).strip().casefold() for c in columns if row[c])
    return frozenset(values)


class GdprQueries(SqlBase):
    async def _sections(self, db: Connection, key: str) -> dict[str, list[dict[str, Any]]]:
        return {
            name: [_plain(row) for row in await db.fetch(sql, _params(sql, key))]
            for name, sql in SECTIONS.items()
        }

    async def person_data(self, email_key: str) -> dict[str, list[dict[str, Any]]]:
        async with self._db.reading() as db:
            sections = await self._sections(db, email_key)
            emails = sorted({e for e in _personal(sections) if "@" in e})
            sections["outgoing_events"] = [
                {
                    "message_id": row["message_id"],
                    "type": row["type"],
                    "created_at": from_db_time(row["created_at"]),
                }
                for row in await _messages(db, emails)
            ]
        return sections

    async def erase_person(self, email_key: str, at: datetime) -> dict[str, int]:
        async with self._transaction() as db:
            await db.lock(CODES_LOCK)  # their codes are replaced by fresh ones
            sections = await self._sections(db, email_key)
            personal = _personal(sections)
            messages = await _messages(db, sorted(e for e in personal if "@" in e))
            for advocate in sections["advocates"]:
                code = codes.new_code(codes.NEUTRAL_PREFIX, 6)
                while await _code_taken(db, code):
                    code = codes.new_code(codes.NEUTRAL_PREFIX, 6)
                placeholder = gdpr.erased_email("advocate", advocate["id"])
                await db.execute(
                    "UPDATE advocates SET email = ?, email_key = ?, name = NULL, "
                    "search_name = NULL, nickname = NULL, coupon_code = NULL, code = ?, findable = FALSE "
                    "WHERE id = ?",
                    (placeholder, placeholder, code, advocate["id"]),
                )
            mine = [advocate["id"] for advocate in sections["advocates"]]
            listed = ", ".join("?" * len(mine)) or "NULL"
            # The score and its reasons go; an invitation keeps its decile and advocate (the
            # calibration table's counts stay) and loses the customer and the reasons.
            await db.execute(
                f"DELETE FROM customer_scores WHERE customer_id IN {CUSTOMER}", (email_key,)
            )
            await db.execute(
                "UPDATE ambassador_invitations SET customer_id = NULL, reasons = '[]' "
                f"WHERE customer_id IN {CUSTOMER}",
                (email_key,),
            )
            await db.execute(f"DELETE FROM advocate_links WHERE advocate_id IN ({listed})", mine)
            # Uncounted clicks count nowhere: nothing to keep them for.
            await db.execute(f"DELETE FROM uncounted_clicks WHERE advocate_id IN ({listed})", mine)
            # Which variant they saw: gone (the experiment counts one advocate fewer).
            await db.execute(
                f"DELETE FROM experiment_exposures WHERE advocate_id IN ({listed})", mine
            )
            # A reviewer's note may name the person; the verdict and its reasons stay.
            for decision in sections["fraud_decisions"]:
                await db.execute(
                    "UPDATE fraud_decisions SET review_note = NULL WHERE id = ?", (decision["id"],)
                )
            for reward in sections["rewards"]:
                await db.execute(
                    "UPDATE rewards SET email = ? WHERE id = ?",
                    (gdpr.erased_email("reward", reward["id"]), reward["id"]),
                )
            for referral in sections["referrals_as_friend"]:
                await db.execute(
                    "UPDATE referrals SET friend_email_key = ?, friend_name = NULL WHERE id = ?",
                    (gdpr.erased_email("referral", referral["id"]), referral["id"]),
                )
            await db.execute(
                "UPDATE orders SET email = NULL, email_key = NULL, customer_id = NULL "
                "WHERE email_key = ?",
                (email_key,),
            )
            await _erase_customer(db, sections["customer"])
            mail = await _erase_mail(db, email_key, personal)
            # The account goes; a transfer already made keeps its amount, not who it paid.
            await db.execute(f"DELETE FROM payout_accounts WHERE advocate_id IN ({listed})", mine)
            await db.execute(
                "UPDATE payout_items SET holder_name = ?, iban = ?, bic = NULL "
                f"WHERE advocate_id IN ({listed})",
                ["(erased)", "(erased)", *mine],
            )
            # A partner's record keeps its numbers, not who they were; their codes lead nowhere.
            for partner in sections["partners"]:
                placeholder = gdpr.erased_email("partner", partner["id"])
                await db.execute(
                    "UPDATE partners SET email = ?, email_key = ?, name = '(erased)', "
                    "website = NULL, pitch = NULL, coupon_code = NULL, code = ?, "
                    "status = 'rejected' WHERE id = ?",
                    (placeholder, placeholder, codes.new_code("ERASED", 7), partner["id"]),
                )
                await db.execute(
                    "DELETE FROM partner_accounts WHERE partner_id = ?", (partner["id"],)
                )
                await db.execute(
                    "UPDATE partner_payouts SET holder_name = '(erased)', iban = '(erased)', "
                    "bic = NULL WHERE partner_id = ?",
                    (partner["id"],),
                )
            await db.execute(
                "UPDATE partner_commissions SET customer_key = NULL WHERE customer_key = ?",
                (email_key,),
            )
            # The ledger's sums stay; whose they were does not.
            if sections["credit"]:  # one placeholder per person: their balance stays theirs
                first = sections["credit"][0]["id"]
                await db.execute(
                    "UPDATE credit_entries SET email_key = ? WHERE email_key = ?",
                    (gdpr.erased_email("credit", first), email_key),
                )
            for message in messages:
                redacted = gdpr.redact(json.loads(message["payload"]), personal)
                await db.execute(
                    "UPDATE outbox SET payload = ? WHERE id = ?",
                    (json.dumps(redacted, separators=(",", ":")), message["id"]),
                )
        self.clear_lookups()  # the old codes name nobody now
        return {
            "advocates": len(sections["advocates"]),
            "links": len(sections["links"]),
            "uncounted_clicks": len(sections["uncounted_clicks"]),
            "fraud_decisions": len(sections["fraud_decisions"]),
            "orders": len(sections["orders"]),
            "referrals_as_friend": len(sections["referrals_as_friend"]),
            "rewards": len(sections["rewards"]),
            "outgoing_events": len(messages),
            "mail": mail,
            "payout_accounts": len(sections["payout_accounts"]),
            "credit": len(sections["credit"]),
            "customer": len(sections["customer"]),
            "customer_tickets": len(sections["customer_tickets"]),
            "ambassador_scores": len(sections["ambassador_scores"]),
            "ambassador_invitations": len(sections["ambassador_invitations"]),
        }
