"""A/B experiments over HTTP: the owner plans, starts and stops one through the API; advocates get
their sticky variant in the widget's own answer (recorded as seen); their friends see and are
rewarded with that variant's offer; results come with intervals and a verdict; stopping can roll
the winner out to the campaign. Bad input is a clear 4xx with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows, follow_link, join_campaign, order_paid, signed_headers
from test_owner_api import Owner, error_of
from test_owner_api import settings as settings  # the settings with the admin key

BASE = "/api/v1/campaigns/default/experiments"
PLAN: dict[str, Any] = {
    "name": "Twenty euro for friends",
    "primary_metric": "order_rate",
    "variants": [
        {"name": "As it is"},
        {
            "name": "Twenty euro",
            "overrides": {
                "friend_reward": {"type": "credit", "value": "20.00"},
                "share_message": "Shop at {shop} and get {friend}!",
                "channels": ["sms", "whatsapp"],
                "email_subject": "{{ name }}, give {{ friend_offer }}",
            },
        },
    ],
}


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def started(owner: Owner) -> dict[str, Any]:
    made = owner.post(BASE, json=PLAN)
    assert made.status_code == 201, made.text
    response = owner.post(f"{BASE}/{made.json()['id']}/status", json={"status": "running"})
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def test_advocates_get_a_sticky_variant_in_the_answer_they_already_fetch(
    client: TestClient, owner: Owner, settings: Settings
) -> None:
    experiment = started(owner)
    assert experiment["status"] == "running" and experiment["started_at"] is not None
    answers = [join_campaign(client, f"shopper{n}@example.nl", f"Shopper {n}") for n in range(40)]
    seen = {str(a["code"]): a for a in answers}
    variants = {code: a["experiment"]["variant"] for code, a in seen.items()}  # type: ignore[index]
    assert set(variants.values()) == {"A", "B"}
    for code, answer in seen.items():
        if variants[code] == "B":
            assert answer["share"]["text"] == "Shop at Brandpunt Koffie and get €20 store credit!"  # type: ignore[index]
            assert answer["channels"][:2] == ["sms", "whatsapp"]  # type: ignore[index]
        else:
            assert (
                answer["share"] == answers[0]["share"] or variants[str(answers[0]["code"])] == "B"
            )
            assert answer["channels"][0] == "whatsapp"  # type: ignore[index]
    # Sticky: the same shopper again gets the same variant, and is counted once.
    again = join_campaign(client, "shopper3@example.nl", "Shopper 3")
    assert again["experiment"] == answers[3]["experiment"]
    exposures = db_rows(settings, "SELECT COUNT(*) FROM experiment_exposures")[0][0]
    assert exposures == 40


def test_the_friend_is_offered_and_rewarded_with_the_variant_of_their_advocate(
    client: TestClient, owner: Owner, settings: Settings, webhook_secret: str
) -> None:
    experiment = started(owner)
    answers = [join_campaign(client, f"shopper{n}@example.nl", f"Shopper {n}") for n in range(20)]
    b = next(a for a in answers if a["experiment"]["variant"] == "B")  # type: ignore[index]
    a = next(a for a in answers if a["experiment"]["variant"] == "A")  # type: ignore[index]
    for answer, order in ((b, "o-b"), (a, "o-a")):
        ref = follow_link(client, str(answer["code"]), "whatsapp")
        widget = client.get(f"/api/v1/campaigns/default/widget?ref={ref}&lang=en").json()
        expected = "€20 store credit" if answer is b else "10% off"
        assert widget["friend"]["offer"] == expected
        body = order_paid(order, f"friend-{order}@example.com", "40.00", ref)
        headers = signed_headers(webhook_secret, body, f"m-{order}")
        assert client.post("/webhooks/orders", content=body, headers=headers).status_code == 200
    rows = db_rows(settings, "SELECT email, type, value FROM rewards WHERE side = 'friend'")
    offers = {str(r[0]): (r[1], r[2]) for r in rows}
    assert offers["friend-o-b@example.com"] == ("credit", "20.00")
    assert offers["friend-o-a@example.com"] == ("percent_discount", "10")
    results = owner.get(f"{BASE}/{experiment['id']}/results").json()
    verdict = results["verdict"]
    assert verdict["status"] == "collecting"  # a day old, a handful of advocates
    assert {v["variant"] for v in verdict["variants"]} == {"A", "B"}
    assert sum(v["n"] for v in verdict["variants"]) == 20
    orders = {v["variant"]: v["mean"] for v in results["metrics"]["orders"]["variants"]}
    assert orders["A"] > 0 and orders["B"] > 0
    assert verdict["days_left"] is not None and verdict["days_left"] >= 6


def test_stopping_keeps_the_result_and_rolling_out_needs_a_winner(
    client: TestClient, owner: Owner, settings: Settings
) -> None:
    experiment = started(owner)
    url = f"{BASE}/{experiment['id']}/status"
    assert error_of(owner.post(BASE, json=PLAN)) == (409, "experiment_exists", None)
    refused = owner.post(url, json={"status": "stopped", "roll_out": True})
    assert error_of(refused) == (409, "no_winner", None)
    assert owner.get(f"{BASE}/{experiment['id']}").json()["status"] == "running"
    paused = owner.post(url, json={"status": "paused"}).json()
    assert paused["status"] == "paused"
    stopped = owner.post(url, json={"status": "stopped"}).json()
    assert stopped["status"] == "stopped" and stopped["winner"] is None
    assert stopped["result"]["verdict"]["status"] == "collecting"
    assert error_of(owner.post(url, json={"status": "running"}))[:2] == (409, "invalid_transition")
    listed = owner.get(BASE).json()["data"]
    assert [e["id"] for e in listed] == [experiment["id"]]
    changes = db_rows(settings, "SELECT from_status, to_status, actor FROM experiment_changes")
    assert [(c[0], c[1]) for c in changes] == [
        ("draft", "running"),
        ("running", "paused"),
        ("paused", "stopped"),
    ]
    assert owner.post(BASE, json=PLAN).status_code == 201  # the next one may start


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"primary_metric": "reward_cost"}, "primary_metric"),
        ({"planned_uplift_percent": 0}, "planned_uplift_percent"),
        ({"variants": [{"name": "only one"}]}, "variants"),
        (
            {"variants": [{"name": "A", "overrides": {"headline": "x"}}, PLAN["variants"][1]]},
            "overrides",
        ),
        ({"variants": [PLAN["variants"][0], {"name": "B"}]}, "overrides"),
        (
            {"variants": [PLAN["variants"][0], {"name": "B", "overrides": {"colour": "red"}}]},
            "colour",
        ),
        (
            {"variants": [PLAN["variants"][0], {"name": "B", "overrides": {"channels": ["fax"]}}]},
            "channels",
        ),
        (
            {
                "variants": [
                    PLAN["variants"][0],
                    {
                        "name": "B",
                        "overrides": {
                            "friend_reward": {"type": "percent_discount", "value": "150"}
                        },
                    },
                ]
            },
            "friend_reward",
        ),
        (
            {
                "variants": [
                    PLAN["variants"][0],
                    {"name": "B", "overrides": {"email_body": "{{ nope }}"}},
                ]
            },
            "email_body",
        ),
        ({"variants": [PLAN["variants"][0], {**PLAN["variants"][1], "weight": 0}]}, "weight"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_written(
    owner: Owner, settings: Settings, change: dict[str, Any], field: str
) -> None:
    response = owner.post(BASE, json={**PLAN, **change})
    assert error_of(response) == (422, "invalid_experiment", field), response.text
    assert db_rows(settings, "SELECT COUNT(*) FROM experiments")[0][0] == 0


def test_unknown_campaigns_experiments_and_bodies_are_4xx(owner: Owner) -> None:
    assert error_of(owner.get("/api/v1/campaigns/nope/experiments"))[:2] == (
        404,
        "unknown_campaign",
    )
    assert error_of(owner.get(f"{BASE}/99999"))[:2] == (404, "unknown_experiment")
    assert error_of(owner.get(f"{BASE}/abc/results"))[:2] == (404, "unknown_experiment")
    assert (
        owner.post(BASE, content=b"[1]", headers={"content-type": "application/json"}).status_code
        == 400
    )
    experiment = started(owner)
    url = f"{BASE}/{experiment['id']}/status"
    assert error_of(owner.post(url, json={"status": "draft"}))[:2] == (422, "invalid_status")
    assert error_of(owner.post(url, json={"status": "paused", "roll_out": "yes"}))[:2] == (
        422,
        "invalid_roll_out",
    )
    assert error_of(owner.post(url, json={"status": "paused", "why": 1}))[:2] == (
        422,
        "unknown_field",
    )
