"""The ambassadors page and its store verbs: customers ranked by score with their reasons (in
English and Dutch), filtered and paged; "invite these" sends the invitation e-mail with the
customer's referral link once, to those who may be asked; the decile table counts afterwards."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from mail_support import SmtpServer, send_rounds, text_links
from score_support import History, add_customers, on_store
from shareback.app import create_app
from shareback.crm import invitations
from shareback.crm.ranking import RankingFilter
from shareback.crm.scoring_loop import SCORES_LEASE, rescore
from shareback.mail.unsubscribe import address_hash
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from starlette.testclient import TestClient
from support import BROWSER_UA, count, db_rows
from test_admin_auth import create_admin, csrf_token, sign_in
from test_mail_delivery import DRAFT

SECRET = "ambassador-test-secret-key-0123456789"
FROM = "Brandpunt Koffie <hello@brandpunt.example>"
NOW = datetime.now(UTC)

LOYAL = History(
    "anna@example.nl",
    "Anna",
    tags=("vip",),
    orders=((5, 4_500), (30, 3_000), (60, 5_000)),
    tickets=((40, False, 9),),
)
LAPSED = History("bram@example.nl", "Bram", country="BE", orders=((300, 2_000),))
COMPLAINT = History(
    "cor@example.nl", "Cor", orders=((3, 9_000), (20, 4_000)), tickets=((2, True, None),)
)
NO_CONSENT = History("dirk@example.nl", "Dirk", consent=False, orders=((10, 3_000), (15, 2_000)))
UNKNOWN = History("eva@example.nl", "Eva", consent=None, orders=((12, 3_000),))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shop(settings: Settings, smtp: SmtpServer) -> Settings:
    return dataclasses.replace(
        settings,
        secret_key=SECRET,
        smtp_url=smtp.url,
        email_from=FROM,
        mail_interval_seconds=3600.0,
    )


@pytest.fixture
def owner(shop: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(shop), headers={"user-agent": BROWSER_UA}) as client:
        create_admin(shop)
        assert sign_in(client).status_code == 303
        yield client


def rows_in(html: str) -> list[str]:
    """The customers' addresses in the ranked table, top to bottom."""
    table = html.split('class="people ambassadors"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'href="/admin/customers/\d+">([^<]+)</a>', table)


def invite(owner: TestClient, ids: list[int], **extra: str) -> str:
    page = owner.get("/admin/ambassadors")
    data: dict[str, object] = {
        "csrf": csrf_token(page.text),
        "campaign": "default",
        "customer": [str(i) for i in ids],
        **extra,
    }
    answer = owner.post("/admin/ambassadors/invite", data=data, follow_redirects=True)
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def test_the_list_ranks_customers_and_says_why_in_english_and_dutch(
    owner: TestClient, shop: Settings
) -> None:
    add_customers(shop, [LAPSED, LOYAL, COMPLAINT], NOW)
    page = owner.get("/admin/ambassadors")
    assert page.status_code == 200
    # The recent complaint is listed last, marked, whatever its purchases.
    assert rows_in(page.text) == ["Anna", "Bram", "Cor"]
    assert (
        "3 orders in 90 days, last order 5 days ago, €125 spent, NPS 9, no open tickets"
        in page.text
    )
    assert "an unresolved ticket from 2 days ago: not invited for now" in page.text
    dutch = owner.get("/admin/ambassadors", headers={"accept-language": "nl"}).text
    assert "3 bestellingen in 90 dagen, laatste bestelling 5 dagen geleden" in dutch
    assert "een onopgelost ticket van 2 dagen geleden: voorlopig niet uitgenodigd" in dutch
    assert "Voorspelt de score iets?" in dutch


def test_the_filters_narrow_the_list_and_a_bad_one_is_a_400(
    owner: TestClient, shop: Settings
) -> None:
    add_customers(shop, [LOYAL, LAPSED, COMPLAINT, NO_CONSENT, UNKNOWN], NOW)
    assert rows_in(owner.get("/admin/ambassadors?country=be").text) == ["Bram"]
    assert rows_in(owner.get("/admin/ambassadors?tag=VIP").text) == ["Anna"]
    assert rows_in(owner.get("/admin/ambassadors?consent=no").text) == ["Dirk"]
    assert rows_in(owner.get("/admin/ambassadors?consent=unknown").text) == ["Eva"]
    assert set(rows_in(owner.get("/admin/ambassadors?min_orders=3").text)) == {"Anna"}
    high = rows_in(owner.get("/admin/ambassadors?band=high").text)
    assert "Anna" in high and "Bram" not in high
    bad = owner.get("/admin/ambassadors?country=Netherlands")
    assert bad.status_code == 400 and "two-letter country code" in bad.text


def test_the_list_pages_fifty_at_a_time(owner: TestClient, shop: Settings) -> None:
    add_customers(
        shop, [History(f"c{n}@example.nl", orders=((n % 50, 1_000),)) for n in range(55)], NOW
    )
    first = owner.get("/admin/ambassadors")
    assert len(rows_in(first.text)) == 50 and 'rel="next"' in first.text
    second = owner.get("/admin/ambassadors?page=2")
    assert len(rows_in(second.text)) == 5 and 'rel="prev"' in second.text


def test_invite_these_sends_the_referral_link_once_to_those_who_may_be_asked(
    owner: TestClient, shop: Settings, smtp: SmtpServer
) -> None:
    ids = add_customers(shop, [LOYAL, LAPSED, COMPLAINT, NO_CONSENT, UNKNOWN], NOW)
    owner.get("/admin/ambassadors")  # scores computed
    on_store(
        shop,
        lambda store: store.suppress_address(
            address_hash(SECRET, "bram@example.nl"), "unsubscribed", NOW
        ),
    )
    done = invite(owner, ids)
    assert "1 customer invited" in done
    assert "4 may not be asked" in done
    again = invite(owner, ids)  # a double submit
    assert "0 customers invited" in again and "1 was invited before" in again
    assert count(shop, "ambassador_invitations") == 1
    send_rounds(shop, SECRET, [datetime.now(UTC)])
    assert [r.rcpt_tos for r in smtp.inbox.received] == [["anna@example.nl"]]
    code = db_rows(shop, "SELECT code FROM advocates WHERE email_key = 'anna@example.nl'")[0][0]
    assert f"http://refer.test/r/{code}?ch=email" in text_links(smtp.inbox.received[0].text)
    assert smtp.inbox.received[0].message["List-Unsubscribe"]
    page = owner.get("/admin/ambassadors").text
    assert 'aria-label="Invite anna@example.nl"' not in page  # invited: no box to tick again
    profile = owner.get(f"/admin/customers/{ids[0]}").text
    assert "Ambassador score" in profile and "3 orders in 90 days" in profile
    assert re.search(r"Invited into [^<]+ \(score \d+, decile 1\)", profile)


def test_two_processes_inviting_the_same_customers_invite_each_once(shop: Settings) -> None:
    ids = add_customers(shop, [LOYAL, History("fien@example.nl", orders=((1, 5_000),))], NOW)

    async def race() -> list[int]:
        stores: list[Store] = [await open_store(shop.database_url) for _ in range(2)]
        try:
            await stores[0].refresh_scores(shop.score_rules, NOW)
            campaign = await stores[0].campaign("default")
            assert campaign is not None
            reports = await asyncio.gather(
                *(
                    invitations.invite(store, shop.score_rules, SECRET, campaign, ids, None, NOW)
                    for store in stores
                )
            )
            return [r.invited for r in reports]
        finally:
            for store in stores:
                await store.close()

    on_store(shop, lambda store: store.ensure_campaign(DRAFT))
    assert sum(asyncio.run(race())) == 2
    assert count(shop, "ambassador_invitations") == 2
    assert count(shop, "mail_messages") == 2


def test_the_deciles_are_fixed_when_invited(shop: Settings) -> None:
    histories = [
        History(f"d{n}@example.nl", orders=tuple((d, 2_000) for d in range(n))) for n in range(10)
    ]
    ids = add_customers(shop, histories, NOW)

    async def scenario(store: Store) -> list[tuple[int, int]]:
        await store.refresh_scores(shop.score_rules, NOW)
        campaign = await store.campaign("default")
        assert campaign is not None
        ranked = await store.ranked_customers(RankingFilter(), limit=100)
        await invitations.invite(store, shop.score_rules, SECRET, campaign, ids, None, NOW)
        rows = await store.invitation_deciles(campaign.id)
        return [(r.decile, r.invited) for r in rows] + [(0, ranked[0].points)]

    on_store(shop, lambda store: store.ensure_campaign(DRAFT))
    found = on_store(shop, scenario)
    assert sum(invited for decile, invited in found if decile) == 10
    assert found[0][0] == 1


API_KEY = "ambassador-api-key-0123456789abcdef"


@pytest.fixture
def api(shop: Settings) -> Iterator[TestClient]:
    keyed = dataclasses.replace(shop, admin_api_key=API_KEY)
    headers = {"user-agent": BROWSER_UA, "authorization": f"Bearer {API_KEY}"}
    with TestClient(create_app(keyed), headers=headers) as client:
        yield client


def test_the_owner_api_ranks_explains_invites_once_and_counts_deciles(
    api: TestClient, shop: Settings
) -> None:
    ids = add_customers(shop, [LOYAL, LAPSED, COMPLAINT, NO_CONSENT], NOW)
    page = api.get("/api/v1/ambassadors", params={"lang": "nl", "limit": "2"})
    assert page.status_code == 200, page.text
    first = page.json()["data"][0]
    assert first["email"] == "anna@example.nl"
    assert first["band"] == ("high" if first["score"] >= 60 else "medium")
    assert first["summary"].startswith("3 bestellingen in 90 dagen")
    assert first["reasons"][0] == {
        "kind": "orders_in_window",
        "count": 3,
        "days": 90,
        "amount_minor": 0,
        "currency": None,
        "points": first["reasons"][0]["points"],
        "text": "3 bestellingen in 90 dagen",
    }
    rest = api.get("/api/v1/ambassadors", params={"cursor": page.json()["next_cursor"]}).json()
    assert page.json()["data"][1]["email"] == "dirk@example.nl"
    assert [r["email"] for r in rest["data"]] == ["bram@example.nl", "cor@example.nl"]
    assert rest["next_cursor"] is None
    assert [r["email"] for r in api.get("/api/v1/ambassadors?country=BE").json()["data"]] == [
        "bram@example.nl"
    ]
    bad = api.get("/api/v1/ambassadors?band=gold")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "band"
    assert api.get("/api/v1/ambassadors?colour=red").status_code == 400
    assert api.get("/api/v1/ambassadors?cursor=rewards_5").status_code == 400
    body = {"campaign": "default", "customer_ids": ids}
    done = api.post("/api/v1/ambassadors/invitations", json=body)
    assert done.status_code == 200, done.text
    assert done.json() == {
        "campaign": "default",
        "invited": 2,
        "already_invited": 0,
        "refused": {"excluded": 1, "no_consent": 1, "unknown_consent": 0, "unsubscribed": 0},
        "unknown": 0,
    }
    assert api.post("/api/v1/ambassadors/invitations", json=body).json()["already_invited"] == 2
    for wrong in ({"campaign": "default", "customer_ids": [2**70]}, {"campaign": "default"}):
        assert api.post("/api/v1/ambassadors/invitations", json=wrong).status_code == 422
    assert (
        api.post(
            "/api/v1/ambassadors/invitations", json={"campaign": "nope", "customer_ids": [1]}
        ).status_code
        == 404
    )
    deciles = api.get("/api/v1/ambassadors/deciles?campaign=default").json()["deciles"]
    assert len(deciles) == 10 and sum(d["invited"] for d in deciles) == 2
    assert deciles[0]["invited"] == 1 and deciles[0]["conversion_rate"] == 0.0
    listed = api.get("/api/v1/ambassadors?campaign=default").json()["data"]
    assert listed[0]["invited_at"] is not None


def test_a_persons_export_and_erasure_cover_their_score_and_keep_the_deciles(
    api: TestClient, shop: Settings
) -> None:
    ids = add_customers(shop, [LOYAL, LAPSED], NOW)
    body = {"campaign": "default", "customer_ids": ids}
    assert api.post("/api/v1/ambassadors/invitations", json=body).json()["invited"] == 2
    exported = api.get("/api/v1/gdpr/export", params={"email": "anna@example.nl"}).json()
    assert len(exported["ambassador_scores"]) == 1
    assert exported["ambassador_invitations"][0]["campaign"] == "default"
    assert "orders_in_window" in exported["ambassador_invitations"][0]["reasons"]
    erased = api.post("/api/v1/gdpr/delete", json={"email": "anna@example.nl"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"]["ambassador_scores"] == 1
    assert erased.json()["erased"]["ambassador_invitations"] == 1
    again = api.get("/api/v1/gdpr/export", params={"email": "anna@example.nl"}).json()
    assert again["ambassador_scores"] == [] and again["ambassador_invitations"] == []
    deciles = api.get("/api/v1/ambassadors/deciles").json()["deciles"]
    assert sum(d["invited"] for d in deciles) == 2
    assert (
        db_rows(shop, "SELECT reasons FROM ambassador_invitations WHERE customer_id IS NULL")[0][0]
        == "[]"
    )


def test_the_background_round_rescores_stale_scores_once_under_a_lease(shop: Settings) -> None:
    add_customers(shop, [LOYAL], NOW)
    old = NOW - timedelta(hours=2)

    async def scenario(store: Store) -> list[int | None]:
        await store.refresh_scores(shop.score_rules, old)
        # The lease by the real clock, as rescore() reads it: NOW is when the module was imported,
        # which in a long run can be more than the lease's five minutes ago.
        now = datetime.now(UTC)
        held = await store.take_lease(SCORES_LEASE, "another", now, now + timedelta(minutes=5))
        assert held
        while_held = await rescore(store, shop.score_rules, "me", timedelta(minutes=5))
        await store.release_lease(SCORES_LEASE, "another")
        done = await rescore(store, shop.score_rules, "me", timedelta(minutes=5))
        fresh = await rescore(store, shop.score_rules, "me", timedelta(minutes=5))
        computed = await store.scores_computed_at()
        assert computed is not None and computed > old
        return [while_held, done, fresh]

    assert on_store(shop, scenario) == [None, 1, None]


def test_a_complaint_opened_since_the_last_scoring_keeps_the_customer_out(
    api: TestClient, shop: Settings
) -> None:
    ids = add_customers(shop, [LOYAL, LAPSED], NOW)
    assert api.get("/api/v1/ambassadors").status_code == 200  # scored: Bram may be asked
    add_customers(shop, [dataclasses.replace(LAPSED, orders=(), tickets=((0, True, None),))], NOW)
    body = {"campaign": "default", "customer_ids": [ids[1]]}
    done = api.post("/api/v1/ambassadors/invitations", json=body).json()
    assert done["invited"] == 0 and done["refused"]["excluded"] == 1


def test_invite_everyone_listed_takes_the_filtered_list_not_only_the_ticked(
    owner: TestClient, shop: Settings
) -> None:
    add_customers(shop, [LOYAL, LAPSED, COMPLAINT, NO_CONSENT, UNKNOWN], NOW)
    page = owner.get("/admin/ambassadors?country=NL")
    assert "Invite everyone listed (at most 500)" in page.text
    data = {
        "csrf": csrf_token(page.text),
        "campaign": "default",
        "country": "NL",
        "scope": "listed",
    }
    done = owner.post("/admin/ambassadors/invite", data=data, follow_redirects=True)
    # Anna; not Bram (Belgium), nor Cor (a recent complaint: not listed for this), and Dirk
    # and Eva may not be asked (no consent, never asked).
    assert "1 customer invited" in done.text and "2 may not be asked" in done.text
    invited = db_rows(
        shop,
        "SELECT c.email FROM ambassador_invitations i JOIN customers c ON c.id = i.customer_id",
    )
    assert [r[0] for r in invited] == ["anna@example.nl"]
