"""Runs a CSV import: the header row picks the format (crm/formats.py), rows are read one at a
time from a text stream (crm/rows.py) and written in batches, one transaction each, with the
import's progress row updated per batch. Memory stays bounded whatever the file's size: one
batch of rows at a time. The dashboard, the owner API and `shareback import` all run this."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import datetime
from typing import TextIO

from shareback import tokens
from shareback.crm import formats
from shareback.crm.records import ImportReport
from shareback.crm.rows import Reader, Rejection, Row
from shareback.storage.base import Store

BATCH_ROWS = 1000
# One cell never holds more than this (csv's own limit is 128 KiB): a row's memory is bounded.
FIELD_LIMIT = 64 * 1024

Progress = Callable[[ImportReport], Awaitable[None]]


class ImportRefused(ValueError):
    """The file cannot be imported at all (no header row, an unknown format): nothing stored."""


def numbered_rows(stream: TextIO) -> Iterator[tuple[int, list[str] | None]]:
    """(line where the row starts, cells) — cells None for a row csv cannot read. Line 1 is
    the header row; a quoted cell with line breaks makes the next row start further down."""
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(stream)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield start, None
            start = reader.line_num + 1
            continue
        yield start, cells
        start = reader.line_num + 1


async def shop_currency(store: Store) -> str:
    campaign = await store.campaign("default")
    return campaign.currency if campaign is not None else "EUR"


async def run_import(
    store: Store,
    stream: TextIO,
    *,
    actor: str,
    filename: str | None = None,
    kind: str | None = None,
    format_name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    currency: str | None = None,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
    at: datetime | None = None,
) -> ImportReport:
    rows = numbered_rows(stream)
    first = next(rows, None)
    if first is None or not first[1]:
        raise ImportRefused("the file is empty: the first line must be the header row")
    headers = first[1]
    try:
        fmt = formats.detect(headers, kind, format_name, mapping)
    except formats.UnknownFormat as exc:
        raise ImportRefused(str(exc)) from None
    started = at or tokens.now_utc()
    reader = Reader.open(fmt, headers, currency or await shop_currency(store), started)
    import_id = await store.start_import(fmt.kind, fmt.name, filename, actor, started)
    columns = store_rejection_columns(reader)
    batch: list[Row] = []
    read = 0
    try:
        for line, cells in rows:
            read += 1
            found = Rejection(line, "malformed_row") if cells is None else reader.read(line, cells)
            if found is not None:
                batch.append(found)
            if len(batch) >= batch_rows:
                await store.import_rows(import_id, batch, read, tokens.now_utc(), columns)
                batch = []
                await report_progress(store, import_id, progress)
        await store.import_rows(import_id, batch, read, tokens.now_utc(), columns)
    except BaseException as exc:
        await store.finish_import(import_id, "failed", tokens.now_utc(), str(exc)[:500])
        raise
    await store.finish_import(import_id, "done", tokens.now_utc())
    report = await store.import_report(import_id)
    assert report is not None
    if progress is not None:
        await progress(report)
    return report


def store_rejection_columns(reader: Reader) -> dict[str, str]:
    """The column each rejection the store makes (not the row's reading) is about."""
    found = {
        "missing_email": reader.column("email"),
        "external_id_conflict": reader.column("external_id") or reader.column("email"),
        "unknown_customer": reader.column("customer_external_id") or reader.column("email"),
        "currency_mismatch": reader.column("currency") or reader.column("total"),
    }
    return {reason: column for reason, column in found.items() if column}


async def report_progress(store: Store, import_id: int, progress: Progress | None) -> None:
    # Other requests get their turn between batches (the SQLite writer runs on the event loop).
    await asyncio.sleep(0)
    if progress is not None:
        report = await store.import_report(import_id)
        assert report is not None
        await progress(report)
