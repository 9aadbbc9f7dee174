"""`shareback import FILE`: customers, orders or tickets from a CSV export, with progress lines
while it runs and every rejected row (line and reason) at the end."""

from __future__ import annotations

import io
import sys
import time
from typing import TextIO

import click

from shareback.commands import with_store
from shareback.crm import formats, rejections
from shareback.crm.imports import ImportRefused, run_import
from shareback.crm.records import ImportReport
from shareback.storage.base import Store

# A progress line every this many rows (and at the end).
PROGRESS_EVERY = 50_000
REJECTIONS_PAGE = 1000


def parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        fact, sep, column = pair.partition("=")
        if not sep or not fact.strip() or not column.strip():
            raise click.BadParameter(f"{pair!r}: write FIELD=COLUMN, such as email=E-mail")
        mapping[fact.strip()] = column.strip()
    return mapping


def open_text(path: str) -> TextIO:
    """UTF-8 (with or without Excel's byte-order mark); an undecodable byte reads as U+FFFD and
    fails that row's checks, never the whole import."""
    if path == "-":
        return io.TextIOWrapper(
            sys.stdin.buffer, encoding="utf-8-sig", errors="replace", newline=""
        )
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


async def print_rejections(store: Store, report: ImportReport) -> None:
    after = 0
    while True:
        page = await store.import_rejections(report.id, after, REJECTIONS_PAGE)
        for rejection in page:
            where = f" ({rejection.field})" if rejection.field else ""
            click.echo(f"  line {rejection.line}{where}: {rejections.english(rejection.reason)}")
        if len(page) < REJECTIONS_PAGE:
            return
        after = page[-1].line


@click.command("import")
@click.argument("target", metavar="FILE")
@click.option(
    "--kind",
    type=click.Choice(formats.KINDS),
    help="What the file holds; found from the header row when left out.",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice([f.name for f in formats.FORMATS] + ["generic"]),
    help="The export's format; found from the header row when left out.",
)
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="A generic CSV's column for a field (email, first_name, …); repeatable.",
)
@click.option("--currency", help="The currency of amounts the file gives without one.")
def import_file(
    target: str,
    kind: str | None,
    format_name: str | None,
    pairs: tuple[str, ...],
    currency: str | None,
) -> None:
    """Import customers, orders or tickets from a CSV export (Shopify, HubSpot, Salesforce,
    WooCommerce, Zendesk, Freshdesk, or any CSV with --map). FILE may be - for standard input."""
    path = target
    mapping = parse_mapping(pairs)
    began = time.monotonic()
    shown = [0]

    async def progress(report: ImportReport) -> None:
        if report.status == "running" and report.rows_read - shown[0] < PROGRESS_EVERY:
            return
        shown[0] = report.rows_read
        click.echo(
            f"{report.rows_read:,} rows read, {report.rows_imported:,} imported, "
            f"{report.rows_rejected:,} rejected ({time.monotonic() - began:.1f} s)"
        )

    async def run(store: Store) -> ImportReport:
        with open_text(path) as stream:
            report = await run_import(
                store,
                stream,
                actor="cli",
                filename=path,
                kind=kind,
                format_name=format_name,
                mapping=mapping,
                currency=currency.upper() if currency else None,
                progress=progress,
            )
        click.echo(f"import {report.id}: {report.kind} as {report.format}, {report.status}")
        if report.rows_rejected:
            click.echo(f"rejected rows ({report.rows_rejected:,}):")
            await print_rejections(store, report)
        return report

    try:
        with_store(run)
    except ImportRefused as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from exc
