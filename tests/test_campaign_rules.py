"""One set of campaign rules (shareback.campaigns) behind the owner API and the dashboard's form:
what one accepts the other saves unchanged, and what one refuses the other refuses too."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx2
import pytest
from shareback import campaigns, urls
from shareback.campaigns import InvalidCampaign
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import count
from test_admin_auth import admin, form_token
from test_admin_dashboard import VALID
from test_admin_webhooks import add_endpoint
from test_owner_api import SUMMER, Owner, error_of
from test_owner_api import settings as settings  # the settings with the admin key

__all__ = ["admin"]
THIRTY = [f"https://shop{n}.example" for n in range(30)]


@pytest.fixture
def owner(admin: TestClient) -> Owner:
    return Owner(admin)


class CampaignForm(HTMLParser):
    """The fields a browser would submit from the campaign form, as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.inside = False
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = "campaign-form" in found.get("class", "")
        if not self.inside or "name" not in found:
            if tag == "option" and self.select and "selected" in found:
                self.values[self.select] = found["value"]
            return
        name, kind = found["name"], found.get("type", "text")
        if tag == "input" and (kind not in ("checkbox", "radio") or "checked" in found):
            self.values[name] = found.get("value", "on")
        elif tag == "textarea":
            self.textarea, self.values[name] = name, ""
        elif tag == "select":
            self.select = name

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_values(html: str) -> dict[str, str]:
    parser = CampaignForm()
    parser.feed(html)
    return parser.values


def test_a_campaign_the_api_made_with_30_origins_saves_unchanged_in_the_dashboard(
    admin: TestClient, owner: Owner
) -> None:
    body = {**SUMMER, "allowed_origins": THIRTY, "validation_url": "https://shop.example/check"}
    created = owner.post("/api/v1/campaigns", json=body)
    assert created.status_code == 201, created.text
    before = created.json()
    values = form_values(admin.get("/admin/campaigns/summer-2025").text)
    assert values["allowed_origins"].split() == THIRTY
    saved = admin.post("/admin/campaigns/summer-2025", data=values, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("notice=campaign-saved")
    after = owner.get("/api/v1/campaigns/summer-2025").json()
    assert after == before


# (API body changes, dashboard form changes, field): each refused by both.
BAD: list[tuple[dict[str, Any], dict[str, str], str]] = [
    ({"slug": "summer-"}, {"slug": "summer-"}, "slug"),
    ({"slug": "-x"}, {"slug": "-x"}, "slug"),
    ({"slug": "Summer"}, {"slug": "Summer"}, "slug"),
    ({"slug": "a" * 65}, {"slug": "a" * 65}, "slug"),
    ({"slug": "new"}, {"slug": "new"}, "slug"),
    (
        {"allowed_origins": ["https://shop.example/path"]},
        {"allowed_origins": "https://shop.example/path"},
        "allowed_origins",
    ),
    (
        {"allowed_origins": ["ftp://shop.example"]},
        {"allowed_origins": "ftp://shop.example"},
        "allowed_origins",
    ),
    (
        {"allowed_origins": ["https://shop.example:99999"]},
        {"allowed_origins": "https://shop.example:99999"},
        "allowed_origins",
    ),
    (
        {"allowed_origins": [f"https://s{n}.example" for n in range(51)]},
        {"allowed_origins": "\n".join(f"https://s{n}.example" for n in range(51))},
        "allowed_origins",
    ),
    ({"allowed_origins": []}, {"allowed_origins": ""}, "allowed_origins"),
    (
        {"landing_url": "shop.example/welcome"},
        {"landing_url": "shop.example/welcome"},
        "landing_url",
    ),
    (
        {"landing_url": "https://user:pw@shop.example/"},
        {"landing_url": "https://user:pw@shop.example/"},
        "landing_url",
    ),
    (
        {"landing_url": "https://shop.example:99999/"},
        {"landing_url": "https://shop.example:99999/"},
        "landing_url",
    ),
    ({"landing_url": "javascript:alert(1)"}, {"landing_url": "javascript:alert(1)"}, "landing_url"),
    ({"attribution_days": 0}, {"attribution_days": "0"}, "attribution_days"),
    ({"attribution_days": 366}, {"attribution_days": "366"}, "attribution_days"),
    ({"hold_days": -1}, {"hold_days": "-1"}, "hold_days"),
    ({"hold_days": 366}, {"hold_days": "366"}, "hold_days"),
    ({"name": "x" * 101}, {"name": "x" * 101}, "name"),
    ({"name": "Tab\there"}, {"name": "Tab\there"}, "name"),
    ({"currency": "euro"}, {"currency": "euro"}, "currency"),
    ({"currency": "XXX"}, {"currency": "XXX"}, "currency"),
    ({"currency": "XTS"}, {"currency": "XTS"}, "currency"),
    ({"min_order": "-1"}, {"min_order": "-1"}, "min_order"),
    ({"min_order": "0.001"}, {"min_order": "0.001"}, "min_order"),
    ({"min_order": "1e999999"}, {"min_order": "1e999999"}, "min_order"),
    ({"friend_fulfilment": "coupon"}, {"friend_fulfilment": "coupon"}, "friend_fulfilment"),
    ({"friend_code": "W1"}, {"friend_code": "W1"}, "friend_code"),
    ({"friend_fulfilment": "shared_code"}, {"friend_fulfilment": "shared_code"}, "friend_code"),
    ({"friend_code_prefix": "7UP"}, {"friend_code_prefix": "7UP"}, "friend_code_prefix"),
    (
        {"validation_url": "https://u:p@shop.example/v"},
        {"validation_url": "https://u:p@shop.example/v"},
        "validation_url",
    ),
    (
        {"validation_url": "https://shop.example/v#x"},
        {"validation_url": "https://shop.example/v#x"},
        "validation_url",
    ),
    (
        {"starts_at": "2036-06-01T00:00:00Z", "ends_at": "2036-05-01T00:00:00Z"},
        {"starts_at": "2036-06-01T00:00", "ends_at": "2036-05-01T00:00"},
        "ends_at",
    ),
]
API_BASE = {**SUMMER, "slug": "summer", "allowed_origins": ["https://brandpunt.example"]}


@pytest.mark.parametrize(("api", "form", "field"), BAD)
def test_bad_input_is_refused_by_the_api_and_the_dashboard_alike(
    admin: TestClient,
    owner: Owner,
    settings: Settings,
    api: dict[str, Any],
    form: dict[str, str],
    field: str,
) -> None:
    status, code, named = error_of(owner.post("/api/v1/campaigns", json={**API_BASE, **api}))
    assert (status, named) == (422, field)
    assert code in (f"invalid_{field}", f"missing_{field}")
    page = post_form(admin, form)
    assert page.status_code == 400
    error = re.search(rf'<p class="field-error" id="f-{field}-error">(.*?)</p>', page.text, re.S)
    assert error, f"no error beside {field}"
    assert count(settings, "campaigns") == 1  # the default campaign only


def post_form(client: TestClient, changes: dict[str, str]) -> httpx2.Response:
    data = {**VALID, "friend_fulfilment": "link", "friend_code_prefix": "WELCOME", **changes}
    data["csrf"] = form_token(client, "/admin/campaigns/new")
    return client.post("/admin/campaigns", data=data, follow_redirects=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pw@example.com:99999/x",
        "https://user:pw@example.com/x",
        "https://example.com:99999/x",
        "ftp://example.com/x",
        "https:///x",
        "https://example.com/x#frag",
    ],
)
def test_a_bad_webhook_endpoint_is_refused_by_the_api_and_the_dashboard(
    admin: TestClient, owner: Owner, settings: Settings, url: str
) -> None:
    response = owner.post("/api/v1/webhook-endpoints", json={"url": url})
    assert error_of(response) == (422, "invalid_url", "url")
    page = add_endpoint(admin, url=url)
    assert page.status_code == 400
    assert re.search(r'<p class="field-error" id="endpoint-url-error">', page.text)
    assert count(settings, "webhook_endpoints") == 0


def test_a_good_webhook_endpoint_is_taken_by_both(admin: TestClient, owner: Owner) -> None:
    url = "https://crm.example.com:8443/hooks?x=1"
    assert owner.post("/api/v1/webhook-endpoints", json={"url": url}).status_code == 201
    assert add_endpoint(admin, url=url).status_code == 303


# --- the pure rules


def problem(rule: Any, *args: Any) -> tuple[str, str]:
    with pytest.raises(InvalidCampaign) as caught:
        rule(*args)
    return caught.value.field, caught.value.code


@pytest.mark.parametrize("slug", ["a", "summer-2025", "0", "a" * 64, "a-b"])
def test_good_slugs(slug: str) -> None:
    assert campaigns.slug(slug) == slug


@pytest.mark.parametrize("slug", ["", "summer-", "-x", "Summer", "a" * 65, "sum mer", "new", "é"])
def test_bad_slugs(slug: str) -> None:
    assert problem(campaigns.slug, slug) == ("slug", "invalid_slug")


def test_origins_are_lower_cased_kept_once_and_counted_as_given() -> None:
    assert campaigns.allowed_origins(["https://Shop.example", "https://shop.example"]) == (
        "https://shop.example",
    )
    assert campaigns.allowed_origins(["http://[::1]:8080"]) == ("http://[::1]:8080",)
    assert len(campaigns.allowed_origins([f"https://s{n}.example" for n in range(50)])) == 50
    assert problem(campaigns.allowed_origins, ["https://a.example"] * 51)[0] == "allowed_origins"
    for bad in ("https://a.example/", "https://a.example:0", "a.example", "https://a_b.example"):
        assert problem(campaigns.allowed_origins, [bad])[0] == "allowed_origins", bad


def test_day_ranges() -> None:
    assert campaigns.ATTRIBUTION_DAYS.check(1) == 1 and campaigns.HOLD_DAYS.check(0) == 0
    assert campaigns.ATTRIBUTION_DAYS.check(365) == 365
    for rule, days in ((campaigns.ATTRIBUTION_DAYS, 0), (campaigns.HOLD_DAYS, 366)):
        assert problem(rule.check, days) == (rule.field, f"invalid_{rule.field}")
    assert problem(campaigns.HOLD_DAYS.check, None)[0] == "hold_days"


def test_rewards_fit_their_currency() -> None:
    assert campaigns.reward("friend_reward", "credit", "5.00", "EUR").value == "5.00"
    assert problem(campaigns.reward, "friend_reward", "credit", "5.001", "EUR")[0] == (
        "friend_reward"
    )
    assert problem(campaigns.reward, "friend_reward", "percent_discount", "101", "EUR")
    assert problem(campaigns.reward, "friend_reward", "gift_card", "1", "EUR")
    assert problem(campaigns.reward, "friend_reward", "credit", "NaN", "EUR")


def test_shared_code_needs_a_code() -> None:
    assert problem(campaigns.shared_code_given, "shared_code", None) == (
        "friend_code",
        "missing_friend_code",
    )
    campaigns.shared_code_given("pool", None)
    assert campaigns.friend_code(" WELKOM10 ") == "WELKOM10"
    assert campaigns.friend_code("") is None
    assert campaigns.code_prefix("zomer") == "ZOMER"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://shop.example/v?x=1", None),
        ("http://127.0.0.1:8080/v", "insecure"),
        ("http://shop.example/v", "insecure"),
        ("https://user:pw@shop.example/", "credentials"),
        ("https://@shop.example/", "credentials"),
        ("https://shop.example:99999/", "malformed"),
        ("ftp://shop.example/", "malformed"),
        ("https:///path", "malformed"),
        ("https://shop.example/a b", "malformed"),
        ("https://shop.example/#top", "fragment"),
    ],
)
def test_the_one_endpoint_url_check(url: str, expected: str | None) -> None:
    assert urls.endpoint_problem(url) == expected
    allowed = urls.endpoint_problem(url, allow_http=True)
    assert allowed == (None if expected == "insecure" else expected)


def test_a_landing_page_may_keep_its_fragment() -> None:
    assert campaigns.landing_url("https://shop.example/#welcome") == "https://shop.example/#welcome"
    assert problem(campaigns.validation_url, "https://shop.example/#x")[0] == "validation_url"
