"""The hourly round that scores every customer again, in one process at a time (a lease in the
database), so that no page or API call waits for a shop's whole customer base to be scored."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import timedelta

from shareback import tokens
from shareback.crm.invitations import SCORES_MAX_AGE
from shareback.crm.score import ScoreRules
from shareback.storage.base import Store

log = logging.getLogger("shareback")
SCORES_LEASE = "ambassador-scores"


async def rescore(store: Store, rules: ScoreRules, holder: str, lease: timedelta) -> int | None:
    """One round if this process holds (or now takes) the lease and the scores are due; the
    number scored, or None when another process holds it or nothing is due."""
    now = tokens.now_utc()
    computed = await store.scores_computed_at()
    if computed is not None and now - computed < SCORES_MAX_AGE:
        return None
    if not await store.take_lease(SCORES_LEASE, holder, now, now + lease):
        return None
    try:
        return await store.refresh_scores(rules, now)
    finally:
        await store.release_lease(SCORES_LEASE, holder)


async def rescore_forever(
    store: Store, rules: ScoreRules, interval: float = SCORES_MAX_AGE.total_seconds() / 6
) -> None:
    """Every few minutes: are the scores older than SCORES_MAX_AGE? Then score them again. The
    first look comes after one interval: a fresh start has its scores from the first page."""
    holder = "scores-" + secrets.token_hex(6)
    while True:
        await asyncio.sleep(interval)
        try:
            scored = await rescore(store, rules, holder, SCORES_MAX_AGE)
            if scored:
                log.info("scored %d customers as ambassadors", scored)
        except Exception:
            log.exception("scoring customers failed; will retry")
