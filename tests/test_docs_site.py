"""The documentation site: it builds with `mkdocs build --strict` (no broken link, no page left
out of the navigation), and every code block of its pages and of the README is checked against
the code it describes: shareback commands parse with the real CLI, curl calls name real
operations and send bodies their request schema takes, JSON validates against the schema of
what it shows, Python compiles, JavaScript passes `node --check`, the widget's attributes,
JavaScript API, theme properties and parts are the widget's own, the PHP is the hook the
WooCommerce endpoint reads, the CSP is the widget's, and the nginx, systemd and settings blocks
are the ones tests/test_production_setup.py runs. tests/test_docs_snippets.py runs the blocks
that can run against a live server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
from docs_blocks import DOCS, PAGES, ROOT, Block, blocks, commands
from shareback.api.openapi import openapi_document
from shareback.cli import main

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
    "openssl",
    "printf",
    "base64",
    "xxd",
    "jq",
    "date",
    "mkdocs",
    "cd",
    "npm",
}
# Environment variables the pages may name that are not settings: the test suite's own.
TEST_VARIABLES = {
    "SHAREBACK_TEST_DATABASE",
    "SHAREBACK_TEST_POSTGRES_URL",
    "SHAREBACK_TEST_SERIAL",
    "SHAREBACK_FUZZ_EXAMPLES",
}
EXAMPLE_URL = "https://refer.example.com"
CHECKED: Counter[str] = Counter()


def document() -> dict[str, Any]:
    return openapi_document(EXAMPLE_URL)


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
    for path in document()["paths"]:
        assert path.replace("{", "").replace("}", "") in re.sub(r"[{}]", "", api), path
    events = (tmp_path / "reference/events/index.html").read_text()
    assert all(name in events for name in document()["webhooks"])
    # Every code block is a code block on the site, those inside list items too (superfences).
    for source in DOCS.rglob("*.md"):
        name = str(source.relative_to(DOCS))[: -len(".md")]
        folder = tmp_path / (name[: -len("index")] if name.endswith("index") else name + "/")
        html = (folder / "index.html").read_text()
        on_page = [block for block in blocks() if block.page == f"docs/{name}.md"]
        assert html.count("<pre") == len(on_page), name
        assert "```" not in html, name


def test_every_page_is_in_the_navigation() -> None:
    """mkdocs only says so as INFO: a page written but left out of mkdocs.yml."""
    config = (ROOT / "mkdocs.yml").read_text()
    for page in DOCS.rglob("*.md"):
        assert f": {page.relative_to(DOCS)}\n" in config, page


# The checks, one per language. Each raises (assert) on what the code would not do.


def parse_with_the_cli(words: list[str]) -> None:
    """The words as the real click CLI reads them: an unknown command, option or a missing
    argument raises. (Our groups take no options of their own, so a group's first word is the
    name of its command.)"""
    command: click.Command = main
    rest = list(words[1:])
    if rest in (["--help"], ["--version"]):
        return
    while isinstance(command, click.Group):
        assert rest, f"shareback needs a command: {words}"
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"shareback has no command {rest[0]!r}: {words}"
        command, rest = sub, rest[1:]
    command.make_context(words[-1], rest)


def operation(method: str, path: str) -> dict[str, Any]:
    """The OpenAPI operation of a concrete path (/api/v1/campaigns/default/code-pool)."""
    for template, item in document()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            assert method in item, f"{method.upper()} {template} is not an operation"
            found: dict[str, Any] = item[method]
            return found
    raise AssertionError(f"{path} is not a path of /openapi.json")


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**schema, "components": document()["components"]})


def check_curl(page: str, words: list[str]) -> None:
    url = next(word for word in words if word.startswith(("http", "$API", '"$API')))
    url = url.strip('"').replace("$API", EXAMPLE_URL + "/api/v1")
    path = "/" + url.split("/", 3)[3].split("?")[0] if url.count("/") >= 3 else "/"
    has_body = any(word in ("-d", "--data", "--data-binary") for word in words)
    method = "get"
    if "-X" in words:
        method = words[words.index("-X") + 1].lower()
    elif has_body:
        method = "post"
    found = operation(method, path)
    if "-d" in words:
        body = words[words.index("-d") + 1]
        if "$" not in body:
            schema = found["requestBody"]["content"]["application/json"]["schema"]
            errors = [e.message for e in validator(schema).iter_errors(json.loads(body))]
            assert not errors, (page, body, errors)


def answers_shown(text: str) -> list[tuple[list[str], str]]:
    """The curl commands of a block with the JSON answer a comment below shows (# {…})."""
    found: list[tuple[list[str], str]] = []
    lines = text.replace("\\\n", " ").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("# {"):
            shown = [line[2:]]
            for more in lines[number + 1 :]:
                if not more.startswith("#  "):
                    break
                shown.append(more[2:])
            curl = [words for words in commands("\n".join(lines[:number])) if words[0] == "curl"]
            found.append((curl[-1], " ".join(shown)))
    return found


def check_answer(page: str, words: list[str], shown: str) -> None:
    url = next(word for word in words if word.startswith("http"))
    path = "/" + url.split("/", 3)[3].split("?")[0]
    method = "post" if any(w in ("-d", "--data-binary") for w in words) else "get"
    answers = operation(method, path)["responses"]
    ok = next(media for status, media in answers.items() if status.startswith("2"))
    schema = ok["content"]["application/json"]["schema"]
    errors = [e.message for e in validator(schema).iter_errors(json.loads(shown))]
    assert not errors, (page, shown, errors)


def check_sh(block: Block) -> None:
    for words, shown in answers_shown(block.text):
        check_answer(block.page, words, shown)
    for words in commands(block.text):
        program = words[0].rsplit("/", 1)[-1]
        if program == "shareback":
            parse_with_the_cli(words)
        elif program == "curl":
            check_curl(block.page, words)
        elif words[0].startswith("scripts/"):
            assert (ROOT / words[0]).is_file(), (block.page, words)
        else:
            assert program in KNOWN_PROGRAMS, (block.page, words)


def check_python(block: Block) -> None:
    compile(block.text, block.name, "exec")


def event_schemas() -> dict[str, dict[str, Any]]:
    """What each JSON "type" is: the order events the webhook takes, the events Shareback sends."""
    schemas = {
        name: item["post"]["requestBody"]["content"]["application/json"]["schema"]
        for name, item in document()["webhooks"].items()
    }
    order = {"$ref": "#/components/schemas/OrderEvent"}
    for kind in ("order.paid", "order.refunded", "order.charged_back"):
        schemas[kind] = order
    return schemas


def named_operation(before: str) -> dict[str, Any]:
    """The operation the page names last before the block (`GET /api/v1/…`)."""
    named = re.findall(r"`(GET|POST|PATCH|PUT|DELETE)[`,]? ?(/[^\s`?]+)", before[-1500:])
    assert named, "a JSON block without a type names the endpoint it shows before it"
    method, path = named[-1]
    path = re.sub(r"\{[^}]+\}", "x", path)
    return operation(method.lower(), path)


def check_json(block: Block) -> None:
    decoder = json.JSONDecoder()
    text, position = block.text, 0
    while text[position:].strip():
        position += len(text[position:]) - len(text[position:].lstrip())
        value, position = decoder.raw_decode(text, position)
        if isinstance(value, dict) and "type" in value:
            schema = event_schemas()[value["type"]]
        else:
            answer = named_operation(block.before)["responses"]
            ok = next(media for status, media in answer.items() if status.startswith("2"))
            schema = ok["content"]["application/json"]["schema"]
        errors = [error.message for error in validator(schema).iter_errors(value)]
        assert not errors, (block.name, value, errors)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.scripts.append(data)


def widget_attributes() -> set[str]:
    """The data-* attributes the widget reads (widget/src/config.js reads them as d.name)."""
    config = (ROOT / "widget/src/config.js").read_text()
    names = set(re.findall(r"\bd\.([a-zA-Z]+)", config))
    return {"data-" + re.sub(r"([A-Z])", r"-\1", name).lower() for name in names}


def node_check(source: str, name: str, tmp: Path) -> None:
    script = tmp / (re.sub(r"[^a-z0-9]+", "-", name.lower()) + ".js")
    script.write_text(source)
    checked = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, (name, checked.stderr)


def check_backend_urls(name: str, source: str) -> None:
    """The backend's addresses a script calls are GET operations of /openapi.json."""
    for path in re.findall(re.escape(EXAMPLE_URL) + r"(/[^'\"?\s]*)", source):
        operation("get", path)


def check_html(block: Block, tmp: Path) -> None:
    known = widget_attributes() | {"data-shareback"}
    parser = Tags()
    parser.feed(block.text)
    assert parser.tags, block.name
    for tag, attrs in parser.tags:
        if tag == "script" and attrs.get("src"):
            assert str(attrs["src"]).endswith("/widget.js"), (block.name, attrs)
        unknown = {name for name in attrs if name.startswith("data-")} - known
        assert not unknown, (block.name, tag, unknown)
    for number, script in enumerate(parser.scripts):
        node_check(script, f"{block.name}-{number}", tmp)
        check_backend_urls(block.name, script)


def widget_api() -> set[str]:
    main_js = (ROOT / "widget/src/main.js").read_text()
    return set(re.findall(r"api\.(\w+) =", main_js)) | set(
        re.findall(r"(\w+)(?:\(\) \{\}|: stored)", main_js)
    )


def check_js(block: Block, tmp: Path) -> None:
    node_check(block.text, block.name, tmp)
    used = set(re.findall(r"Shareback\.(\w+)\(", block.text))
    assert used and used <= widget_api(), (block.name, used - widget_api())


def widget_parts() -> set[str]:
    source = "".join(path.read_text() for path in (ROOT / "widget/src").glob("*.js"))
    parts = set()
    for value in re.findall(r"part: '([^']+)'", source):
        parts |= set(value.split())
    parts |= {"target-" + name for name in re.findall(r"^\s+(\w+): ", source, re.M)}
    return parts


def check_css(block: Block) -> None:
    properties = set(
        re.findall(r"--shareback-[a-z-]+", (ROOT / "widget/src/widget.css").read_text())
    )
    used = set(re.findall(r"--shareback-[a-z-]+", block.text))
    parts = set(re.findall(r"::part\(([a-z-]+)\)", block.text))
    assert used or parts, block.name
    assert used <= properties, (block.name, used - properties)
    assert parts <= widget_parts(), (block.name, parts - widget_parts())
    assert block.text.count("{") == block.text.count("}"), block.name


def check_php(block: Block) -> None:
    """No PHP on the machine: the structure, and that the hook writes what the endpoint reads
    (tests/test_woocommerce_webhook.py sends an order with that meta)."""
    from shareback.webhooks.platform import REF_NAME

    text = re.sub(r"//[^\n]*", "", block.text)
    for opening, closing in ("{}", "()", "[]"):
        assert text.count(opening) == text.count(closing), (block.name, opening)
    statements = [line.strip() for line in text.splitlines() if line.strip()]
    for line in statements:
        assert line.endswith((";", "{", "}")), (block.name, line)
    assert f"update_meta_data( '{REF_NAME}'" in text and f"$_COOKIE['{REF_NAME}']" in text
    defined = set(re.findall(r"function (\w+)\(", text))
    for hook, callback in re.findall(r"add_action\( '(\w+)', '(\w+)' \)", text):
        assert callback in defined and hook.startswith("woocommerce_"), (block.name, hook)


def check_text(block: Block) -> None:
    """A CSP (directive and the backend) or the production diagram (its ports are the
    systemd instances nginx balances over)."""
    lines = [line for line in block.text.splitlines() if line.strip()]
    if all(re.match(r"^[a-z-]+-src\s", line) for line in lines):
        assert [line.split() for line in lines] == [
            ["script-src", EXAMPLE_URL],
            ["connect-src", EXAMPLE_URL],
            ["img-src", EXAMPLE_URL],
        ], block.name
        return
    production = (DOCS / "production.md").read_text()
    for port in re.findall(r"127\.0\.0\.1:(\d+)", block.text):
        assert f"server 127.0.0.1:{port}" in production and f"shareback@{port}" in production


def check_config(block: Block) -> None:
    assert block.text.splitlines()[0] in RUN_ELSEWHERE, block.name


CHECKS: dict[str, Callable[[Block, Path], None]] = {
    "sh": lambda block, tmp: check_sh(block),
    "python": lambda block, tmp: check_python(block),
    "json": lambda block, tmp: check_json(block),
    "html": check_html,
    "js": check_js,
    "css": lambda block, tmp: check_css(block),
    "php": lambda block, tmp: check_php(block),
    "text": lambda block, tmp: check_text(block),
    "nginx": lambda block, tmp: check_config(block),
    "ini": lambda block, tmp: check_config(block),
}


@pytest.mark.parametrize("block", blocks(), ids=lambda block: block.name)
def test_block(block: Block, tmp_path: Path) -> None:
    assert block.language in CHECKS, f"{block.name}: no check for blocks in {block.language!r}"
    CHECKS[block.language](block, tmp_path)


def test_the_checks_count_what_they_check(capsys: pytest.CaptureFixture[str]) -> None:
    """Every block is checked by its language's check; the counts, for the record."""
    found = Counter(block.language for block in blocks())
    assert len(PAGES) >= 20 and sum(found.values()) >= 50
    for language in ("sh", "python", "json", "html", "js", "css", "php", "text", "nginx", "ini"):
        assert found[language] >= 1, language
    with capsys.disabled():
        print("\ndocumentation blocks checked:", dict(sorted(found.items())))


def test_parse_with_the_cli_refuses_what_the_cli_refuses() -> None:
    for wrong in (["shareback", "db", "bakup", "x.db"], ["shareback", "serve", "--wrokers", "2"]):
        with pytest.raises((AssertionError, click.UsageError)):
            parse_with_the_cli(wrong)


def test_check_curl_refuses_what_the_api_refuses() -> None:
    with pytest.raises(AssertionError):
        check_curl("x", ["curl", f"{EXAMPLE_URL}/api/v1/nowhere"])
    with pytest.raises(AssertionError):
        check_curl("x", ["curl", "-X", "DELETE", f"{EXAMPLE_URL}/api/v1/rewards"])
    with pytest.raises(AssertionError):
        body = '{"url": "https://crm.example.com/hook", "events": ["no.such_event"]}'
        check_curl("x", ["curl", f"{EXAMPLE_URL}/api/v1/webhook-endpoints", "-d", body])
    with pytest.raises(AssertionError):
        check_answer("x", ["curl", f"{EXAMPLE_URL}/api/v1/campaigns/default/code-pool"], "{}")


def test_inline_shareback_commands_are_real() -> None:
    """`shareback …` in the prose too: the command exists and every --option is its own."""
    seen = 0
    for page in PAGES:
        for span in re.findall(r"`(shareback [a-z][^`]*)`", page.read_text()):
            words = span.split()
            command: click.Command = main
            rest = words[1:]
            while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
                sub = command.get_command(click.Context(command), rest[0])
                if sub is None:
                    break
                command, rest = sub, rest[1:]
            assert command is not main, (page.name, span)
            options = {opt for param in command.params for opt in param.opts} | {"--help"}
            used = {word.split("=")[0] for word in re.findall(r"--[a-z0-9-]+", span)}
            assert used <= options, (page.name, span, used - options)
            seen += 1
    assert seen >= 20


def test_every_variable_the_pages_name_is_a_setting() -> None:
    source = (ROOT / "server/shareback/settings.py").read_text()
    settings = {"SHAREBACK_" + name for name in re.findall(r'config\(\s*"([A-Z_]+)"', source)}
    assert len(settings) >= 20
    for page in PAGES:
        named = set(re.findall(r"SHAREBACK_[A-Z_]+[A-Z]", page.read_text()))
        unknown = named - settings - TEST_VARIABLES
        assert not unknown, (page.name, unknown)
    tests = "".join(path.read_text() for path in (ROOT / "tests").rglob("*.py"))
    tests += (ROOT / "scripts/test").read_text()
    assert all(name in tests for name in TEST_VARIABLES)
