"""Campaign targeting as the store keeps it: each campaign's segment and its audited changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shareback.crm.segment_report import Participation
from shareback.crm.segments import Segment, SegmentFacts

# How a segment changed: set (the form or the API), widen (its countries removed from the
# campaign page), replace (its countries replaced there), remove (for everyone again).
SEGMENT_ACTIONS = ("set", "widen", "replace", "remove")


@dataclass(frozen=True)
class SegmentChange:
    campaign_id: int
    action: str
    before: dict[str, Any] | None  # crm.segments.segment_document
    after: dict[str, Any] | None
    actor: str
    at: datetime


class SegmentStore(Protocol):
    async def campaign_segment(self, campaign_id: int) -> Segment | None:
        """None: the campaign is for everyone."""
        ...

    async def campaign_segments(self) -> dict[int, Segment]:
        """Every campaign's segment, by campaign id (campaigns without one are left out)."""
        ...

    async def set_campaign_segment(
        self, campaign_id: int, segment: Segment | None, action: str, actor: str, at: datetime
    ) -> bool:
        """Sets (None or an empty segment: removes) the segment, with its change recorded, in one
        transaction; False when it was already so (nothing recorded)."""
        ...

    async def segment_facts(self, email_key: str) -> SegmentFacts | None:
        """What targeting knows of the customer with this e-mail key; None: no customer record."""
        ...

    async def segment_changes(self, campaign_id: int) -> list[SegmentChange]:
        """Newest first."""
        ...


@dataclass(frozen=True)
class TargetingNumbers:
    """What the overview's comparison counts over a period: by campaign id and by the customer's
    country (crm.segment_report.NO_COUNTRY: unknown)."""

    by_campaign: dict[int, Participation]
    by_country: dict[str, Participation]
    customers_by_country: dict[str, int]


class TargetingStore(Protocol):
    async def segment_facts_page(self, after_id: int, limit: int) -> list[tuple[int, SegmentFacts]]:
        """Every customer's targeting facts, in keyset pages of customer id."""
        ...

    async def targeting_numbers(self, start: datetime, end: datetime) -> TargetingNumbers: ...
