"""The documentation names what the code has: every setting on the settings page, every
command on the commands page; and the README is the short way in (the two commands first, links
that lead to pages that exist, the demo's figures as the demo seeds them)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import click
from shareback import demo_data
from shareback.cli import main
from shareback.demo import prepare_demo
from shareback.settings import Settings
from support import count, db_rows

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SETTINGS_PAGE = ROOT / "docs" / "reference" / "settings.md"
COMMANDS_PAGE = ROOT / "docs" / "reference" / "commands.md"


def test_every_setting_is_on_the_settings_page() -> None:
    source = (ROOT / "server" / "shareback" / "settings.py").read_text()
    names = {"SHAREBACK_" + name for name in re.findall(r'config\(\s*"([A-Z_]+)"', source)}
    assert len(names) >= 20
    table = SETTINGS_PAGE.read_text()
    rows = set(re.findall(r"^\| `(SHAREBACK_[A-Z_]+)` \|", table, re.M))
    assert rows == names, f"missing: {sorted(names - rows)}, not settings: {sorted(rows - names)}"


def leaf_commands(command: click.Command, prefix: str) -> list[tuple[str, click.Command]]:
    if not isinstance(command, click.Group):
        return [(prefix, command)]
    found = []
    for name, sub in command.commands.items():
        found += leaf_commands(sub, f"{prefix} {name}")
    return found


def test_every_command_is_on_the_commands_page_with_its_options() -> None:
    page = COMMANDS_PAGE.read_text()
    leaves = leaf_commands(main, "shareback")
    assert len(leaves) >= 15
    for name, command in leaves:
        rows = [
            row
            for row in page.splitlines()
            if row.startswith(f"| `{name} ") or row.startswith(f"| `{name}`")
        ]
        assert len(rows) == 1, name
        usage = rows[0].split("`")[1]
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.opts[0] in usage, (name, param.opts[0])
            else:
                assert (param.name or "").upper() in usage.replace("FILE", "TARGET"), (name, param)


def test_readme_opens_with_the_two_commands_and_is_short() -> None:
    readme = README.read_text()
    head = readme[: readme.index("## ")]
    assert "pip install . && shareback demo" in head
    assert "scripts/install-test-deps && scripts/test" in head
    assert len(readme.splitlines()) < 150


def test_readme_links_lead_somewhere() -> None:
    readme = README.read_text()
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [target for target in targets if not target.startswith("https://")]
    assert len(local) >= 25
    missing = [target for target in local if not (ROOT / target).exists()]
    assert not missing, missing
    # Every hand-written page of the site is linked from the README.
    pages = {str(path.relative_to(ROOT)) for path in (ROOT / "docs").rglob("*.md")}
    assert pages - set(local) == set(), pages - set(local)


def readme_figure(label: str) -> int:
    """The bold figure before `label` in the README's "What the demo shows"."""
    section = README.read_text().split("## What the demo shows", 1)[1].split("\n## ", 1)[0]
    found = re.search(rf"\*\*(\d[\d,]*) {re.escape(label)}\*\*", " ".join(section.split()))
    assert found, label
    return int(found[1].replace(",", ""))


def test_the_readmes_demo_figures_are_what_the_demo_seeds(
    fresh_database_url: Callable[[], str],
) -> None:
    settings = Settings(database_url=fresh_database_url(), shop_name="Brandpunt Koffie")
    asyncio.run(prepare_demo(settings))

    def events(kind: str) -> int:
        rows = db_rows(settings, "SELECT COUNT(*) AS n FROM events WHERE type = ?", (kind,))
        return int(rows[0]["n"])

    referred = count(settings, "referrals")
    assert readme_figure("advocates") == count(settings, "advocates")
    assert readme_figure("widget opens") == events("open")
    assert readme_figure("shares") == events("share")
    assert readme_figure("link clicks") == count(settings, "clicks")
    assert readme_figure("referred orders") == referred
    assert readme_figure("orders without a referral") == count(settings, "orders") - referred
    assert readme_figure("rewards") == count(settings, "rewards")
    section = " ".join(README.read_text().split())
    named = len(demo_data.ADVOCATES)
    assert f"seeds {demo_data.DAYS} days of history" in section
    assert ["", "one", "two", "three", "four", "five", "six"][named] + " named ones" in section
    others = count(settings, "advocates") - named
    assert f"and {others} of the shop's other customers" in section


def test_the_events_page_lists_every_event_shareback_sends() -> None:
    from shareback.api.openapi import openapi_document

    page = (ROOT / "docs" / "events.md").read_text()
    listed = page[page.index("Events: `") : page.index('(or `"*"`')]
    named = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", listed))
    assert named == set(openapi_document("https://refer.example.com")["webhooks"])


def test_the_widget_page_lists_the_attributes_the_widget_reads() -> None:
    from test_docs_site import widget_attributes

    page = (ROOT / "docs" / "widget.md").read_text()
    table = page.split("## Attributes", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(data-[a-z-]+)`", table))
    assert listed == widget_attributes()


def test_every_screenshot_the_script_takes_is_shown_and_every_picture_shown_exists() -> None:
    import runpy

    shots = runpy.run_path(str(ROOT / "scripts" / "screenshots"), run_name="screenshots")["SHOTS"]
    texts = [README.read_text(), *(page.read_text() for page in (ROOT / "docs").rglob("*.md"))]
    shown = set()
    for text in texts:
        shown |= {Path(name).name for name in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)}
    taken = {f"{shot.name}.png" for shot in shots}
    assert taken <= shown, taken - shown
    assert all((ROOT / "docs" / name).is_file() for name in shown), shown
