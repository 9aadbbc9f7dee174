"""Every public output states time one way: RFC 3339 in UTC, whole seconds, Z (shareback.times)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from shareback.outgoing.validation import validation_body
from shareback.outgoing.worker import event_body
from shareback.storage.base import DueDelivery, DueValidation
from starlette.testclient import TestClient
from test_owner_api import ADMIN_KEY, make_rewards
from test_owner_api import settings as settings  # the settings with the admin key

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# Microseconds and another offset: what a database may hand back.
MOMENT = datetime(2025, 6, 1, 11, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
PAYLOAD = {"reward": {"id": 1}, "advocate": {"code": "ANNA-7KQ2"}}


def test_event_envelopes_carry_the_one_time_format() -> None:
    delivery = DueDelivery(
        1, 0, MOMENT, "msg_1", "reward.created", PAYLOAD, MOMENT, "https://crm.example", "whsec_"
    )
    event = json.loads(event_body(delivery, "https://refer.example"))
    assert event["timestamp"] == "2025-06-01T09:30:00Z"
    assert event["data"]["advocate"]["link"] == "https://refer.example/r/ANNA-7KQ2"
    item = DueValidation(1, 0, "https://shop.example/v", "whsec_", PAYLOAD)
    question = json.loads(validation_body(item, "https://refer.example", MOMENT))
    assert (question["type"], question["timestamp"]) == ("reward.validation", event["timestamp"])


def test_api_documents_and_csv_use_the_one_time_format(
    client: TestClient, webhook_secret: str
) -> None:
    make_rewards(client, webhook_secret, 1)
    auth = {"authorization": f"Bearer {ADMIN_KEY}"}
    reward = client.get("/api/v1/rewards", headers=auth).json()["data"][0]
    assert RFC3339.match(reward["created_at"]) and RFC3339.match(reward["approve_after"])
    campaign = client.get("/api/v1/campaigns/default", headers=auth).json()
    assert RFC3339.match(campaign["created_at"])
    csv_text = client.get("/api/v1/exports/advocates.csv", headers=auth).text
    assert re.search(r",\"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\"\r\n", csv_text)  # cells quoted
