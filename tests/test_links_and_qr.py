"""GET /r/{code} and GET /qr/{code}.svg|png: clicks recorded, redirects kept to the campaign's own URL."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from shareback import tokens
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import count, db_rows, join_campaign


def test_link_records_the_click_and_303s_to_the_landing_url_with_a_signed_ref(
    client: TestClient, settings: Settings
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    response = client.get(f"/r/{doc['code']}?ch=whatsapp", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["cache-control"] == "no-store"
    location = urlsplit(response.headers["location"])
    assert (location.scheme, location.netloc, location.path) == ("http", "shop.test", "/welcome")
    query = parse_qs(location.query)
    assert query["utm_source"] == ["referral"]  # the landing URL's own parameters are kept
    assert settings.secret_key is None
    claims = tokens.verify_ref(
        db_rows(settings, "SELECT value FROM secrets WHERE name = 'secret_key'")[0][0],
        query["ref"][0],
    )
    assert claims.code == doc["code"]
    clicks = db_rows(settings, "SELECT token, channel, device, ip_hash FROM clicks")
    assert [(c["token"], c["channel"], c["device"]) for c in clicks] == [
        (claims.click_token, "whatsapp", "desktop")
    ]
    assert "testclient" not in clicks[0]["ip_hash"]


def test_codes_match_case_insensitively_and_unknown_channels_count_as_link(
    client: TestClient, settings: Settings
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    assert (
        client.get(f"/r/{str(doc['code']).lower()}?ch=myspace", follow_redirects=False).status_code
        == 303
    )
    assert db_rows(settings, "SELECT channel FROM clicks")[0][0] == "link"


def test_link_previews_are_recorded_as_bots(client: TestClient, settings: Settings) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    client.get(f"/r/{doc['code']}", headers={"user-agent": "WhatsApp/2.23"}, follow_redirects=False)
    assert db_rows(settings, "SELECT device FROM clicks")[0][0] == "bot"


@pytest.mark.parametrize(
    "path", ["/r/NOPE-2345", "/r/..%2F..%2Fetc", "/r/https:%2F%2Fevil.example", "/r/x"]
)
def test_unknown_codes_get_a_404_page_never_a_redirect(
    client: TestClient, settings: Settings, path: str
) -> None:
    response = client.get(path, follow_redirects=False, headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert count(settings, "clicks") == 0


def test_the_redirect_ignores_any_target_the_visitor_supplies(client: TestClient) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    for query in (
        "next=https://evil.example",
        "url=//evil.example",
        "landing=https://evil.example",
    ):
        response = client.get(f"/r/{doc['code']}?{query}", follow_redirects=False)
        assert urlsplit(response.headers["location"]).netloc == "shop.test"


def zbar(path: Path) -> str:
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_png_qr_decodes_to_the_referral_link_with_channel_qr(
    client: TestClient, tmp_path: Path
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    response = client.get(f"/qr/{doc['code']}.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert "max-age" in response.headers["cache-control"]
    image = tmp_path / "qr.png"
    image.write_bytes(response.content)
    assert zbar(image) == f"{doc['link']}?ch=qr"
    again = client.get(
        f"/qr/{doc['code']}.png", headers={"if-none-match": response.headers["etag"]}
    )
    assert again.status_code == 304


def test_svg_qr_is_well_formed_and_has_a_quiet_zone(client: TestClient, tmp_path: Path) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    response = client.get(f"/qr/{doc['code']}.svg")
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag.endswith("svg")
    # The drawn modules start 4 modules in from the edge (the quiet zone).
    path = next(el for el in root.iter() if el.tag.endswith("path"))
    assert "M4" in path.attrib["d"].replace(" ", "") or "M 4" in path.attrib["d"]


def test_qr_for_unknown_codes_and_formats_is_404(client: TestClient) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    assert client.get("/qr/NOPE-2345.png").status_code == 404
    assert client.get(f"/qr/{doc['code']}.gif").status_code == 404
    assert client.get("/qr/nothing").json()["error"]["code"] == "not_found"
