"""The "Ambassador score" section of the customer page (/admin/customers/{id}): their score with
its reasons, and the invitations sent from it (templates/admin/_ambassador_score.html)."""

from __future__ import annotations

from dataclasses import dataclass

from shareback import tokens
from shareback.crm import invitations
from shareback.crm.ranking import CustomerInvitation, RankedCustomer, RankingFilter
from shareback.settings import Settings
from shareback.storage.base import Store


@dataclass(frozen=True)
class ScoreSection:
    customer_id: int
    score: RankedCustomer | None  # None: not scored yet
    invitations: list[CustomerInvitation]


async def score_section(store: Store, settings: Settings, customer_id: int) -> ScoreSection:
    await invitations.fresh_scores(store, settings.score_rules, tokens.now_utc())
    found = await store.ranked_customers(RankingFilter(), customer_ids=[customer_id], limit=1)
    return ScoreSection(
        customer_id, found[0] if found else None, await store.customer_invitations(customer_id)
    )
