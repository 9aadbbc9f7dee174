"""The documentation site: it builds with `mkdocs build --strict` (no broken link, no page left
out of the navigation), and every code block in its pages is checked against the code it
describes: shareback commands parse with the real CLI, curl calls name real endpoints, JSON bodies
validate against /openapi.json, the widget's attributes, JavaScript API and theme properties are
the widget's own, and the nginx, systemd and settings blocks are the ones
tests/test_production_setup.py runs."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import click
import jsonschema
import pytest
from shareback.api.openapi import openapi_document
from shareback.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(path for path in DOCS.glob("*.md"))
BLOCK = re.compile(r"^( *)```([a-z]*)\n(.*?)^\1```", re.S | re.M)
# Blocks tests/test_production_setup.py reads by their first line and runs.
RUN_ELSEWHERE = {
    "# /etc/nginx/conf.d/shareback.conf",
    "# /etc/systemd/system/shareback@.service",
    "# /etc/shareback/shareback.env",
}
# Programs the shell blocks may call beside shareback (the operating system's own tools).
KNOWN_PROGRAMS = {
    "pip",
    "python3",
    "curl",
    "systemctl",
    "nginx",
    "useradd",
    "mkdir",
    "cp",
    "rm",
    "sleep",
    "pg_dump",
    "pg_restore",
    "createdb",
}


def blocks() -> list[tuple[str, str, str]]:
    """(page, language, text) of every fenced block of the hand-written pages."""
    found = []
    for page in PAGES:
        for match in BLOCK.finditer(page.read_text()):
            text = "\n".join(line[len(match[1]) :] for line in match[3].splitlines())
            found.append((page.name, match[2], text))
    return found


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    for page in ("index.html", "production/index.html", "reference/api/index.html"):
        assert (tmp_path / page).is_file(), page
    api = (tmp_path / "reference/api/index.html").read_text()
    # The reference is made from the document: every operation is on the page.
    document = openapi_document("https://refer.example.com")
    for path in document["paths"]:
        assert path.replace("{", "").replace("}", "") in re.sub(r"[{}]", "", api), path
    events = (tmp_path / "reference/events/index.html").read_text()
    assert all(name in events for name in document["webhooks"])


def test_every_block_has_a_checked_language() -> None:
    checked = {"sh", "html", "json", "js", "css", "text", "nginx", "ini"}
    found = blocks()
    assert len(found) >= 20
    unchecked = [(page, language) for page, language, _ in found if language not in checked]
    assert not unchecked, unchecked


def commands(text: str) -> list[list[str]]:
    """Each command of a shell block as words: continuations joined, $(…) as a word, and
    split at &&, ; and |, with leading VAR=value and sudo [-u user] taken off."""
    text = re.sub(r"\$\([^)]*\)", "2026-12-01", text.replace("\\\n", " "))
    found = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for part in re.split(r"&&|;|\|", line):
            words = shlex.split(part, comments=True)
            while words and (words[0] == "sudo" or re.match(r"^[A-Z_]+=", words[0])):
                words[: 3 if words[:2] == ["sudo", "-u"] else 1] = []
            if words:
                found.append(words)
    return found


def parse_with_the_cli(words: list[str]) -> None:
    """The words as the real click CLI reads them: an unknown command, option or a missing
    argument raises. (Our groups take no options of their own, so a group's first word is the
    name of its command.)"""
    command: click.Command = main
    rest = list(words[1:])
    while isinstance(command, click.Group):
        assert rest, f"shareback needs a command: {words}"
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"shareback has no command {rest[0]!r}: {words}"
        command, rest = sub, rest[1:]
    command.make_context(words[-1], rest)


def test_shell_blocks_run_real_commands() -> None:
    paths = {re.sub(r"\{[^}]+\}", "X", path) for path in openapi_document("x")["paths"]}
    seen = 0
    for page, language, text in blocks():
        if language != "sh":
            continue
        for words in commands(text):
            program = words[0].rsplit("/", 1)[-1]
            if program == "shareback":
                parse_with_the_cli(words)
                seen += 1
            elif program == "curl":
                url = next(word for word in words if word.startswith("http"))
                path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
                assert path in paths, (page, url)
            else:
                assert program in KNOWN_PROGRAMS, (page, words)
    assert seen >= 4


def test_parse_with_the_cli_refuses_what_the_cli_refuses() -> None:
    for wrong in (["shareback", "db", "bakup", "x.db"], ["shareback", "serve", "--wrokers", "2"]):
        with pytest.raises((AssertionError, click.UsageError)):
            parse_with_the_cli(wrong)


def order_schema() -> jsonschema.Draft202012Validator:
    document = openapi_document("https://refer.example.com")
    root = {"$ref": "#/components/schemas/OrderEvent", "components": document["components"]}
    return jsonschema.Draft202012Validator(root)


def test_json_blocks_are_bodies_the_api_takes() -> None:
    validator = order_schema()
    decoder = json.JSONDecoder()
    seen = 0
    for page, language, text in blocks():
        if language != "json":
            continue
        position = 0
        while text[position:].strip():
            position += len(text[position:]) - len(text[position:].lstrip())
            value, position = decoder.raw_decode(text, position)
            if isinstance(value, dict) and str(value.get("type", "")).startswith("order."):
                errors = [error.message for error in validator.iter_errors(value)]
                assert not errors, (page, value, errors)
                seen += 1
    assert seen >= 1


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def widget_attributes() -> set[str]:
    """The data-* attributes the widget reads (widget/src/config.js reads them as d.name)."""
    config = (ROOT / "widget/src/config.js").read_text()
    names = set(re.findall(r"\bd\.([a-zA-Z]+)", config))
    return {"data-" + re.sub(r"([A-Z])", r"-\1", name).lower() for name in names}


def test_html_blocks_use_only_what_the_widget_reads() -> None:
    known = widget_attributes() | {"data-shareback"}
    assert {"data-campaign", "data-user-hash", "data-findable"} <= known
    seen = 0
    for page, language, text in blocks():
        if language != "html":
            continue
        parser = Tags()
        parser.feed(text)
        for tag, attrs in parser.tags:
            if tag == "script":
                assert str(attrs.get("src")).endswith("/widget.js"), (page, attrs)
            unknown = {name for name in attrs if name.startswith("data-")} - known
            assert not unknown, (page, tag, unknown)
            seen += 1
    assert seen >= 3


def test_js_and_css_blocks_name_the_widgets_own_api_and_properties() -> None:
    main_js = (ROOT / "widget/src/main.js").read_text()
    api = set(re.findall(r"api\.(\w+) =", main_js)) | set(
        re.findall(r"(\w+)(?:\(\) \{\}|: stored)", main_js)
    )
    properties = set(
        re.findall(r"--shareback-[a-z-]+", (ROOT / "widget/src/widget.css").read_text())
    )
    for page, language, text in blocks():
        if language == "js":
            used = set(re.findall(r"Shareback\.(\w+)\(", text))
            assert used and used <= api, (page, used - api)
        if language == "css":
            used = set(re.findall(r"--shareback-[a-z-]+", text))
            assert used and used <= properties, (page, used - properties)


def test_config_blocks_are_the_ones_the_production_test_runs() -> None:
    for page, language, text in blocks():
        if language in ("nginx", "ini"):
            assert text.splitlines()[0] in RUN_ELSEWHERE, (page, text.splitlines()[0])
