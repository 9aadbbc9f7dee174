"""Contract: the look-ups kept for a few seconds (storage/lookups.py), on every engine: a change
made through the same store is seen at once, another process's change once told to clear."""

from __future__ import annotations

from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from store_contract import at, covers, join, make_campaign, run
from support import db_execute


@covers("clear_lookups", "advocate_by_code", "campaign_by_id")
def test_kept_look_ups_follow_own_writes_and_clear_for_other_processes(
    settings: Settings,
) -> None:
    async def scenario(store: Store) -> None:
        campaign = await make_campaign(store)
        advocate = await join(store, campaign, "anna@example.nl", "Anna")
        # Kept now, in this process.
        assert await store.advocate_by_code(advocate.code) == advocate
        assert (await store.campaign_by_id(campaign.id)) == campaign

        # This store's own write: in force at once.
        archived = await store.archive_campaign(campaign.slug, at(1))
        assert archived is not None
        kept = await store.campaign_by_id(campaign.id)
        assert kept is not None and kept.archived_at == archived.archived_at

        assert await store.advocate_by_code(advocate.code) == advocate  # kept again

        # Another process's write (here: straight into the database).
        db_execute(
            settings,
            "UPDATE campaigns SET landing_url = 'https://elsewhere.example/' WHERE id = ?",
            (campaign.id,),
        )
        db_execute(
            settings, "UPDATE advocates SET code = 'MOVED-1234' WHERE id = ?", (advocate.id,)
        )
        stale = await store.campaign_by_id(campaign.id)
        assert stale is not None and stale.landing_url == campaign.landing_url  # kept
        assert await store.advocate_by_code(advocate.code) == advocate  # kept
        store.clear_lookups()
        fresh = await store.campaign_by_id(campaign.id)
        assert fresh is not None and fresh.landing_url == "https://elsewhere.example/"
        assert await store.advocate_by_code(advocate.code) is None
        moved = await store.advocate_by_code("MOVED-1234")
        assert moved is not None and moved.id == advocate.id

        # A second store on the same database (another process) keeps its own.
        other = await open_store(settings.database_url)
        try:
            assert await other.advocate_by_code("MOVED-1234") == moved
        finally:
            await other.close()

    run(settings.database_url, scenario)


@covers("advocate_by_code")
def test_unknown_codes_are_not_kept(settings: Settings) -> None:
    """A code nobody has is asked again: the advocate who gets it next has a working link."""

    async def scenario(store: Store) -> None:
        campaign = await make_campaign(store)
        advocate = await join(store, campaign, "anna@example.nl", "Anna")
        assert await store.advocate_by_code("NEW-7777") is None
        db_execute(settings, "UPDATE advocates SET code = 'NEW-7777' WHERE id = ?", (advocate.id,))
        found = await store.advocate_by_code("NEW-7777")
        assert found is not None and found.id == advocate.id

    run(settings.database_url, scenario)


@covers("advocate_for", "advocate_by_code")
def test_a_join_that_changes_the_advocate_is_seen_at_once(settings: Settings) -> None:
    async def scenario(store: Store) -> None:
        campaign = await make_campaign(store)
        first, _ = await store.advocate_for(
            campaign.id, "anna@example.nl", "anna@example.nl", None, False, "ANNA", at(0)
        )
        assert await store.advocate_by_code(first.code) == first  # kept
        again, _ = await store.advocate_for(
            campaign.id, "anna@example.nl", "anna@example.nl", "Anna", True, "ANNA", at(1)
        )
        assert (again.name, again.verified) == ("Anna", True)
        assert await store.advocate_by_code(first.code) == again

    run(settings.database_url, scenario)
