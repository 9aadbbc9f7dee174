"""What browsers and shops fetch again and again is answered from memory: widget.js and QR codes
compressed once, with a strong ETag, and 304 Not Modified when the browser has them already."""

from __future__ import annotations

import gzip

from starlette.testclient import TestClient
from support import join_campaign


def raw(client: TestClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """The answer as sent, still compressed (httpx would decode the body)."""
    with client.stream("GET", url, headers=headers) as response:
        body = b"".join(response.iter_raw())
        return response.status_code, dict(response.headers), body


def test_a_qr_code_is_gzipped_once_with_a_strong_etag_and_304s(client: TestClient) -> None:
    code = join_campaign(client, "anna@example.nl", "Anna")["code"]
    status, headers, plain = raw(client, f"/qr/{code}.svg", **{"accept-encoding": "identity"})
    assert status == 200 and plain.startswith(b"<svg") and "content-encoding" not in headers
    etag = headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    status, zipped_headers, zipped = raw(
        client, f"/qr/{code}.svg", **{"accept-encoding": "gzip, br"}
    )
    assert status == 200 and zipped_headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped) == plain and len(zipped) < len(plain) / 2
    assert zipped_headers["etag"] == etag and "accept-encoding" in zipped_headers["vary"].lower()
    status, cached, body = raw(client, f"/qr/{code}.svg", **{"if-none-match": etag})
    assert (status, body, cached["etag"]) == (304, b"", etag)
    assert "max-age=86400" in cached["cache-control"]
    # Another representation or another code: another tag, a full answer.
    status, png_headers, png = raw(client, f"/qr/{code}.png", **{"accept-encoding": "gzip"})
    assert status == 200 and png.startswith(b"\x89PNG") and "content-encoding" not in png_headers
    assert png_headers["etag"] != etag
    other = join_campaign(client, "bram@example.nl", "Bram")["code"]
    status, other_headers, _ = raw(client, f"/qr/{other}.svg", **{"if-none-match": etag})
    assert status == 200 and other_headers["etag"] != etag


def test_widget_js_answers_304_to_its_etag_and_200_to_any_other(client: TestClient) -> None:
    status, headers, zipped = raw(client, "/widget.js", **{"accept-encoding": "gzip, deflate, br"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    etag = headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    status, cached, body = raw(client, "/widget.js", **{"if-none-match": etag})
    assert (status, body, cached["etag"]) == (304, b"", etag)
    status, _, again = raw(
        client, "/widget.js", **{"if-none-match": '"0000"', "accept-encoding": "gzip"}
    )
    assert status == 200 and again == zipped  # the same bytes, compressed once
