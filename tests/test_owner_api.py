"""The owner's API: who may call it (API keys, the admin key from the environment), and campaigns.
Owner, ADMIN_KEY and make_rewards are shared with the other test_owner_api_* modules."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner
from shareback.auth.guard import BearerGuard
from shareback.cli import main
from shareback.settings import Settings
from starlette.routing import Route
from starlette.testclient import TestClient
from support import SHOP, count, db_rows, follow_link, join_campaign, order_paid, signed_headers
from test_openapi import conforms

ADMIN_KEY = "admin-key-for-tests-0123456789"


class Owner:
    """The owner's developer: every call carries the key, and every answer must match the spec."""

    def __init__(self, client: TestClient, key: str = ADMIN_KEY) -> None:
        self.client = client
        self.headers = {"authorization": f"Bearer {key}"}

    def call(self, method: str, url: str, **kwargs: Any) -> httpx2.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return conforms(self.client.request(method, url, headers=headers, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx2.Response:
        return self.call("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx2.Response:
        return self.call("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx2.Response:
        return self.call("PATCH", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx2.Response:
        return self.call("PUT", url, **kwargs)


def error_of(response: httpx2.Response) -> tuple[int, str, str | None]:
    error = response.json()["error"]
    return response.status_code, error["code"], error.get("field")


def make_rewards(client: TestClient, secret: str, friends: int, advocate: str = "anna") -> None:
    """One advocate, `friends` referred orders of €30: per order the referrer's pending credit and
    the friend's discount, fulfilled at the checkout."""
    code = str(join_campaign(client, f"{advocate}@example.nl", advocate.title())["code"])
    for n in range(friends):
        ref = follow_link(client, code, "email")
        body = order_paid(f"{advocate}-{n}", f"{advocate}-friend{n}@example.com", "30.00", ref)
        headers = signed_headers(secret, body, f"{advocate}-m{n}")
        assert client.post("/webhooks/orders", content=body, headers=headers).status_code == 200


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, admin_api_key=ADMIN_KEY)


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


SUMMER = {
    "slug": "summer-2025",
    "name": "Summer",
    "landing_url": "https://shop.example/welcome?utm_source=referral",
    "referrer_reward": {"type": "credit", "value": "10.00"},
    "friend_reward": {"type": "percent_discount", "value": "15"},
}


# --- who may call


def guarded_routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and isinstance(route.app, BearerGuard):
            path = re.sub(r"\{([a-z_]+):[a-z_]+\}", r"{\1}", route.path)  # {reward_id:not_bulk}
            path = path.replace("{slug}", "default").replace("{reward_id}", "1")
            path = path.replace("{endpoint_id}", "1").replace("{delivery_id}", "1")
            path = path.replace("{customer_id}", "1").replace("{import_id}", "1")
            path = path.replace("{partner_id}", "1")
            path = path.replace("{email}", "anna@example.nl")
            found += [(method, path) for method in route.methods or () if method != "HEAD"]
    return found


def test_every_owner_endpoint_answers_401_without_a_key(client: TestClient) -> None:
    routes = guarded_routes(client)
    assert len(routes) >= 20
    for method, path in routes:
        response = conforms(client.request(method, path))
        assert error_of(response) == (401, "unauthorized", None), (method, path)
        assert response.headers["www-authenticate"] == 'Bearer realm="shareback"'


@pytest.mark.parametrize(
    "authorization",
    ["Bearer wrong-key", f"Basic {ADMIN_KEY}", f"Bearer {ADMIN_KEY}x", "Bearer " + "k" * 5000],
)
def test_a_wrong_key_is_401_invalid_token(client: TestClient, authorization: str) -> None:
    response = conforms(client.get("/api/v1/campaigns", headers={"authorization": authorization}))
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    assert "Bearer" in response.headers["www-authenticate"]


def test_the_admin_key_from_the_environment_has_full_rights(owner: Owner) -> None:
    response = owner.get("/api/v1/campaigns")
    assert [c["slug"] for c in response.json()["data"]] == ["default"]
    assert response.headers["cache-control"] == "no-store"
    assert owner.post("/api/v1/campaigns", json=SUMMER).status_code == 201


def test_without_the_env_key_setting_that_key_opens_nothing(
    fresh_database_url: Callable[[], str],
) -> None:
    from shareback.app import create_app

    plain = Settings(database_url=fresh_database_url())
    with TestClient(create_app(plain)) as client:
        for key in (ADMIN_KEY, "", "None"):
            headers = {"authorization": f"Bearer {key}"}
            assert client.get("/api/v1/campaigns", headers=headers).status_code == 401


def test_a_key_from_the_cli_works_until_it_is_revoked(
    client: TestClient, settings: Settings
) -> None:
    def run(*args: str) -> str:
        env = {"SHAREBACK_DATABASE_URL": settings.database_url}
        result = CliRunner().invoke(main, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    key = run("keys", "create", "--name", "CRM sync").strip().splitlines()[-1]
    api = Owner(client, key)
    assert api.get("/api/v1/campaigns").status_code == 200
    assert db_rows(settings, "SELECT last_used_at FROM api_keys")[0][0] is not None
    key_id = db_rows(settings, "SELECT id FROM api_keys")[0][0]
    run("keys", "revoke", str(key_id))
    response = api.get("/api/v1/campaigns")
    assert error_of(response) == (401, "unauthorized", None)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_public_endpoints_need_no_key(client: TestClient) -> None:
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/campaigns/default/widget").status_code == 200
    joined = client.post(
        "/api/v1/advocates",
        json={"campaign": "default", "email": "a@example.nl"},
        headers={"origin": SHOP},
    )
    assert joined.status_code == 200


# --- campaigns


def test_creating_a_campaign_fills_in_sensible_defaults(owner: Owner) -> None:
    response = owner.post("/api/v1/campaigns", json=SUMMER)
    assert response.status_code == 201
    assert response.headers["location"] == "/api/v1/campaigns/summer-2025"
    campaign = response.json()
    assert campaign["allowed_origins"] == ["https://shop.example"]
    assert campaign["currency"] == "EUR"
    assert (campaign["attribution_days"], campaign["hold_days"]) == (30, 14)
    assert campaign["new_customers_only"] is True
    assert campaign["referrer_reward"] == {"type": "credit", "value": "10.00"}
    assert campaign["shop_name"] == "Brandpunt Koffie"
    assert owner.get("/api/v1/campaigns/summer-2025").json() == campaign
    slugs = [c["slug"] for c in owner.get("/api/v1/campaigns").json()["data"]]
    assert slugs == ["default", "summer-2025"]


def test_a_campaign_takes_every_field(owner: Owner) -> None:
    body = {
        **SUMMER,
        "shop_name": "Brandpunt",
        "allowed_origins": ["https://shop.example", "HTTPS://WWW.Shop.Example:8443"],
        "currency": "usd",
        "referrer_reward": {"type": "fixed_discount", "value": 5, "currency": "USD"},
        "attribution_days": 365,
        "hold_days": 0,
        "new_customers_only": False,
        "starts_at": "2025-06-01",
        "ends_at": "2025-09-01T00:00:00+02:00",
    }
    campaign = owner.post("/api/v1/campaigns", json=body).json()
    assert campaign["allowed_origins"] == ["https://shop.example", "https://www.shop.example:8443"]
    assert campaign["currency"] == "USD"
    assert campaign["referrer_reward"] == {"type": "fixed_discount", "value": "5"}
    assert (campaign["attribution_days"], campaign["hold_days"]) == (365, 0)
    assert campaign["starts_at"] == "2025-06-01T00:00:00Z"
    assert campaign["ends_at"] == "2025-08-31T22:00:00Z"


def test_a_taken_slug_is_409(owner: Owner) -> None:
    owner.post("/api/v1/campaigns", json=SUMMER)
    assert error_of(owner.post("/api/v1/campaigns", json=SUMMER)) == (409, "slug_taken", "slug")
    assert (
        error_of(owner.post("/api/v1/campaigns", json={**SUMMER, "slug": "default"}))[1]
        == "slug_taken"
    )


INVALID_CAMPAIGNS: list[tuple[dict[str, Any], str, str]] = [
    ({"slug": None}, "missing_slug", "slug"),
    ({"slug": "Summer"}, "invalid_slug", "slug"),
    ({"slug": "-summer"}, "invalid_slug", "slug"),
    ({"slug": "a" * 65}, "invalid_slug", "slug"),
    ({"slug": "summer-"}, "invalid_slug", "slug"),
    ({"slug": "new"}, "invalid_slug", "slug"),
    ({"slug": "sum mer"}, "invalid_slug", "slug"),
    ({"slug": 7}, "invalid_slug", "slug"),
    ({"name": None}, "missing_name", "name"),
    ({"name": "  "}, "invalid_name", "name"),
    ({"name": "x" * 101}, "invalid_name", "name"),
    ({"shop_name": 5}, "invalid_shop_name", "shop_name"),
    ({"landing_url": None}, "missing_landing_url", "landing_url"),
    ({"landing_url": "ftp://shop.example/"}, "invalid_landing_url", "landing_url"),
    ({"landing_url": "javascript:alert(1)"}, "invalid_landing_url", "landing_url"),
    ({"landing_url": "/welcome"}, "invalid_landing_url", "landing_url"),
    ({"landing_url": "https://shop.example:99999/"}, "invalid_landing_url", "landing_url"),
    ({"landing_url": "https://user:pw@shop.example/"}, "invalid_landing_url", "landing_url"),
    ({"landing_url": "https://shop.example/a b"}, "invalid_landing_url", "landing_url"),
    ({"allowed_origins": "https://shop.example"}, "invalid_allowed_origins", "allowed_origins"),
    ({"allowed_origins": ["https://shop.example/"]}, "invalid_allowed_origins", "allowed_origins"),
    ({"allowed_origins": ["shop.example"]}, "invalid_allowed_origins", "allowed_origins"),
    (
        {"allowed_origins": ["https://shop.example/path"]},
        "invalid_allowed_origins",
        "allowed_origins",
    ),
    ({"allowed_origins": ["https://shop.example:0"]}, "invalid_allowed_origins", "allowed_origins"),
    ({"allowed_origins": [None]}, "invalid_allowed_origins", "allowed_origins"),
    ({"allowed_origins": ["https://a.example"] * 51}, "invalid_allowed_origins", "allowed_origins"),
    ({"currency": "euro"}, "invalid_currency", "currency"),
    ({"referrer_reward": None}, "missing_referrer_reward", "referrer_reward"),
    ({"referrer_reward": "5 euro"}, "invalid_referrer_reward", "referrer_reward"),
    (
        {"referrer_reward": {"type": "gift_card", "value": "5"}},
        "invalid_referrer_reward",
        "referrer_reward",
    ),
    (
        {"referrer_reward": {"type": "credit", "value": 5.5}},
        "invalid_referrer_reward",
        "referrer_reward",
    ),
    (
        {"referrer_reward": {"type": "credit", "value": "-5"}},
        "invalid_referrer_reward",
        "referrer_reward",
    ),
    (
        {"referrer_reward": {"type": "credit", "value": "5.001"}},
        "invalid_referrer_reward",
        "referrer_reward",
    ),
    (
        {"referrer_reward": {"type": "credit", "value": "NaN"}},
        "invalid_referrer_reward",
        "referrer_reward",
    ),
    (
        {"referrer_reward": {"type": "credit", "value": "5", "extra": 1}},
        "invalid_referrer_reward",
        "referrer_reward",
    ),
    (
        {"referrer_reward": {"type": "credit", "value": "5", "currency": "USD"}},
        "invalid_referrer_reward",
        "referrer_reward",
    ),
    (
        {"friend_reward": {"type": "percent_discount", "value": "101"}},
        "invalid_friend_reward",
        "friend_reward",
    ),
    ({"friend_reward": {"type": "percent_discount"}}, "invalid_friend_reward", "friend_reward"),
    ({"attribution_days": 0}, "invalid_attribution_days", "attribution_days"),
    ({"attribution_days": 366}, "invalid_attribution_days", "attribution_days"),
    ({"attribution_days": "30"}, "invalid_attribution_days", "attribution_days"),
    ({"attribution_days": True}, "invalid_attribution_days", "attribution_days"),
    ({"attribution_days": 30.5}, "invalid_attribution_days", "attribution_days"),
    ({"hold_days": -1}, "invalid_hold_days", "hold_days"),
    ({"hold_days": 366}, "invalid_hold_days", "hold_days"),
    ({"new_customers_only": "yes"}, "invalid_new_customers_only", "new_customers_only"),
    ({"starts_at": "next monday"}, "invalid_starts_at", "starts_at"),
    ({"starts_at": "2025-13-01"}, "invalid_starts_at", "starts_at"),
    ({"ends_at": 20250601}, "invalid_ends_at", "ends_at"),
    ({"starts_at": "2025-06-01", "ends_at": "2025-05-01"}, "invalid_ends_at", "ends_at"),
    (
        {"starts_at": "2025-06-01T00:00:00Z", "ends_at": "2025-06-01T02:00:00+02:00"},
        "invalid_ends_at",
        "ends_at",
    ),
    ({"colour": "red"}, "unknown_field", "colour"),
]


@pytest.mark.parametrize(("change", "code", "field"), INVALID_CAMPAIGNS)
def test_an_invalid_campaign_is_refused_with_the_field_named(
    owner: Owner, settings: Settings, change: dict[str, Any], code: str, field: str
) -> None:
    body = {k: v for k, v in {**SUMMER, **change}.items() if v is not None}
    response = owner.post("/api/v1/campaigns", json=body)
    assert error_of(response) == (422, code, field), response.json()
    assert response.json()["error"]["message"]
    assert count(settings, "campaigns") == 1


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"[]", "application/json", 400, "invalid_body"),
        (b"{", "application/json", 400, "malformed_json"),
        (b"slug=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'"summer"', "application/json", 400, "invalid_body"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    owner: Owner, content: bytes, content_type: str, status: int, code: str
) -> None:
    headers = {"content-type": content_type}
    response = owner.post("/api/v1/campaigns", content=content, headers=headers)
    assert error_of(response)[:2] == (status, code)


def test_changing_a_campaign_changes_only_what_is_given(owner: Owner) -> None:
    owner.post("/api/v1/campaigns", json={**SUMMER, "ends_at": "2025-09-01"})
    changed = owner.patch(
        "/api/v1/campaigns/summer-2025",
        json={
            "name": "Late summer",
            "friend_reward": {"type": "fixed_discount", "value": "7.50"},
            "ends_at": None,
        },
    ).json()
    assert changed["name"] == "Late summer"
    assert changed["friend_reward"] == {"type": "fixed_discount", "value": "7.50"}
    assert changed["referrer_reward"] == SUMMER["referrer_reward"]
    assert changed["ends_at"] is None
    assert changed["landing_url"] == SUMMER["landing_url"]
    assert owner.patch("/api/v1/campaigns/summer-2025", json={}).json() == changed
    same_slug = owner.patch(
        "/api/v1/campaigns/summer-2025", json={"slug": "summer-2025", "hold_days": 3}
    )
    assert same_slug.json()["hold_days"] == 3


def test_changing_the_currency_rechecks_both_rewards(owner: Owner) -> None:
    owner.post(
        "/api/v1/campaigns",
        json={**SUMMER, "referrer_reward": {"type": "credit", "value": "10.50"}},
    )
    response = owner.patch("/api/v1/campaigns/summer-2025", json={"currency": "JPY"})
    assert error_of(response) == (422, "invalid_currency", "currency")
    changed = owner.patch("/api/v1/campaigns/summer-2025", json={"currency": "usd"}).json()
    assert changed["currency"] == "USD"
    assert changed["referrer_reward"] == {"type": "credit", "value": "10.50"}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"slug": "winter"}, "slug_immutable", "slug"),
        ({"name": None}, "invalid_name", "name"),
        ({"hold_days": None}, "invalid_hold_days", "hold_days"),
        ({"ends_at": "2025-05-01"}, "invalid_ends_at", "ends_at"),
        ({"starts_at": "2025-10-01"}, "invalid_ends_at", "ends_at"),
        ({"landing_url": "mailto:x@example.com"}, "invalid_landing_url", "landing_url"),
        ({"referrer_reward": {"type": "points"}}, "invalid_referrer_reward", "referrer_reward"),
        ({"archived_at": None}, "unknown_field", "archived_at"),
    ],
)
def test_an_invalid_change_is_refused_and_changes_nothing(
    owner: Owner, change: dict[str, Any], code: str, field: str
) -> None:
    before = owner.post(
        "/api/v1/campaigns", json={**SUMMER, "starts_at": "2025-06-01", "ends_at": "2025-09-01"}
    ).json()
    response = owner.patch("/api/v1/campaigns/summer-2025", json={"name": "Changed", **change})
    assert error_of(response) == (422, code, field)
    assert owner.get("/api/v1/campaigns/summer-2025").json() == before


def test_an_unknown_campaign_is_404(owner: Owner) -> None:
    for response in (
        owner.get("/api/v1/campaigns/nope"),
        owner.patch("/api/v1/campaigns/nope", json={"name": "x"}),
        owner.post("/api/v1/campaigns/nope/archive"),
        owner.get("/api/v1/campaigns/nope/stats"),
    ):
        assert error_of(response) == (404, "unknown_campaign", "campaign")


def test_archiving_ends_the_campaign_once(owner: Owner, client: TestClient) -> None:
    code = join_campaign(client, "anna@example.nl")["code"]
    archived = owner.post("/api/v1/campaigns/default/archive").json()
    assert archived["archived_at"] is not None
    assert owner.post("/api/v1/campaigns/default/archive").json() == archived
    assert owner.get("/api/v1/campaigns").json()["data"] == []
    listed = owner.get("/api/v1/campaigns?include_archived=true").json()["data"]
    assert [c["slug"] for c in listed] == ["default"]
    assert owner.get("/api/v1/campaigns/default").json() == archived
    assert client.get("/api/v1/campaigns/default/widget").status_code == 404
    assert client.get(f"/r/{code}", follow_redirects=False).status_code == 410
    assert error_of(owner.get("/api/v1/campaigns?include_archived=maybe"))[:2] == (
        400,
        "invalid_include_archived",
    )
