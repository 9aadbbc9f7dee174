"""Helpers for the browser tests: logging in at the shop, custom host pages, share URLs, QR codes."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Locator, Page
from shareback.settings import Secrets, Settings

ANNA = {"email": "anna@example.nl", "name": "Anna de Vries"}
WIDGET_API = "/api/v1/campaigns/default/widget"
DOCS = Path(__file__).resolve().parents[2] / "docs"
# The widget's screenshots show a referral link with the test run's random port and code, so a
# test run rewrites docs/widget-*.png only when asked to; the pictures the docs show come from
# scripts/screenshots (docs/development.md).
WRITE_DOCS = os.environ.get("SHAREBACK_WRITE_DOCS") == "1"


@dataclass(frozen=True)
class Demo:
    """What the demo fixture started: the backend, the shop and a third host site."""

    backend: str
    shop: str
    settings: Settings
    secrets: Secrets
    # A third site the backend also allows, serving whatever HTML a test puts in host_pages
    # (path -> page): host pages in other languages, with hostile CSS, without a mount.
    host: str = ""
    host_pages: dict[str, str] = dataclasses.field(default_factory=dict)


def log_in(page: Page, shop: str, email: str = ANNA["email"], name: str = ANNA["name"]) -> None:
    """Logs in through the shop's own form (CSRF and all) and lands on /account."""
    page.goto(f"{shop}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Naam").fill(name)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{shop}/account")


def host_page(
    backend: str,
    *,
    html_lang: str = "nl",
    script_attrs: str = "",
    head: str = "",
    body: str = "<div data-shareback></div>",
) -> str:
    """A minimal page of another site that embeds the widget (put it in demo.host_pages)."""
    return f"""<!doctype html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<title>Host page</title>
<script src="{backend}/widget.js" data-campaign="default" {script_attrs} async></script>
{head}
</head>
<body>
<h1>A host page</h1>
{body}
</body>
</html>"""


def query_values(href: str) -> dict[str, str]:
    """The query of a share URL, percent-decoded by hand: `+` stays a plus, as RFC 3986 says.

    (parse_qs would turn `+` into a space and so hide a form-encoded mailto: body.)
    """
    pairs = (part.split("=", 1) for part in urlsplit(href).query.split("&") if part)
    return {unquote(key): unquote(value) for key, value in pairs}


def decode_qr(png: bytes, workdir: Path) -> str:
    path = workdir / "qr.png"
    path.write_bytes(png)
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode == 0, f"zbarimg found no QR code: {result.stderr}"
    return result.stdout.strip()


SHADOW_FOCUS = """(hostSelector) => {
  const host = document.querySelector(hostSelector)
  const active = host && host.shadowRoot && host.shadowRoot.activeElement
  if (!active) return null
  return {
    part: active.getAttribute('part'),
    tag: active.tagName.toLowerCase(),
    inDialog: !!active.closest('dialog[open]'),
  }
}"""


def shadow_focus(page: Page, host_selector: str) -> dict[str, Any] | None:
    """What has the focus inside the widget's shadow root (document.activeElement is the host)."""
    focused: dict[str, Any] | None = page.evaluate(SHADOW_FOCUS, host_selector)
    return focused


def screenshot_with_margin(page: Page, element: Locator, name: str, margin: int = 24) -> Path:
    """docs/{name}: the element with some of the page around it, animations finished.

    Always taken; written only with SHAREBACK_WRITE_DOCS=1."""
    element.evaluate("e => e.scrollIntoView({ block: 'center', behavior: 'instant' })")
    box = element.bounding_box()
    assert box is not None, f"{element} is not visible"
    path = DOCS / name
    page.screenshot(
        path=path if WRITE_DOCS else None,
        animations="disabled",
        clip={
            "x": max(0, box["x"] - margin),
            "y": max(0, box["y"] - margin),
            "width": box["width"] + 2 * margin,
            "height": box["height"] + 2 * margin,
        },
    )
    return path
