"""The e-mail pages in a real Chromium: a campaign's mail settings, a template edited with its
draft previewed in the sandboxed frame and saved, the mail log, and the unsubscribe page a
shopper opens from a message; axe-core on each."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from shareback.mail.unsubscribe import unsubscribe_token

from .browser_support import Demo
from .test_admin_chromium import axe_violations, create_owner, db_value, sign_in, watch_console

pytestmark = pytest.mark.browser


def test_the_owner_edits_previews_and_saves_an_email_and_a_shopper_unsubscribes(
    demo: Demo, new_context: Callable[..., BrowserContext]
) -> None:
    create_owner(demo)
    page = new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    errors = watch_console(page)
    sign_in(page, demo)
    failures: dict[str, object] = {}

    page.goto(f"{demo.backend}/admin/campaigns/default")
    page.get_by_role("link", name="E-mail settings and templates of").click()
    expect(page.get_by_role("heading", name="E-mail", exact=True)).to_be_visible()
    page.get_by_label("Reminder after (days)").fill("3")
    page.get_by_label("Reminder to share (once)").uncheck()
    page.get_by_role("button", name="Save e-mail settings").click()
    expect(page.get_by_text("The e-mail settings are saved.")).to_be_visible()
    expect(page.get_by_label("Reminder to share (once)")).not_to_be_checked()
    failures["mail settings"] = axe_violations(page)

    page.get_by_role("link", name=re.compile(r"Invite your friends .*Dutch")).click()
    frame = page.frame_locator("iframe[name=mail-preview]")
    expect(
        frame.locator("p", has_text="Bedankt voor je bestelling bij")
    ).to_be_visible()  # the saved one
    page.get_by_label("Subject").fill("Deel {{ shop }} met je vrienden")
    page.get_by_label("HTML").fill('<p>Hoi {{ name }}, <a href="{{ link }}">deel je link</a>!</p>')
    page.get_by_role("button", name="Preview").click()
    expect(frame.locator("p", has_text="Hoi Anna, deel je link!")).to_be_visible()  # the draft
    expect(frame.get_by_role("link", name="deel je link")).to_have_attribute(
        "href", re.compile("/r/")
    )
    expect(frame.get_by_text("Deel Brandpunt Koffie met je vrienden")).to_be_visible()
    assert db_value(demo, "SELECT COUNT(*) FROM mail_templates") == 0
    failures["template"] = axe_violations(page)
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text("The template is saved")).to_be_visible()
    expect(frame.locator("p", has_text="Hoi Anna, deel je link!")).to_be_visible()
    assert db_value(demo, "SELECT subject FROM mail_templates") == "Deel {{ shop }} met je vrienden"
    # A template that cannot work is refused beside its field.
    page.get_by_label("Plain text").fill("Hoi {{ wachtwoord }}")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("alert")).to_contain_text("wachtwoord")
    failures["template error"] = axe_violations(page)

    page.goto(f"{demo.backend}/admin/settings/mail")
    expect(page.get_by_text("Not set:").first).to_be_visible()  # no SMTP server in the demo
    failures["mail log"] = axe_violations(page)

    # A shopper opens the unsubscribe link of a message, and confirms.
    token = unsubscribe_token(demo.secrets.secret_key, "bram@example.com")
    shopper = new_context(locale="nl-NL").new_page()
    shopper_errors = watch_console(shopper)
    shopper.goto(f"{demo.backend}/mail/unsubscribe?t={token}")
    expect(shopper.get_by_role("heading", name="Afmelden?")).to_be_visible()
    failures["unsubscribe"] = axe_violations(shopper)
    shopper.get_by_role("button", name="Afmelden · Unsubscribe").click()
    expect(shopper.get_by_role("heading", name="Je bent afgemeld")).to_be_visible()
    assert db_value(demo, "SELECT COUNT(*) FROM mail_suppressions") == 1
    failures["unsubscribed"] = axe_violations(shopper)

    assert {name: v for name, v in failures.items() if v} == {}
    assert not errors, errors
    assert not shopper_errors, shopper_errors
