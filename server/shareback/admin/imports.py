"""The dashboard's CSV imports: a file uploaded (spooled to disk as it arrives, never held in
memory), imported in the background by crm/imports.run_import, its progress and every rejected
row on its own page, which reloads itself while the import runs."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, TextIO

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message

from shareback import numbers
from shareback.admin import csrf
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import guarded_action, page_for
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.crm import formats, rejections
from shareback.crm.imports import ImportRefused, run_import
from shareback.crm.rows import Rejection
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession, Store

log = logging.getLogger("shareback")

MAX_UPLOAD_BYTES = 4 * 1024**3
REJECTIONS_PAGE = 500
# Imports running in this process: kept referenced until they end (asyncio keeps only weak ones).
RUNNING: set[asyncio.Task[Any]] = set()


def too_large() -> PageError:
    return PageError(
        413,
        _("That file is too large"),
        _("Upload at most 4 GiB at a time: split the file and upload the parts one by one."),
    )


async def read_large_upload(request: Request) -> FormData:
    """The multipart form with its file spooled to a temporary file by Starlette's parser (on
    disk past 1 MiB), the body counted as it arrives."""
    size = 0
    receive = request.receive

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > MAX_UPLOAD_BYTES:
            raise too_large()
        return message

    scope: MutableMapping[str, Any] = request.scope
    return await Request(scope, counted).form(max_files=1, max_fields=csrf.MAX_FIELDS)


def start_in_background(job: Callable[[], Coroutine[Any, Any, None]]) -> None:
    task: asyncio.Task[None] = asyncio.get_running_loop().create_task(job())
    RUNNING.add(task)
    task.add_done_callback(RUNNING.discard)


def open_text(path: str) -> TextIO:
    # A local temporary file: opening it does not wait on anything.
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


async def import_file(
    store: Store, path: str, filename: str, actor: str, first: asyncio.Future[int]
) -> None:
    """Runs the import; `first` learns the import's id (or the refusal) as soon as it exists."""

    async def progress(report: Any) -> None:
        if not first.done():
            first.set_result(report.id)

    try:
        with open_text(path) as stream:
            report = await run_import(
                store, stream, actor=actor, filename=filename, progress=progress, batch_rows=1000
            )
        if not first.done():
            first.set_result(report.id)
    except ImportRefused as exc:
        if not first.done():
            first.set_exception(exc)
    except Exception as exc:
        log.exception("import of %s failed", filename)
        if not first.done():
            first.set_exception(exc)
    finally:
        try:
            os.unlink(path)
        except OSError:
            log.warning("could not delete the uploaded file %s", path)


async def upload_import(request: Request, session: AdminSession, form: FormData) -> Response:
    ctx = context(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await imports_page(request, session, _("Choose a CSV file to import."))
    with tempfile.NamedTemporaryFile(
        prefix="shareback-import-", suffix=".csv", delete=False
    ) as kept:
        await upload.seek(0)
        shutil.copyfileobj(upload.file, kept, 1024 * 1024)
    first: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    filename = upload.filename[:200]
    start_in_background(
        lambda: import_file(ctx.store, kept.name, filename, session.user.email, first)
    )
    try:
        import_id = await first
    except ImportRefused as exc:
        return await imports_page(request, session, str(exc))
    return redirect(f"/admin/imports/{import_id}")


async def imports_page(
    request: Request, session: AdminSession, error: str | None = None
) -> Response:
    store = context(request).store
    return render(
        request,
        "imports.html",
        {
            "session": session,
            "nav": "customers",
            "imports": await store.recent_imports(20),
            "error": error,
            "formats": formats.FORMATS,
        },
        status_code=422 if error else 200,
    )


@page_for(Permission.MANAGE)
async def list_imports(request: Request, session: AdminSession) -> Response:
    return await imports_page(request, session)


@page_for(Permission.MANAGE)
async def show_import(request: Request, session: AdminSession) -> Response:
    store = context(request).store
    import_id = numbers.row_id(request.path_params["id"])
    report = await store.import_report(import_id) if import_id else None
    if report is None:
        raise PageError(404, _("There is no such import"), _("Pick one from the list of imports."))
    after_raw = request.query_params.get("after", "0")
    after = int(after_raw) if after_raw.isdigit() and len(after_raw) < 12 else 0
    shown: list[Rejection] = await store.import_rejections(report.id, after, REJECTIONS_PAGE)
    return render(
        request,
        "import.html",
        {
            "session": session,
            "nav": "customers",
            "report": report,
            "rejections": [(r, rejections.words(r.reason)) for r in shown],
            "next_after": shown[-1].line if len(shown) == REJECTIONS_PAGE else None,
            "format_label": next(
                (f.label for f in formats.FORMATS if f.name == report.format), _("Generic CSV")
            ),
        },
    )


def upload_endpoint() -> Callable[[Request], Awaitable[Response]]:
    return guarded_action(upload_import, read_large_upload, Permission.MANAGE)


routes = [
    Route("/admin/imports", list_imports, methods=["GET"]),
    Route("/admin/imports", upload_endpoint(), methods=["POST"]),
    Route("/admin/imports/{id}", show_import, methods=["GET"]),
]
