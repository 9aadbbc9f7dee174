"""The store's verbs for ambassador scores (storage/sql/scores.py implements them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from shareback.crm.ranking import CustomerInvitation, RankedCustomer, RankingFilter
from shareback.crm.score import DecileCounts, ScoreRules


class ScoreStore(Protocol):
    async def refresh_scores(
        self, rules: ScoreRules, now: datetime, customer_ids: Sequence[int] | None = None
    ) -> int:
        """Scores every customer again (or only these); the number scored."""
        ...

    async def scores_computed_at(self) -> datetime | None:
        """When the oldest kept score was computed; None before any."""
        ...

    async def ranked_customers(
        self,
        chosen: RankingFilter,
        *,
        campaign_id: int | None = None,
        offset: int = 0,
        limit: int = 50,
        customer_ids: Sequence[int] | None = None,
    ) -> list[RankedCustomer]: ...

    async def record_invitation(
        self,
        campaign_id: int,
        customer_id: int,
        advocate_id: int,
        invited_by: str | None,
        now: datetime,
    ) -> bool | None:
        """True: invited now (its e-mail planned); False: invited before; None: not possible
        (no score, or the campaign sends no invitation e-mail)."""
        ...

    async def customer_invitations(self, customer_id: int) -> list[CustomerInvitation]:
        """The customer's invitations from the ambassadors list, oldest first."""
        ...

    async def invitation_deciles(self, campaign_id: int | None = None) -> list[DecileCounts]: ...
