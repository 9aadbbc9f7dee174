"""GET /widget.js: the committed build, compressed, cacheable, within budget and never stale."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "static" / "widget.js"
ACCOUNT = ROOT / "static" / "widget-account.js"
BUDGET_GZIP_BYTES = 8 * 1024


def test_widget_js_is_served_gzipped_with_an_etag(client: TestClient) -> None:
    response = client.get("/widget.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == BUILT.read_bytes()  # httpx decompresses: the bytes are the build's
    assert "max-age=300" in response.headers["cache-control"]
    etag = response.headers["etag"]
    assert client.get("/widget.js", headers={"if-none-match": etag}).status_code == 304


def test_the_account_view_is_served_like_the_widget_and_importable_from_shops(
    client: TestClient,
) -> None:
    response = client.get(
        "/widget-account.js", headers={"accept-encoding": "gzip", "origin": "http://shop.test"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == ACCOUNT.read_bytes()
    # import() from the shop's origin is a CORS request.
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    etag = response.headers["etag"]
    assert etag != client.get("/widget.js").headers["etag"]
    assert client.get("/widget-account.js", headers={"if-none-match": etag}).status_code == 304


def test_the_versioned_url_is_immutable_and_other_versions_404(client: TestClient) -> None:
    digest = hashlib.sha256(BUILT.read_bytes()).hexdigest()[:12]
    response = client.get(f"/static/widget.{digest}.js")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert client.get("/static/widget.000000000000.js").status_code == 404


def test_widget_fits_the_size_budget() -> None:
    size = len(gzip.compress(BUILT.read_bytes(), 9))
    assert size <= BUDGET_GZIP_BYTES, (
        f"widget.js is {size} bytes gzipped, budget {BUDGET_GZIP_BYTES}"
    )


def test_widget_uses_no_eval_and_no_third_party_hosts() -> None:
    source = BUILT.read_text()
    assert "eval(" not in source and "new Function" not in source
    for host in ("googleapis", "cdn.", "unpkg", "jsdelivr", "google-analytics", "facebook.net"):
        assert host not in source


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_committed_build_is_not_stale(tmp_path: Path) -> None:
    if not (ROOT / "widget" / "node_modules").exists():
        pytest.fail("run `npm ci` in widget/ (scripts/install-test-deps does)")
    out = tmp_path / "widget.js"
    subprocess.run(["node", "build.mjs", "--outfile", str(out)], cwd=ROOT / "widget", check=True)
    assert out.read_bytes() == BUILT.read_bytes(), (
        "static/widget.js is stale: run `npm run build` in widget/"
    )
    assert (tmp_path / "widget-account.js").read_bytes() == ACCOUNT.read_bytes(), (
        "static/widget-account.js is stale: run `npm run build` in widget/"
    )
