"""Planning e-mails inside the transaction that makes the change: a message exists iff its
change does, and its dedupe key makes planning it twice (a replay, a second process) a no-op."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, tzinfo
from typing import Any

from shareback import emails, shop_days
from shareback.gdpr import ERASED_DOMAIN
from shareback.mail import journeys
from shareback.storage.database import Connection, Row
from shareback.storage.records import PaidOrder

# Advocates who joined this long before their reminder day are not reminded when reminders are
# switched on late: one reminder, near the day it was meant for.
REMINDER_WINDOW = timedelta(days=3)
SHARE_EVENTS = "('share', 'copy', 'qr', 'native')"

# Advocates of a campaign who joined in the window, never shared, have no click and no reminder.
# type <> 'open' lets SQLite use the partial index events_by_sharer (its prover does not see that
# the IN list implies it): without it every advocate scanned the campaign's whole event history,
# hours at 100,000 advocates, on the writer the event loop waits for (tests/test_query_plans.py).
REMINDER_CANDIDATES = (
    "SELECT a.id, a.email, a.email_key, a.name, a.code FROM advocates a "
    "WHERE a.campaign_id = ? AND a.created_at <= ? AND a.created_at > ? "
    "AND NOT EXISTS (SELECT 1 FROM events e WHERE e.campaign_id = a.campaign_id "
    f"AND e.advocate_id = a.id AND e.type <> 'open' AND e.type IN {SHARE_EVENTS}) "
    "AND NOT EXISTS (SELECT 1 FROM clicks k WHERE k.advocate_id = a.id) "
    "AND NOT EXISTS (SELECT 1 FROM mail_messages m WHERE m.dedupe_key = "
    "'reminder:' || CAST(a.id AS TEXT)) ORDER BY a.id LIMIT 500"
)


async def plan(
    db: Connection,
    campaign_id: int,
    journey: str,
    dedupe_key: str,
    recipient: str,
    email_key: str,
    name: str | None,
    facts: dict[str, Any],
    at: datetime,
) -> bool:
    """True when the message is new; False when it was planned before or the campaign does not
    send this journey (archived, or switched off in its mail settings)."""
    if recipient.endswith("@" + ERASED_DOMAIN):
        return False
    found = await db.fetchrow(
        "SELECT s.journeys FROM campaigns c LEFT JOIN mail_settings s ON s.campaign_id = c.id "
        "WHERE c.id = ? AND c.archived_at IS NULL",
        (campaign_id,),
    )
    sent = journeys.DEFAULT_JOURNEYS if found is None or found[0] is None else str(found[0]).split()
    if found is None or (journey not in sent and journey not in journeys.REQUESTED):
        return False
    row = await db.fetchrow(
        "INSERT INTO mail_messages (dedupe_key, campaign_id, journey, recipient, email_key, name, "
        "facts, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        (
            dedupe_key,
            campaign_id,
            journey,
            recipient,
            email_key,
            name,
            json.dumps(facts, separators=(",", ":")),
            at,
            at,
        ),
    )
    return row is not None


async def plan_invite(
    db: Connection, order: PaidOrder, campaign_id: int | None, at: datetime
) -> None:
    """After a paid order: the customer's "invite your friends", once per campaign. The order's
    campaign is the one it was referred through, else the default campaign."""
    if order.email is None or order.email_key is None or not emails.is_valid_email(order.email):
        return
    if campaign_id is None:
        default = await db.fetchrow("SELECT id FROM campaigns WHERE slug = 'default'")
        if default is None:
            return
        campaign_id = int(default[0])
    await plan(
        db,
        campaign_id,
        journeys.INVITE,
        f"invite:{campaign_id}:{order.email_key}",
        order.email,
        order.email_key,
        order.name,
        {"order_id": order.order_id, "source": order.source},
        at,
    )


async def plan_for_event(
    db: Connection, event_type: str, data: dict[str, Any], at: datetime
) -> None:
    """The referrer's reward e-mails, from the events the store announces anyway."""
    journey = {
        "reward.created": journeys.REWARD_PENDING,
        "reward.approved": journeys.REWARD_APPROVED,
    }
    if event_type not in journey or data["reward"]["side"] != "referrer":
        return
    campaign = await db.fetchrow("SELECT id FROM campaigns WHERE slug = ?", (data["campaign"],))
    advocate = await db.fetchrow(
        "SELECT email, email_key, name FROM advocates WHERE code = ?", (data["advocate"]["code"],)
    )
    if campaign is None or advocate is None:
        return
    reward = data["reward"]
    facts = {
        "reward_id": reward["id"],
        "advocate_code": data["advocate"]["code"],
        "coupon_code": data["advocate"]["coupon_code"],
        "friend_name": data["friend"]["name"],
        "description": reward["description"],
        "amount": reward["amount"],
        "currency": reward["currency"],
        "approve_after": reward["approve_after"],
        # How the reward reaches them (a coupon code, the credit balance, the payout date), once
        # the reward lifecycle announces it: {"en": "…", "nl": "…"} (mail/variables.fulfilment).
        "fulfilment": reward.get("fulfilment"),
    }
    await plan(
        db,
        int(campaign[0]),
        journey[event_type],
        f"{journey[event_type]}:{reward['id']}",
        str(advocate["email"]),
        str(advocate["email_key"]),
        advocate["name"],
        facts,
        at,
    )


async def plan_tier_mail(
    db: Connection,
    advocate: Row,
    tier: tuple[str, str] | None,
    before: str | None,
    direction: str,
    at: datetime,
) -> None:
    """The advocate's "you are Goud now", once per change (the change happens once, under the
    advocate's lock: storage/sql/loyalty.py); none for losing every tier."""
    if tier is None:
        return
    key, name = tier
    await plan(
        db,
        int(advocate["campaign_id"]),
        journeys.TIER_CHANGED,
        f"{journeys.TIER_CHANGED}:{advocate['id']}:{key}:{at.isoformat()}",
        str(advocate["email"]),
        str(advocate["email_key"]),
        advocate["name"],
        {
            "advocate_code": advocate["code"],
            "tier_key": key,
            "tier": name,
            "previous_tier": before,
            "direction": direction,
        },
        at,
    )


async def plan_reminders(db: Connection, now: datetime) -> int:
    """One reminder to each advocate who joined `reminder_days` ago and never shared: no share,
    copy or QR event, and no click on their link."""
    await db.lock("mail:reminders")
    settings = await db.fetch(
        "SELECT c.id, s.journeys, s.reminder_days FROM campaigns c "
        "LEFT JOIN mail_settings s ON s.campaign_id = c.id WHERE c.archived_at IS NULL"
    )
    planned = 0
    for setting in settings:
        campaign_id, enabled, days = int(setting[0]), setting[1], setting[2]
        if enabled is not None and journeys.REMINDER not in str(enabled).split():
            continue
        due = now - timedelta(days=days or journeys.DEFAULT_REMINDER_DAYS)
        rows = await db.fetch(
            REMINDER_CANDIDATES,
            (campaign_id, due, due - REMINDER_WINDOW),
        )
        for row in rows:
            planned += await plan(
                db,
                campaign_id,
                journeys.REMINDER,
                f"reminder:{row['id']}",
                row["email"],
                row["email_key"],
                row["name"],
                {"advocate_code": row["code"]},
                now,
            )
    return planned


async def plan_summaries(db: Connection, now: datetime, zone: tzinfo) -> int:
    """The week before this one, to every owner, for each campaign that asked for it: planned
    once per campaign, owner and week, whichever process gets there first."""
    await db.lock("mail:summaries")
    # Monday 00:00 in the shop: the summary's week is seven shop days (168 hours, or 167 / 169
    # when the clocks change in it).
    end = shop_days.week_start(now, zone)
    start = shop_days.week_start(end - timedelta(days=1), zone)
    campaigns = await db.fetch(
        "SELECT c.id, s.journeys FROM campaigns c JOIN mail_settings s ON s.campaign_id = c.id "
        "WHERE c.archived_at IS NULL"
    )
    wanted = [int(row[0]) for row in campaigns if journeys.SUMMARY in str(row[1]).split()]
    if not wanted:
        return 0
    owners = await db.fetch("SELECT id, email FROM admin_users WHERE role = 'owner' ORDER BY id")
    # In the shop's offset: the summary names the week's shop days (mail/variables.py).
    facts = {"start": start.astimezone(zone).isoformat(), "end": end.astimezone(zone).isoformat()}
    planned = 0
    for campaign_id in wanted:
        for owner in owners:
            email = str(owner["email"])
            planned += await plan(
                db,
                campaign_id,
                journeys.SUMMARY,
                f"summary:{campaign_id}:{owner['id']}:{shop_days.local_day(end, zone).isoformat()}",
                email,
                emails.email_key(email),
                None,
                facts,
                now,
            )
    return planned
