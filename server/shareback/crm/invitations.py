"""The dashboard's and the owner API's "invite these", and the scores it reads kept fresh:
the chosen customers who may be asked (consent, no unsubscribe, no recent complaint:
crm/score.refusal) become advocates of the campaign and get its invitation e-mail, once
(storage/sql/scores.record_invitation)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from shareback import codes
from shareback.crm.ranking import InviteReport, RankingFilter
from shareback.crm.score import ScoreRules, refusal
from shareback.mail.unsubscribe import address_hash
from shareback.storage.base import Store
from shareback.storage.records import Campaign

MAX_INVITE = 500  # customers per request: a bigger selection is sent in several
# Scores older than this are computed again in the background (crm/scoring_loop.py).
SCORES_MAX_AGE = timedelta(hours=1)


async def fresh_scores(
    store: Store, rules: ScoreRules, now: datetime, *, force: bool = False
) -> None:
    """The scores computed now when asked, or when there are none yet (a new shop, its first
    look); otherwise the background round keeps them at most SCORES_MAX_AGE old."""
    if force or await store.scores_computed_at() is None:
        await store.refresh_scores(rules, now)


async def invite(
    store: Store,
    rules: ScoreRules,
    secret_key: str,
    campaign: Campaign,
    customer_ids: Sequence[int],
    invited_by: str | None,
    now: datetime,
) -> InviteReport:
    wanted = list(dict.fromkeys(customer_ids))[:MAX_INVITE]
    # Scored again now: a complaint opened since the last round must keep them out, and every
    # invitation keeps the score (and its decile) it was sent with.
    await fresh_scores(store, rules, now)
    await store.refresh_scores(rules, now, wanted)
    found = await store.ranked_customers(
        RankingFilter(), campaign_id=campaign.id, limit=len(wanted) or 1, customer_ids=wanted
    )
    refused: Counter[str] = Counter()
    invited = already = unknown = 0
    for row in found:
        if row.invited_at is not None:
            already += 1
            continue
        key = row.email_key
        unsubscribed = await store.is_suppressed(address_hash(secret_key, key))
        why = refusal(row.marketing_consent, row.excluded, rules, unsubscribed)
        if why is not None:
            refused[why] += 1
            continue
        advocate, _created = await store.advocate_for(
            campaign.id, row.email, key, row.name, False, codes.code_prefix(None), now
        )
        done = await store.record_invitation(
            campaign.id, row.customer_id, advocate.id, invited_by, now
        )
        if done is None:
            unknown += 1
        elif done:
            invited += 1
        else:
            already += 1
    unknown += len(wanted) - len(found)
    return InviteReport(invited, already, dict(refused), unknown)
