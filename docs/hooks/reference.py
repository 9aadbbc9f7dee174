"""MkDocs hook: the reference pages made from their one source, so the site cannot drift from
the code: the HTTP API and the events from /openapi.json, and PRIVACY.md and SECURITY.md from the
repository's root. (The settings and commands pages are written by hand; tests/test_docs.py
checks that they name every setting the code reads and every command the CLI has.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from shareback.api.openapi import openapi_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_URL = "https://refer.example.com"
METHODS = ("get", "post", "put", "patch", "delete")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    document = openapi_document(EXAMPLE_URL)
    pages = {
        "reference/api.md": api_page(document),
        "reference/events.md": events_page(document),
        "privacy.md": outside_page("PRIVACY.md"),
        "security.md": outside_page("SECURITY.md"),
    }
    for path, content in pages.items():
        files.append(File.generated(config, path, content=content))
    return files


def plain_links(markdown: str) -> str:
    """Links to the repository's files and to anchors of those files are not pages of the site:
    they become the file's name in code, so the site has no broken link."""

    def replace(found: re.Match[str]) -> str:
        text, target = found[1], found[2]
        if target.startswith(("http://", "https://", "mailto:")):
            return found[0]
        return text if target.startswith("#") else f"{text} (`{target.split('#')[0]}`)"

    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", replace, markdown)


def outside_page(name: str) -> str:
    return plain_links((ROOT / name).read_text())


def schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return f"`{schema['$ref'].rsplit('/', 1)[1]}`"
    return f"`{schema.get('type', 'object')}`"


def body_schema(operation: dict[str, Any]) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    return ", ".join(
        f"{schema_name(media.get('schema'))} ({kind})" for kind, media in content.items()
    )


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def api_page(document: dict[str, Any]) -> str:
    lines = [
        "# HTTP API",
        "",
        "Every endpoint Shareback serves, made from the server's own `/openapi.json` (OpenAPI "
        "3.1): fetch that document for the schemas in full, or load it into any OpenAPI tool. "
        "Operations marked 🔑 need an API key (`Authorization: Bearer sbk_…`, from "
        "`shareback keys create`); errors are always "
        '`{"error": {"code": …, "message": …, "field": …}}`.',
    ]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                by_tag.setdefault(operation["tags"][0], []).append((method, path, operation))
    for tag in sorted(by_tag):
        lines += ["", f"## {tag.capitalize()}", ""]
        for method, path, operation in by_tag[tag]:
            key = " 🔑" if operation.get("security") else ""
            lines += [f"### `{method.upper()} {path}`{key}", "", cell(operation["summary"]), ""]
            if operation.get("description"):
                lines += [cell(operation["description"]), ""]
            parameters = operation.get("parameters", [])
            if parameters:
                lines += ["| parameter | in | meaning |", "|---|---|---|"]
                for parameter in parameters:
                    required = " (required)" if parameter.get("required") else ""
                    lines.append(
                        f"| `{parameter['name']}` | {parameter['in']}{required} | "
                        f"{cell(parameter.get('description', ''))} |"
                    )
                lines.append("")
            if body_schema(operation):
                lines += [f"Body: {body_schema(operation)}", ""]
            statuses = ", ".join(f"`{status}`" for status in operation["responses"])
            lines += [f"Answers: {statuses}", ""]
    return "\n".join(lines)


def field_rows(schema: dict[str, Any], schemas: dict[str, Any], prefix: str = "") -> list[str]:
    rows = []
    for name, field in schema.get("properties", {}).items():
        if "$ref" in field:
            field = schemas[field["$ref"].rsplit("/", 1)[1]]
        if "properties" in field:
            rows += field_rows(field, schemas, f"{prefix}{name}.")
            continue
        kind = field.get("type", "")
        kind = " or ".join(kind) if isinstance(kind, list) else kind
        if "const" in field:
            kind = f"`{field['const']}`"
        if "enum" in field:
            kind = " \\| ".join(f"`{value}`" for value in field["enum"])
        rows.append(f"| `{prefix}{name}` | {kind} | {cell(field.get('description', ''))} |")
    return rows


def events_page(document: dict[str, Any]) -> str:
    schemas = document["components"]["schemas"]
    lines = [
        "# Events",
        "",
        "What Shareback sends to the endpoints you add (dashboard → Webhooks, or "
        "`POST /api/v1/webhook-endpoints`): a JSON POST signed per Standard Webhooks "
        "(`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff until "
        "your endpoint answers 2xx. The same `webhook-id` can arrive twice: keep the ids you "
        "have handled. Made from the `webhooks` of `/openapi.json`.",
    ]
    for event_type, item in document["webhooks"].items():
        operation = item["post"]
        lines += ["", f"## `{event_type}`", "", cell(operation["summary"]), ""]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        target = schemas[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
        rows = field_rows(target, schemas)
        if rows:
            lines += ["| field | type | meaning |", "|---|---|---|", *rows, ""]
    return "\n".join(lines)
