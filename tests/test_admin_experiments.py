"""The dashboard's experiment pages: the list with the finished ones, an experiment's page with
each variant's numbers, intervals and the verdict in plain words, and its status form (CSRF, the
campaign editor's permission): stop and roll out writes the winner into the campaign."""

from __future__ import annotations

import re

from experiment_seed import seed_both
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows
from test_admin_auth import admin as admin
from test_admin_auth import csrf_token


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_decided_experiment_says_so_and_rolls_out_its_winner(
    admin: TestClient, settings: Settings
) -> None:
    decided, running = seed_both(settings.database_url)
    page = admin.get(f"/admin/experiments/{decided}")
    assert page.status_code == 200
    words = text(page.text)
    assert "B wins" in words
    assert "scores" in words and "higher on advocates whose friends ordered than A" in words
    assert "95 % interval" in words and "Decided." in words
    assert "Stop and roll out B" in words
    young = text(admin.get(f"/admin/experiments/{running}").text)
    assert re.search(r"No clear winner yet: about \d+ more days at the current traffic", young)
    assert "Stop and roll out" not in young
    response = admin.post(
        f"/admin/experiments/{decided}/status",
        data={"csrf": csrf_token(page.text), "action": "roll_out"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = db_rows(
        settings,
        "SELECT friend_reward_type, friend_reward_value FROM campaigns WHERE slug = 'spring'",
    )[0]
    assert (row[0], row[1]) == ("credit", "20.00")
    stopped = text(admin.get(f"/admin/experiments/{decided}").text)
    assert "settings were written into the campaign" in stopped
    listing = text(admin.get("/admin/experiments?campaign=spring").text)
    assert "B won · rolled out" in listing


def test_a_forged_or_unknown_status_change_changes_nothing(
    admin: TestClient, settings: Settings
) -> None:
    _, running = seed_both(settings.database_url)
    forged = admin.post(
        f"/admin/experiments/{running}/status", data={"action": "stop", "csrf": "x"}
    )
    assert forged.status_code == 403
    page = admin.get(f"/admin/experiments/{running}")
    token = csrf_token(page.text)
    unknown = admin.post(
        f"/admin/experiments/{running}/status", data={"action": "explode", "csrf": token}
    )
    assert unknown.status_code == 400
    early = admin.post(
        f"/admin/experiments/{running}/status", data={"action": "roll_out", "csrf": token}
    )
    assert "There is no decided winner to roll out yet." in early.text
    assert admin.get("/admin/experiments/12345").status_code == 404
    status = db_rows(settings, "SELECT status FROM experiments WHERE id = ?", (running,))[0][0]
    assert status == "running"


def test_an_owner_plans_an_experiment_in_the_dashboard(
    admin: TestClient, settings: Settings
) -> None:
    page = admin.get("/admin/experiments?campaign=default")
    assert "Plan an experiment" in page.text
    form = admin.get("/admin/experiments/new?campaign=default")
    assert form.status_code == 200 and "Value (10 for 10 %, 5.00 for an amount)" in form.text
    fields = {
        "csrf": csrf_token(form.text),
        "campaign": "default",
        "name": "Bigger offer",
        "primary_metric": "order_rate",
        "planned_uplift_percent": "30",
        "b_name": "Fifteen percent",
        "friend_type": "percent_discount",
        "friend_value": "150",
        "referrer_type": "",
        "referrer_value": "",
        "headline": "Give {friend}",
        "share_message": "",
        "email_subject": "",
        "email_body": "",
    }
    refused = admin.post("/admin/experiments/new", data=fields)
    assert refused.status_code == 400 and "at most 100" in refused.text
    assert db_rows(settings, "SELECT COUNT(*) FROM experiments")[0][0] == 0
    made = admin.post(
        "/admin/experiments/new", data={**fields, "friend_value": "15"}, follow_redirects=False
    )
    assert made.status_code == 303
    shown = text(admin.get(made.headers["location"]).text)
    assert "Bigger offer" in shown and "Start the experiment" in shown
    assert "Offer for the friend: percent_discount 15" in shown
    assert "Headline: Give {friend}" in shown
    row = db_rows(settings, "SELECT planned_uplift_percent, created_by FROM experiments")[0]
    assert (row[0], row[1]) == (30, "owner@brandpunt.nl")
