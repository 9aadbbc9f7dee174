"""The Content-Security-Policy docs/widget.md (and the troubleshooting page) tells a shop to
allow is all the widget needs: on a host page whose policy is `default-src 'none'` plus exactly
the documented directives, the widget loads, signs a shopper up, shows the QR code and sends its
beacons, with no violation; without `connect-src` it is blocked (so the check can fail)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from docs_blocks import blocks_of
from playwright.sync_api import BrowserContext, Page, expect

from .browser_support import Demo

pytestmark = pytest.mark.browser

EXAMPLE_URL = "https://refer.example.com"
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def documented_policy(backend: str) -> list[str]:
    """The CSP block of docs/widget.md, its backend swapped for the test's."""
    found = [
        block
        for block in blocks_of("text")
        if block.page == "docs/widget.md" and block.text.startswith("script-src")
    ]
    assert len(found) == 1
    return [
        " ".join(line.split()).replace(EXAMPLE_URL, backend) for line in found[0].text.splitlines()
    ]


def strict_page(backend: str, directives: list[str]) -> str:
    policy = "; ".join(["default-src 'none'", *directives])
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>A shop with a strict policy</title>
<script src="{backend}/widget.js" data-campaign="default" async></script>
</head>
<body><h1>Invite your friends</h1><div data-shareback></div></body>
</html>"""


def open_page(new_context: Callable[..., BrowserContext], url: str) -> Page:
    page = new_context().new_page()
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(url)
    return page


def test_the_documented_policy_is_all_the_widget_needs(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    demo.host_pages["/strict"] = strict_page(demo.backend, documented_policy(demo.backend))
    page = open_page(new_context, f"{demo.host}/strict")
    widget = page.locator("[data-shareback]")
    with page.expect_response(f"{demo.backend}/api/v1/advocates") as answer:
        widget.get_by_role("button", name="Invite friends").click()
        widget.get_by_label("Your e-mail address").fill("csp@example.com")
        widget.locator("button[part=submit]").click()
    assert answer.value.status == 200
    expect(widget.locator("input[part=link]")).to_have_value(answer.value.json()["link"])
    with page.expect_request(f"{demo.backend}/api/v1/events"):
        widget.locator("button[part=qr-toggle]").click()
    qr = widget.locator("img[part=qr-image]")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("window.__violations") == []


def test_without_connect_src_the_widget_is_blocked(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    directives = [d for d in documented_policy(demo.backend) if not d.startswith("connect-src")]
    demo.host_pages["/no-connect"] = strict_page(demo.backend, directives)
    page = open_page(new_context, f"{demo.host}/no-connect")
    page.wait_for_function("window.__violations.length > 0")
    assert any(v.startswith("connect-src") for v in page.evaluate("window.__violations"))
    expect(
        page.locator("[data-shareback]").get_by_role("button", name="Invite friends")
    ).to_have_count(0)
