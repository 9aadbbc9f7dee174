"""Contract: the owner's own wording of the widget's labels, per campaign and language."""

from __future__ import annotations

from shareback.storage.base import Store
from store_contract import T0, at, contract, make_campaign


@contract("set_campaign_labels", "campaign_labels")
async def test_a_languages_labels_are_replaced_as_a_whole_and_kept_per_campaign(
    store: Store,
) -> None:
    spring = await make_campaign(store)
    summer = await make_campaign(store, slug="summer")
    assert await store.campaign_labels(spring.id, "nl") == {}
    await store.set_campaign_labels(
        spring.id, "nl", {"title": "Deel en verdien", "button": "Kopieer"}, T0
    )
    await store.set_campaign_labels(spring.id, "de", {"title": "Teilen"}, T0)
    assert await store.campaign_labels(spring.id, "nl") == {
        "button": "Kopieer",
        "title": "Deel en verdien",
    }
    # A key left out is the catalogue's again; the other language and campaign are untouched.
    await store.set_campaign_labels(spring.id, "nl", {"title": "Geef korting"}, at(1))
    assert await store.campaign_labels(spring.id, "nl") == {"title": "Geef korting"}
    assert await store.campaign_labels(spring.id, "de") == {"title": "Teilen"}
    assert await store.campaign_labels(summer.id, "nl") == {}
    await store.set_campaign_labels(spring.id, "nl", {}, at(2))
    assert await store.campaign_labels(spring.id, "nl") == {}
    assert await store.campaign_labels(spring.id, "de") == {"title": "Teilen"}
