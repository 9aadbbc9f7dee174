"""Contract: outgoing webhooks: endpoints, leased deliveries, attempts and the queue's sizes."""

from __future__ import annotations

from datetime import timedelta

from shareback.storage.base import Store
from store_contract import T0, assert_moment, at, contract, join, listen, make_campaign, refer

LEASE = timedelta(minutes=5)


@contract("create_endpoint", "endpoints")
async def test_endpoints_keep_their_events_and_secret(store: Store) -> None:
    assert await store.endpoints() == []
    every = await store.create_endpoint("https://a.example/h", (), "whsec_a", "", T0)
    some = await store.create_endpoint(
        "https://b.example/h", ("reward.approved", "reward.revoked"), "whsec_b", "Payouts", at(1)
    )
    assert (every.url, every.events, every.secret, every.description, every.disabled_at) == (
        "https://a.example/h",
        ("*",),
        "whsec_a",
        "",
        None,
    )
    assert (some.events, some.description) == (("reward.approved", "reward.revoked"), "Payouts")
    assert_moment(some.created_at, at(1))
    assert await store.endpoints() == [every, some]


@contract("disable_endpoint", "create_endpoint")
async def test_an_endpoint_gets_only_its_events_and_none_once_disabled(store: Store) -> None:
    rewards = await store.create_endpoint("https://r.example", ("reward.created",), "s", "", T0)
    joins = await store.create_endpoint("https://j.example", ("advocate.created",), "s", "", T0)
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001")
    by_endpoint = {
        e.id: sorted(d.type for d in await store.list_deliveries(endpoint_id=e.id))
        for e in (rewards, joins)
    }
    assert by_endpoint == {
        rewards.id: ["reward.created", "reward.created"],
        joins.id: ["advocate.created"],
    }
    assert await store.disable_endpoint(joins.id, at(1)) is True
    assert await store.disable_endpoint(joins.id, at(2)) is False
    assert await store.disable_endpoint(joins.id + 100, at(2)) is False
    assert_moment((await store.endpoints())[1].disabled_at, at(1))
    await join(store, campaign, "mark@example.nl", "Mark", when=at(2))
    assert len(await store.list_deliveries(endpoint_id=joins.id)) == 1


@contract("claim_deliveries")
async def test_due_deliveries_are_leased_to_one_worker_at_a_time(store: Store) -> None:
    endpoint = await listen(store)
    campaign = await make_campaign(store)
    first = await join(store, campaign, "anna@example.nl", "Anna", when=T0)
    await join(store, campaign, "mark@example.nl", "Mark", when=at(minutes=1))
    await join(store, campaign, "zoe@example.nl", "Zoe", when=at(minutes=2))
    assert await store.claim_deliveries("w1", T0 - timedelta(microseconds=1), LEASE, 10) == []
    [claimed] = await store.claim_deliveries("w1", at(seconds=30), LEASE, 10)
    assert (claimed.attempts, claimed.type, claimed.url, claimed.secret) == (
        0,
        "advocate.created",
        endpoint.url,
        "whsec_test",
    )
    assert claimed.message_id.startswith("msg_") and len(claimed.message_id) == 28
    assert claimed.payload["advocate"]["code"] == first.code
    assert_moment(claimed.event_at, T0)
    assert_moment(claimed.created_at, T0)
    # Oldest first and never more than `limit`, however many are due.
    [mark] = await store.claim_deliveries("w2", at(minutes=3), LEASE, 1)
    [zoe] = await store.claim_deliveries("w2", at(minutes=3), LEASE, 5)
    assert [d.payload["advocate"]["name"] for d in (mark, zoe)] == ["Mark", "Zoe"]
    # What w1 holds is not w3's until the lease runs out.
    assert await store.claim_deliveries("w3", at(minutes=3), LEASE, 10) == []
    lease_end = at(seconds=30) + LEASE
    assert await store.claim_deliveries("w3", lease_end, LEASE, 10) == []
    [again] = await store.claim_deliveries("w3", lease_end + timedelta(microseconds=1), LEASE, 10)
    assert again.id == claimed.id and again.message_id == claimed.message_id
    assert (
        await store.finish_delivery(
            claimed.id,
            "w1",
            delivered=True,
            status_code=200,
            error=None,
            duration_ms=5,
            retry_at=None,
            now=at(minutes=6),
        )
        is False
    )  # w1's lease was lost to w3


@contract("finish_delivery", "delivery_attempts", "list_deliveries")
async def test_each_attempt_is_logged_and_the_delivery_moves_on(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store)
    for n in range(3):
        await join(store, campaign, f"a{n}@example.nl", "Anna")
    ok, retried, dead = await store.claim_deliveries("w", at(1), LEASE, 10)
    assert await store.finish_delivery(
        ok.id,
        "w",
        delivered=True,
        status_code=204,
        error=None,
        duration_ms=12,
        retry_at=None,
        now=at(1, seconds=1),
    )
    assert not await store.finish_delivery(
        ok.id,
        "w",
        delivered=True,
        status_code=204,
        error=None,
        duration_ms=12,
        retry_at=None,
        now=at(1, seconds=2),
    )  # finished already
    assert not await store.finish_delivery(
        retried.id,
        "intruder",
        delivered=True,
        status_code=200,
        error=None,
        duration_ms=1,
        retry_at=None,
        now=at(1),
    )
    assert await store.finish_delivery(
        retried.id,
        "w",
        delivered=False,
        status_code=503,
        error="Service Unavailable",
        duration_ms=30,
        retry_at=at(2),
        now=at(1, seconds=1),
    )
    assert await store.finish_delivery(
        dead.id,
        "w",
        delivered=False,
        status_code=None,
        error="connection refused",
        duration_ms=1000,
        retry_at=None,
        now=at(1, seconds=1),
    )
    rows = {d.id: d for d in await store.list_deliveries()}
    assert (rows[ok.id].status, rows[ok.id].attempts, rows[ok.id].last_status_code) == (
        "delivered",
        1,
        204,
    )
    assert_moment(rows[ok.id].delivered_at, at(1, seconds=1))
    assert (rows[retried.id].status, rows[retried.id].last_error) == (
        "pending",
        "Service Unavailable",
    )
    assert_moment(rows[retried.id].next_attempt_at, at(2))
    assert (rows[dead.id].status, rows[dead.id].delivered_at) == ("dead", None)
    [attempt] = await store.delivery_attempts(retried.id)
    assert (attempt.status_code, attempt.error, attempt.duration_ms) == (
        503,
        "Service Unavailable",
        30,
    )
    assert_moment(attempt.at, at(1, seconds=1))
    assert await store.delivery_attempts(dead.id + 100) == []
    # The retry waits for its time.
    assert await store.claim_deliveries("w", at(2, microseconds=-1), LEASE, 10) == []
    assert [d.id for d in await store.claim_deliveries("w", at(2), LEASE, 10)] == [retried.id]
    # Filters and pages, newest first.
    assert [d.id for d in await store.list_deliveries(status="dead")] == [dead.id]
    assert [d.id for d in await store.list_deliveries(status="pending")] == [retried.id]
    assert [d.id for d in await store.list_deliveries(before=dead.id, limit=1)] == [retried.id]
    assert await store.list_deliveries(endpoint_id=dead.id + 100) == []
    assert rows[ok.id].type == "advocate.created" and rows[ok.id].url == "https://hooks.example/all"


@contract("redeliver")
async def test_a_finished_delivery_can_be_sent_again_from_scratch(store: Store) -> None:
    await listen(store)
    campaign = await make_campaign(store)
    await join(store, campaign, "anna@example.nl", "Anna")
    [delivery] = await store.claim_deliveries("w", at(1), LEASE, 1)
    assert await store.redeliver(delivery.id, at(1)) is False  # still pending
    await store.finish_delivery(
        delivery.id,
        "w",
        delivered=False,
        status_code=500,
        error="boom",
        duration_ms=1,
        retry_at=None,
        now=at(1),
    )
    assert await store.redeliver(delivery.id, at(5)) is True
    assert await store.redeliver(delivery.id, at(5)) is False
    assert await store.redeliver(delivery.id + 100, at(5)) is False
    [row] = await store.list_deliveries()
    assert (row.status, row.attempts) == ("pending", 0)
    assert_moment(row.next_attempt_at, at(5))
    assert_moment(row.created_at, at(5))  # a fresh window
    [again] = await store.claim_deliveries("w2", at(5), LEASE, 1)
    assert again.id == delivery.id and again.attempts == 0
    # Its earlier attempt stays in the log.
    assert len(await store.delivery_attempts(delivery.id)) == 1


@contract("queue_sizes")
async def test_queue_sizes_count_rewards_deliveries_and_pool_codes(store: Store) -> None:
    assert await store.queue_sizes() == {
        ("friend_code_pool", "remaining"): 0,
        ("friend_code_pool", "issued"): 0,
    }
    await listen(store)
    campaign = await make_campaign(store, friend_fulfilment="pool")
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await refer(store, campaign, anna, "1001")
    await store.record_refund("r", "shop", "1001", at(1))
    await store.add_pool_codes(campaign.id, ["P-1", "P-2", "P-3"], T0)
    await store.issue_friend_code(campaign, anna.id, "click-1", at(1))
    [delivery] = await store.claim_deliveries("w", at(1), LEASE, 1)
    await store.finish_delivery(
        delivery.id,
        "w",
        delivered=True,
        status_code=200,
        error=None,
        duration_ms=1,
        retry_at=None,
        now=at(1),
    )
    # advocate.created, referral.converted, 2 reward.created, 2 reward.revoked
    assert await store.queue_sizes() == {
        ("rewards", "revoked"): 2,
        ("webhook_deliveries", "delivered"): 1,
        ("webhook_deliveries", "pending"): 5,
        ("friend_code_pool", "remaining"): 2,
        ("friend_code_pool", "issued"): 1,
    }
