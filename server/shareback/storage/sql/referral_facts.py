"""What a customer did as an advocate, in SQL: shares, clicks, friends converted and rewards
earned, summed over their advocates (one per campaign joined)."""

from __future__ import annotations

from collections.abc import Sequence

from shareback.crm.records import ReferralFacts
from shareback.storage.database import Connection, db_int

# What each of a customer's advocates did (each count on an index, as the advocates list's).
ADVOCATE_FACTS = (
    "SELECT a.customer_id, a.id, a.code, c.currency, "
    "(SELECT COUNT(*) FROM events e WHERE e.campaign_id = a.campaign_id "
    " AND e.advocate_id = a.id AND e.type <> 'open') AS shares, "
    "(SELECT COALESCE(SUM(d.n), 0) FROM advocate_click_days d WHERE d.advocate_id = a.id) "
    " AS clicks, "
    "(SELECT COUNT(*) FROM referrals r WHERE r.advocate_id = a.id) AS referrals, "
    "(SELECT COUNT(*) FROM referrals r JOIN rewards w ON w.referral_id = r.id "
    " WHERE r.advocate_id = a.id AND w.side = 'referrer' AND w.status <> 'revoked') AS rewards, "
    "(SELECT COALESCE(SUM(w.amount_minor), 0) FROM referrals r JOIN rewards w "
    " ON w.referral_id = r.id WHERE r.advocate_id = a.id AND w.side = 'referrer' "
    " AND w.status <> 'revoked' AND w.currency = c.currency) AS rewards_minor "
    "FROM advocates a JOIN campaigns c ON c.id = a.campaign_id "
    "WHERE a.customer_id IN ({marks}) ORDER BY a.id"
)


async def referral_facts_in(
    db: Connection, customer_ids: Sequence[int]
) -> dict[int, ReferralFacts]:
    """Summed over each customer's advocates (one per campaign they joined); the code and the
    currency are their first advocate's. Customers who never joined are not in the answer."""
    found: dict[int, ReferralFacts] = {}
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await db.fetch(ADVOCATE_FACTS.format(marks=", ".join("?" * len(chunk))), chunk)
        for row in rows:
            key = int(row["customer_id"])
            before = found.get(key)
            same_money = before is None or before.currency == row["currency"]
            found[key] = ReferralFacts(
                advocate_code=before.advocate_code if before else row["code"],
                shares=(before.shares if before else 0) + db_int(row["shares"]),
                clicks=(before.clicks if before else 0) + db_int(row["clicks"]),
                friends_converted=(before.friends_converted if before else 0)
                + db_int(row["referrals"]),
                rewards_earned=(before.rewards_earned if before else 0) + db_int(row["rewards"]),
                rewards_earned_minor=(before.rewards_earned_minor if before else 0)
                + (db_int(row["rewards_minor"]) if same_money else 0),
                currency=before.currency if before else row["currency"],
            )
    return found
