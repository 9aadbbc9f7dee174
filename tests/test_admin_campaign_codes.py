"""The campaign editor's friends' codes: how friends get their offer, the shared code, generated
codes, the validation callback and its secret, the code pool's CSV upload; coupon codes on the
overview's top advocates."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2
import pytest
from shareback import campaigns
from shareback.admin import campaign_form, pool_upload
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import count, db_rows, join_campaign
from test_admin_auth import admin, form_token
from test_admin_dashboard import VALID, create_campaign, referred_order

__all__ = ["admin"]


def campaign_row(settings: Settings, slug: str = "default") -> dict[str, object]:
    return dict(db_rows(settings, "SELECT * FROM campaigns WHERE slug = ?", (slug,))[0])


def edit_default(client: TestClient, **changes: str) -> httpx2.Response:
    token = form_token(client, "/admin/campaigns/default")
    data = {**VALID, "starts_at": "", "ends_at": "", **changes, "csrf": token}
    return client.post("/admin/campaigns/default", data=data, follow_redirects=False)


def upload(
    client: TestClient, body: bytes, name: str = "codes.csv", slug: str = "default"
) -> httpx2.Response:
    token = form_token(client, f"/admin/campaigns/{slug}")
    return client.post(
        f"/admin/campaigns/{slug}/code-pool",
        data={"csrf": token},
        files={"file": (name, body, "text/csv")},
        follow_redirects=False,
    )


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    assert found, f"no error beside {field_id}"
    return found[1]


def test_the_form_offers_exactly_the_apis_ways_to_fulfil() -> None:
    assert tuple(campaign_form.FULFILMENTS) == campaigns.FULFILMENTS


def test_creating_a_campaign_saves_the_friends_code_fields(
    admin: TestClient, settings: Settings
) -> None:
    response = create_campaign(
        admin,
        friend_fulfilment="shared_code",
        friend_code="WELKOM10",
        friend_code_prefix="zomer",
        validation_url="https://brandpunt.example/shareback/validate",
    )
    assert response.status_code == 303, response.text
    row = campaign_row(settings, "summer")
    assert (row["friend_fulfilment"], row["friend_code"], row["friend_code_prefix"]) == (
        "shared_code",
        "WELKOM10",
        "ZOMER",
    )
    assert row["validation_url"] == "https://brandpunt.example/shareback/validate"
    secret = str(row["validation_secret"])
    assert secret.startswith("whsec_")
    page = admin.get("/admin/campaigns/summer").text
    assert re.search(r'value="shared_code" checked', page)
    assert 'value="WELKOM10"' in page and 'value="ZOMER"' in page
    # The secret, hidden until asked for, with a button that copies it.
    field = re.search(r'<input id="validation-secret"[^>]*>', page)
    assert field and f'value="{secret}"' in field[0] and 'type="password"' in field[0]
    assert 'data-copy="validation-secret"' in page
    assert 'data-reveal-toggle="validation-secret"' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"friend_fulfilment": "coupon"}, "friend_fulfilment", "Choose how friends get"),
        ({"friend_code": "WELKOM 10"}, "friend_code", "Use 3 to 64 letters, digits, - or _"),
        ({"friend_code": "W1"}, "friend_code", "Use 3 to 64 letters"),
        (
            {"friend_fulfilment": "shared_code", "friend_code": ""},
            "friend_code",
            "Enter the code every friend gets",
        ),
        ({"friend_code_prefix": "7UP"}, "friend_code_prefix", "starting with a letter"),
        ({"friend_code_prefix": "WAYTOOLONGPREFIX"}, "friend_code_prefix", "1 to 12 letters"),
        ({"friend_code_prefix": ""}, "friend_code_prefix", "1 to 12 letters"),
        ({"validation_url": "shop.example/validate"}, "validation_url", "Enter a full address"),
        ({"validation_url": "https://shop.example:99999/v"}, "validation_url", "a full address"),
        ({"validation_url": "https://shop.example/a b"}, "validation_url", "a full address"),
    ],
)
def test_the_friends_code_fields_explain_each_mistake_beside_the_field(
    admin: TestClient, settings: Settings, changes: dict[str, str], field: str, message: str
) -> None:
    response = create_campaign(admin, **changes)
    assert response.status_code == 400
    html = response.text
    assert message in field_error(html, f"f-{field}")
    assert f'href="#f-{field}"' in html  # the summary links to the field
    assert re.search(rf'id="f-{field}"', html)
    assert count(settings, "campaigns") == 1


def test_a_shared_code_that_is_an_advocates_own_code_is_refused(
    admin: TestClient, settings: Settings
) -> None:
    anna = join_campaign(admin, "anna@example.nl", "Anna de Vries")
    for taken in (str(anna["coupon_code"]), str(anna["code"]).lower()):
        response = edit_default(admin, friend_fulfilment="shared_code", friend_code=taken)
        assert response.status_code == 400
        assert "already an advocate" in field_error(response.text, "f-friend_code")
    assert campaign_row(settings)["friend_code"] is None


def test_the_validation_secret_stays_when_the_url_changes_and_validation_can_be_switched_off(
    admin: TestClient, settings: Settings
) -> None:
    page = admin.get("/admin/campaigns/default").text
    assert 'id="validation-secret"' not in page and "Save an address and the secret" in page
    assert edit_default(admin, validation_url="https://shop.example/v1").status_code == 303
    secret = campaign_row(settings)["validation_secret"]
    assert str(secret).startswith("whsec_")
    assert edit_default(admin, validation_url="https://shop.example/v2").status_code == 303
    row = campaign_row(settings)
    assert (row["validation_url"], row["validation_secret"]) == ("https://shop.example/v2", secret)
    assert edit_default(admin, validation_url="").status_code == 303
    assert campaign_row(settings)["validation_url"] is None


def test_a_form_without_the_code_fields_leaves_them_as_they_are(
    admin: TestClient, settings: Settings
) -> None:
    edit_default(admin, friend_fulfilment="generated", friend_code_prefix="WELKOM")
    data = {k: v for k, v in VALID.items() if k not in ("starts_at", "ends_at")}
    token = form_token(admin, "/admin/campaigns/default")
    response = admin.post(
        "/admin/campaigns/default", data={**data, "csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303
    row = campaign_row(settings)
    assert (row["friend_fulfilment"], row["friend_code_prefix"]) == ("generated", "WELKOM")


# The code pool


def test_uploading_a_pool_adds_codes_and_reports_duplicates_and_conflicts(
    admin: TestClient, settings: Settings
) -> None:
    coupon = str(join_campaign(admin, "anna@example.nl", "Anna de Vries")["coupon_code"])
    body = f"code,note\nKOFFIE-001,a\nKOFFIE_002,b\nKOFFIE-001,twice\n{coupon.lower()},anna\n"
    response = upload(admin, body.encode())
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == "/admin/campaigns/default?added=2&duplicates=1&conflicts=1#code-pool"
    page = admin.get(location).text
    assert "2 codes added." in page
    assert "1 was already in a pool or twice in the file." in page
    assert "1 is an ambassador's code or a shared code" in page
    assert re.search(r"<dt>Codes left</dt><dd>2</dd>", page)
    codes = db_rows(settings, "SELECT code, source FROM friend_codes ORDER BY id")
    assert [tuple(r) for r in codes] == [("KOFFIE-001", "pool"), ("KOFFIE_002", "pool")]
    # The same file again adds nothing.
    again = upload(admin, body.encode())
    assert "added=0&duplicates=3&conflicts=1" in again.headers["location"]
    assert count(settings, "friend_codes") == 2


def test_a_pool_file_with_bad_lines_adds_nothing_and_names_the_lines(
    admin: TestClient, settings: Settings
) -> None:
    response = upload(admin, b"GOOD-01\nnot a code\nGOOD-02\nx\n")
    assert response.status_code == 400
    error = field_error(response.text, "pool-file")
    assert "line 2" in error and "line 4" in error and "Nothing was added." in error
    assert re.search(r'id="pool-file"[^>]*aria-invalid="true"', response.text)
    assert count(settings, "friend_codes") == 0


@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        (b"\xff\xfeK\x00O\x00", "codes.csv", "not UTF-8"),
        (b"AAA-1\x00\n", "codes.csv", "binary"),
        (b"\n\n", "codes.csv", "holds no codes"),
        (b"code;name\nA;B\n", "codes.csv", "codes are 3 to 64".capitalize()),
        (b"", "", "Choose a CSV file"),
    ],
)
def test_a_pool_file_that_is_no_list_of_codes_is_explained(
    admin: TestClient, settings: Settings, body: bytes, name: str, message: str
) -> None:
    response = upload(admin, body, name)
    assert response.status_code == 400
    assert message in field_error(response.text, "pool-file")
    assert count(settings, "friend_codes") == 0


def test_a_pool_file_over_the_limit_is_refused_unread(
    admin: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = b"\n".join(b"CODE-%07d" % n for n in range(400_000))  # 4.8 MB
    response = upload(admin, big)
    assert response.status_code == 413
    assert "That file is too large" in response.text and "split the file" in response.text
    assert count(settings, "friend_codes") == 0
    # A file just over 4 MiB inside a request under the limit is refused beside the field.
    over = b"A" * (4 * 1024 * 1024 + 1)
    response = upload(admin, over)
    assert response.status_code == 400
    assert "Upload at most 4 MiB" in field_error(response.text, "pool-file")
    assert pool_upload.FORM_OVERHEAD < 1024 * 1024


def test_the_pool_upload_needs_the_sessions_token(admin: TestClient, settings: Settings) -> None:
    for data in ({}, {"csrf": "forged"}):
        response = admin.post(
            "/admin/campaigns/default/code-pool",
            data=data,
            files={"file": ("codes.csv", b"KOFFIE-001\n", "text/csv")},
        )
        assert response.status_code == 403
    token = form_token(admin, "/admin/campaigns/default")
    foreign = admin.post(
        "/admin/campaigns/default/code-pool",
        data={"csrf": token},
        files={"file": ("codes.csv", b"KOFFIE-001\n", "text/csv")},
        headers={"origin": "https://evil.test"},
    )
    assert foreign.status_code == 403
    assert count(settings, "friend_codes") == 0


def test_an_empty_pool_in_use_is_flagged(admin: TestClient) -> None:
    edit_default(admin, friend_fulfilment="pool", friend_code="")
    page = admin.get("/admin/campaigns/default").text
    assert "The pool is empty: friends now get no code" in page
    edit_default(admin, friend_fulfilment="pool", friend_code="WELKOM10")
    assert "friends now get the shared code" in admin.get("/admin/campaigns/default").text


def test_an_unknown_campaigns_pool_is_a_404(admin: TestClient) -> None:
    token = form_token(admin, "/admin/campaigns/default")
    response = admin.post(
        "/admin/campaigns/nope/code-pool",
        data={"csrf": token},
        files={"file": ("codes.csv", b"KOFFIE-001\n", "text/csv")},
    )
    assert response.status_code == 404 and "No such campaign" in response.text


# Coupon codes where advocates appear


def test_the_top_advocates_show_their_coupon_codes(admin: TestClient, webhook_secret: str) -> None:
    referred_order(admin, webhook_secret, "1001", "bram@example.com")
    page = admin.get("/admin").text
    row = re.search(r"<th scope=\"row\"><span class=\"person\">Anna de Vries</span>.*?</th>", page)
    assert row, "Anna is not among the top advocates"
    assert re.search(r'coupon <span class="code">ANNA10</span>', row[0])


def test_an_upload_without_a_length_is_counted_as_it_arrives(
    admin: TestClient, settings: Settings
) -> None:
    token = form_token(admin, "/admin/campaigns/default")
    boundary = "sharebackboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield head
        for _ in range(80):
            yield b"KOFFIE-0001\n" * 6000  # 72 kB each, 5.8 MB in all
        yield f"\r\n--{boundary}--\r\n".encode()

    response = admin.post(
        "/admin/campaigns/default/code-pool",
        content=chunks(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert count(settings, "friend_codes") == 0
