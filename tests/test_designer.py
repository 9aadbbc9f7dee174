"""The widget designer: its rules, the dashboard page (saved, refused with a message beside the
field, previewed), what the widget and the share texts get of it; drafts that go live; the
snippet check."""

from __future__ import annotations

import dataclasses
import html
import re

import httpx2
import pytest
from shareback import design
from shareback.admin import design_form
from shareback.campaigns import InvalidCampaign
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows, join_campaign
from test_admin_auth import admin, form_token
from test_admin_campaign_codes import field_error
from test_admin_dashboard import create_campaign
from test_openapi import conforms
from test_owner_api import ADMIN_KEY, SUMMER

__all__ = ["admin"]

SHOP = {"origin": "http://shop.test"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_api_key=ADMIN_KEY)


DESIGN = {
    "accent": "#0B7A3E",
    "accent_text": "#fff",
    "bg": "",
    "text": "",
    "radius": "4",
    "position": "start",
    "lift": "60",
    "hidden_paths": "/checkout*\n/cart\n/cart",
    "collapse": "on",
    "dismissible": "on",
    "dismiss_days": "3",
    "headline_nl": "Deel {shop} en krijg {referrer}",
    "offer_en": "Friends save {friend} at {shop}.",
    "share_nl": "Proef {shop}: met mijn link krijg je {friend}",
    "subject_nl": "Koffie van {shop}",
}


def save_design(client: TestClient, slug: str = "default", **changes: str) -> httpx2.Response:
    token = form_token(client, f"/admin/campaigns/{slug}/design")
    data = {**DESIGN, **changes, "csrf": token}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/admin/campaigns/{slug}/design", data=data, follow_redirects=False)


def widget(client: TestClient, slug: str = "default", lang: str = "nl") -> httpx2.Response:
    return client.get(f"/api/v1/campaigns/{slug}/widget?lang={lang}", headers=SHOP)


# The rules


def test_colours_are_six_hex_digits_in_lower_case() -> None:
    assert design.colour("accent", " #9A4320 ") == "#9a4320"
    assert design.colour("accent", "#fa0") == "#ffaa00"
    assert design.colour("accent", "") is None
    for bad in ("9a4320", "#9a432", "#9a43201", "red", "#ggg000", "#9a4320;}"):
        with pytest.raises(InvalidCampaign, match="six hex digits"):
            design.colour("accent", bad)


def test_texts_may_use_only_their_own_placeholders() -> None:
    assert design.wording("share", "nl", "  Proef {shop}:\n{friend}  ") == "Proef {shop}: {friend}"
    assert design.wording("headline", "en", "") is None
    with pytest.raises(InvalidCampaign, match=r"\{referrer\} is not a placeholder here"):
        design.wording("share", "en", "I get {referrer}")
    with pytest.raises(InvalidCampaign, match=r"\{frend\} is not a placeholder") as caught:
        design.wording("headline", "nl", "Geef {frend}")
    assert caught.value.field == "headline_nl"
    with pytest.raises(InvalidCampaign, match="not closed"):
        design.wording("subject", "en", "Hello {shop")
    with pytest.raises(InvalidCampaign, match="is not a placeholder"):
        design.wording("subject", "en", "{shop!r}")
    with pytest.raises(InvalidCampaign, match="80 characters"):
        design.wording("headline", "en", "x" * 81)


def test_hidden_pages_become_one_whole_path_pattern() -> None:
    paths = design.hidden_paths(" /checkout*\n\n/cart\n/products/*/reviews\n/cart")
    assert paths == ("/checkout*", "/cart", "/products/*/reviews")
    pattern = re.compile(design.paths_pattern(paths) or "")
    for hidden in ("/checkout", "/checkout/step-2", "/cart", "/cart/", "/products/x/reviews"):
        assert pattern.match(hidden), hidden
    for shown in ("/", "/carts", "/product/cart", "/products/x", "/my/checkout"):
        assert not pattern.match(shown), shown
    assert design.paths_pattern(()) is None
    # Dots and the like are literal, not regular-expression characters.
    assert not re.match(design.paths_pattern(("/a.b",)) or "", "/axb")
    for bad in ("checkout", "/cart?x=1", "/a b", "https://shop.example/cart", "/#top"):
        with pytest.raises(InvalidCampaign, match="not a page address"):
            design.hidden_paths(bad)
    with pytest.raises(InvalidCampaign, match="At most 20"):
        design.hidden_paths("\n".join(f"/p{n}" for n in range(21)))


def test_a_design_survives_storage_and_old_rows_read_as_the_defaults() -> None:
    look, errors = design_form.parse(design_form.submitted_values(DESIGN))
    assert errors == {}
    assert design.from_json(design.to_json(look)) == look
    assert design.from_json("{}") == design.DEFAULT
    assert design.from_json("not json") == design.DEFAULT
    assert design.from_json('{"radius": 3, "unknown": 1}').radius == 3
    assert design_form.parse(design_form.design_values(look))[0] == look


def test_the_preview_keeps_the_last_good_value_of_a_field_being_typed() -> None:
    saved = design.DEMO
    typing = {**design_form.design_values(saved), "accent": "#0b7a", "radius": "40"}
    look, errors = design_form.parse(design_form.submitted_values(typing), fallback=saved)
    assert errors == {}
    assert (look.accent, look.radius) == (saved.accent, saved.radius)


# The designer page


def test_a_saved_design_reaches_the_widget_and_the_share_texts(
    admin: TestClient, settings: Settings
) -> None:
    response = save_design(admin)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/admin/campaigns/default/design?notice=design-saved"
    body = widget(admin).json()
    assert body["design"] == {
        "theme": {"accent": "#0b7a3e", "accent-text": "#ffffff", "radius": "4px", "lift": "60px"},
        "position": "start",
        "hide": "^(?:/checkout.*|/cart)/?$",
        "collapse": True,
        "dismiss": 3,
    }
    assert re.fullmatch(r"Deel Brandpunt Koffie en krijg \S.*", body["headline"]), body
    # No English headline of the owner's: ours, in English.
    english = widget(admin, lang="en").json()
    assert english["headline"].startswith("Give ")
    assert english["offer_text"].startswith("Friends save ")
    shopper = join_campaign(admin, "anna@example.nl", "Anna", lang="nl")
    share = shopper["share"]
    assert isinstance(share, dict)
    assert share["text"].startswith("Proef Brandpunt Koffie: met mijn link krijg je ")
    assert share["subject"] == "Koffie van Brandpunt Koffie"
    page = admin.get("/admin/campaigns/default/design").text
    assert 'value="#0b7a3e"' in page and "Deel {shop} en krijg {referrer}" in page


def test_a_bad_design_is_refused_beside_its_fields_and_nothing_is_saved(
    admin: TestClient, settings: Settings
) -> None:
    before = db_rows(settings, "SELECT design FROM campaigns WHERE slug = 'default'")[0][0]
    response = save_design(
        admin,
        accent="brown",
        radius="33",
        lift="-1",
        hidden_paths="checkout",
        dismiss_days="x",
        share_en="Use {code}",
        headline_nl="y" * 81,
        position="middle",
    )
    assert response.status_code == 400
    html = response.text
    assert "six hex digits" in field_error(html, "f-accent")
    assert "from 0 to 32" in field_error(html, "f-radius")
    assert "from 0 to 240" in field_error(html, "f-lift")
    assert "not a page address" in field_error(html, "f-hidden_paths")
    assert "from 0 to 365" in field_error(html, "f-dismiss_days")
    assert "{code} is not a placeholder here" in field_error(html, "f-share_en")
    assert "80 characters" in field_error(html, "f-headline_nl")
    assert "bottom right or bottom left" in field_error(html, "f-position")
    assert "Please check 8 fields" in html
    # What the owner typed stays in the form.
    assert 'value="brown"' in html
    after = db_rows(settings, "SELECT design FROM campaigns WHERE slug = 'default'")[0][0]
    assert after == before


def test_the_designer_needs_the_forms_token(admin: TestClient, settings: Settings) -> None:
    response = admin.post("/admin/campaigns/default/design", data=DESIGN, follow_redirects=False)
    assert response.status_code == 403
    assert widget(admin).json()["design"]["theme"] == {}
    missing = admin.get("/admin/campaigns/nope/design")
    assert missing.status_code == 404


def test_the_preview_shows_the_forms_design_before_it_is_saved(admin: TestClient) -> None:
    query = {**DESIGN, "accent": "#123456", "headline_en": "Preview {shop}", "design": "1"}
    page = admin.get(
        "/admin/preview", params={**query, "campaign": "default", "lang": "en", "view": "launcher"}
    )
    assert page.status_code == 200
    assert "data-shareback" not in page.text.split("</head>")[1]  # the floating button's page
    api = re.search(r'data-api="([^"]+)"', page.text)
    assert api
    config = admin.get(f"{api[1]}/api/v1/campaigns/default/widget?lang=en").json()
    assert config["design"]["theme"]["accent"] == "#123456"
    assert config["headline"] == "Preview Brandpunt Koffie"
    # Nothing was saved.
    assert widget(admin).json()["design"]["theme"] == {}
    # The campaign form's own preview shows the saved design.
    save_design(admin)
    plain = admin.get("/admin/preview", params={"campaign": "default", "lang": "nl"})
    api = re.search(r'data-api="([^"]+)"', plain.text)
    assert api and "data-shareback" in plain.text
    saved = admin.get(f"{api[1]}/api/v1/campaigns/default/widget?lang=nl").json()
    assert saved["design"]["theme"]["accent"] == "#0b7a3e"


def test_a_new_campaign_takes_the_shops_look_but_not_its_texts(
    admin: TestClient, settings: Settings
) -> None:
    save_design(admin)
    blank = admin.get("/admin/preview", params={"campaign": "", "lang": "nl"})
    api = re.search(r'data-api="([^"]+)"', blank.text)
    assert api
    unsaved = admin.get(f"{api[1]}/api/v1/campaigns/preview/widget?lang=nl").json()
    assert unsaved["design"]["theme"]["accent"] == "#0b7a3e"
    assert unsaved["headline"].startswith("Geef ")
    create_campaign(admin, starts_at="", ends_at="")
    origin = {"origin": "https://brandpunt.example"}
    body = admin.get("/api/v1/campaigns/summer/widget?lang=nl", headers=origin).json()
    assert body["design"] == widget(admin).json()["design"]
    assert body["headline"].startswith("Geef ")
    # So does one the owner API creates.
    key = {"authorization": f"Bearer {ADMIN_KEY}"}
    created = admin.post("/api/v1/campaigns", json=SUMMER, headers=key)
    assert created.status_code == 201 and created.json()["draft"] is False
    api_made = admin.get("/api/v1/campaigns/summer-2025/widget?lang=nl").json()
    assert api_made["design"] == body["design"]


# Drafts


def test_a_draft_stays_off_the_shop_until_it_goes_live(
    admin: TestClient, settings: Settings
) -> None:
    response = create_campaign(admin, save="draft", starts_at="", ends_at="")
    assert response.headers["location"] == "/admin/campaigns/summer?notice=campaign-draft"
    origin = {"origin": "https://brandpunt.example"}
    refused = admin.get("/api/v1/campaigns/summer/widget?lang=en", headers=origin)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "campaign_draft"
    assert "draft" in refused.json()["error"]["message"]
    joined = admin.post(
        "/api/v1/advocates", json={"campaign": "summer", "email": "a@example.nl"}, headers=origin
    )
    assert joined.status_code == 404 and joined.json()["error"]["code"] == "campaign_draft"
    page = admin.get("/admin/campaigns/summer").text
    assert "This campaign is a draft" in page and "badge-draft" in page
    # The designer and its preview work for a draft.
    assert admin.get("/admin/campaigns/summer/design").status_code == 200
    preview = admin.get("/admin/preview", params={"campaign": "summer", "lang": "en"})
    api = re.search(r'data-api="([^"]+)"', preview.text)
    assert api and admin.get(f"{api[1]}/api/v1/campaigns/summer/widget").status_code == 200
    token = form_token(admin, "/admin/campaigns/summer")
    live = admin.post(
        "/admin/campaigns/summer/go-live", data={"csrf": token}, follow_redirects=False
    )
    assert live.headers["location"] == "/admin/campaigns/summer?notice=campaign-live"
    assert admin.get("/api/v1/campaigns/summer/widget", headers=origin).status_code == 200
    row = db_rows(settings, "SELECT draft, went_live_at FROM campaigns WHERE slug = 'summer'")[0]
    assert not row[0] and row[1] is not None
    assert "This campaign is a draft" not in admin.get("/admin/campaigns/summer").text
    owner_api = create_campaign(admin, slug="winter", starts_at="", ends_at="")
    assert owner_api.headers["location"].endswith("notice=campaign-created")
    assert admin.get("/api/v1/campaigns/winter/widget", headers=origin).status_code == 200


def test_the_owner_api_makes_drafts_and_takes_them_live(admin: TestClient) -> None:
    key = {"authorization": f"Bearer {ADMIN_KEY}"}
    bad = admin.post("/api/v1/campaigns", json={**SUMMER, "draft": "yes"}, headers=key)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "draft"
    assert admin.get("/api/v1/campaigns/summer-2025", headers=key).status_code == 404
    made = conforms(admin.post("/api/v1/campaigns", json={**SUMMER, "draft": True}, headers=key))
    assert made.status_code == 201 and made.json()["draft"] is True
    assert admin.get("/api/v1/campaigns/summer-2025/widget").json()["error"]["code"] == (
        "campaign_draft"
    )
    live = conforms(admin.post("/api/v1/campaigns/summer-2025/go-live", headers=key))
    assert live.status_code == 200
    assert live.json()["draft"] is False and live.json()["went_live_at"]
    assert admin.post("/api/v1/campaigns/summer-2025/go-live", headers=key).json() == live.json()
    assert admin.get("/api/v1/campaigns/summer-2025/widget").status_code == 200
    assert admin.post("/api/v1/campaigns/nope/go-live", headers=key).status_code == 404
    admin.post("/api/v1/campaigns/summer-2025/archive", headers=key)
    archived = conforms(admin.post("/api/v1/campaigns/summer-2025/go-live", headers=key))
    assert archived.status_code == 409 and archived.json()["error"]["code"] == "campaign_archived"


# The snippet check


def test_the_campaign_page_says_whether_the_snippet_was_seen(
    admin: TestClient, settings: Settings
) -> None:
    page = html.unescape(admin.get("/admin/campaigns/default").text)
    assert "Not seen yet" in page and 'data-campaign="default"' in page
    # A call from a site the campaign does not allow, or from no site, is no sighting.
    admin.get("/api/v1/campaigns/default/widget?lang=nl")
    admin.get("/api/v1/campaigns/default/widget", headers={"origin": "https://evil.test"})
    assert db_rows(settings, "SELECT COUNT(*) FROM widget_sightings")[0][0] == 0
    assert widget(admin).status_code == 200
    assert widget(admin).status_code == 200
    rows = db_rows(settings, "SELECT origin, first_seen_at, last_seen_at FROM widget_sightings")
    assert [row[0] for row in rows] == ["http://shop.test"]
    page = admin.get("/admin/campaigns/default").text
    assert "Snippet seen on http://shop.test — last just now" in page
    assert "Not seen yet" not in page
