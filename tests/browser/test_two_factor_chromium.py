"""Two-factor sign-in in a real Chromium: the owner sets it up from their account page (the QR code
read back with zbar, the app's code typed by pyotp), keeps the recovery codes, signs out, and
signs in with password and code; axe-core on the pages."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import BrowserContext, expect

from .browser_support import Demo, decode_qr
from .test_admin_chromium import OWNER, PASSWORD, axe_violations, create_owner, watch_console

pytestmark = pytest.mark.browser


def test_the_owner_sets_up_two_factor_and_signs_in_with_it(
    demo: Demo, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    create_owner(demo)
    page = new_context(locale="en-GB").new_page()
    errors = watch_console(page)
    page.goto(f"{demo.backend}/admin/login")
    page.get_by_label("E-mail address").fill(OWNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{demo.backend}/admin")

    # The account page is the e-mail address at the top right.
    page.get_by_role("link", name=re.compile(re.escape(OWNER))).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_text("role owner")).to_be_visible()
    page.get_by_role("button", name="Set up two-factor sign-in").click()

    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    secret = page.locator("#setup-key").inner_text().strip()
    scanned = decode_qr(qr.screenshot(), tmp_path)
    assert scanned.startswith("otpauth://totp/Shareback:owner%40brandpunt.nl?")
    assert pyotp.parse_uri(scanned).secret == secret
    assert axe_violations(page) == []

    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", c) for c in codes.all_inner_texts())
    assert axe_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/admin/login\?notice=signed-out$"))
    page.get_by_label("E-mail address").fill(OWNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    assert axe_violations(page) == []
    # The code that turned it on is used; a wrong one is explained.
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{demo.backend}/admin")
    expect(page.get_by_role("link", name=re.compile(re.escape(OWNER)))).to_be_visible()
    assert errors == []
