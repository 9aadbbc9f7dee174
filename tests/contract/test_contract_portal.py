"""Contract: what the advocate's own page reads of the store."""

from __future__ import annotations

from shareback.storage.base import Store
from store_contract import contract, join, listen, make_campaign, sent


@contract("advocate_by_email")
async def test_an_advocate_is_found_by_address_in_their_campaign_and_nothing_is_made(
    store: Store,
) -> None:
    await listen(store)
    spring = await make_campaign(store)
    summer = await make_campaign(store, slug="summer")
    anna = await join(store, spring, "Anna@Example.nl", "Anna")
    assert await store.advocate_by_email(spring.id, "anna@example.nl") == anna
    assert await store.advocate_by_email(summer.id, "anna@example.nl") is None
    assert await store.advocate_by_email(spring.id, "bram@example.nl") is None
    assert await store.advocate_by_email(spring.id + summer.id + 1000, "anna@example.nl") is None
    assert await sent(store) == {"advocate.created": 1}
