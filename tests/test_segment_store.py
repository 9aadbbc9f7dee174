"""The store's campaign segments: set, widened, removed, each change recorded once."""

from __future__ import annotations

from datetime import UTC, datetime

from shareback.crm.segments import Segment
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from test_admin_auth import run as run_async

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_a_segment_is_set_widened_and_removed_with_its_history(
    client: TestClient, settings: Settings
) -> None:
    async def run() -> None:
        store = await open_store(settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            assert await store.campaign_segment(campaign.id) is None
            dutch = Segment(
                countries=("NL", "BE"),
                tags=("vip", "big spender"),
                min_spend_minor=5000,
                spend_currency="EUR",
            )
            assert await store.set_campaign_segment(campaign.id, dutch, "set", "ann@shop", AT)
            # The same segment again changes nothing and records nothing.
            assert not await store.set_campaign_segment(campaign.id, dutch, "set", "ann@shop", AT)
            assert await store.campaign_segment(campaign.id) == dutch
            assert await store.campaign_segments() == {campaign.id: dutch}
            wide = dutch.without_countries()
            assert await store.set_campaign_segment(campaign.id, wide, "widen", "bob@shop", AT)
            assert await store.set_campaign_segment(campaign.id, None, "remove", "key:ci", AT)
            assert await store.campaign_segment(campaign.id) is None
            changes = await store.segment_changes(campaign.id)
            assert [(c.action, c.actor) for c in changes] == [
                ("remove", "key:ci"),
                ("widen", "bob@shop"),
                ("set", "ann@shop"),
            ]
            assert changes[1].before is not None and changes[1].before["countries"] == ["NL", "BE"]
            assert changes[1].after is not None and changes[1].after["countries"] == []
            assert changes[1].after["min_spend"] == "50.00"
            assert changes[0].after is None and changes[2].before is None
            assert changes[0].at == AT
        finally:
            await store.close()

    run_async(run())
