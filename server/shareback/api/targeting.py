"""The campaign a widget call gives the shopper: the store gathers, crm/segments.py chooses."""

from __future__ import annotations

from datetime import datetime

from shareback.crm import segments
from shareback.crm.segments import SegmentFacts
from shareback.storage.base import Campaign, Store


async def campaign_for(
    store: Store, named: Campaign, email_key: str | None, origin: str | None, at: datetime
) -> Campaign:
    """email_key: the shopper the shop's signed identity vouches for; None, unidentified (a typed
    address must not pick a campaign, or anyone could try addresses for a better offer)."""
    targeted = await store.campaign_segments()
    if not targeted:
        return named  # no campaign has a segment: the script tag's, without more reads
    facts = None
    if email_key is not None:
        facts = await store.segment_facts(email_key) or SegmentFacts()
    found = segments.candidates(named, await store.campaigns(), targeted, at, origin)
    return segments.choose(named, found, facts)


async def widget_campaign_of(
    store: Store, named: Campaign, campaign_id: int, origin: str | None, at: datetime
) -> Campaign | None:
    """The campaign of an advocate's code sent with the widget of `named`: it, or one targeting
    gave the shopper instead on the same site; None: neither."""
    if campaign_id == named.id:
        return named
    other = await store.campaign_by_id(campaign_id)
    if other is None or not segments.live(other, at):
        return None
    return other if segments.same_site(named, other, origin) else None
