"""/admin/settings/mail: whether e-mail is set up (server, sender) and the log of every message
with its status (waiting, sent, dead, suppressed, skipped); "Send again" for a dead letter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, tokens
from shareback.admin.access import path_id
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import admin_action, page_for
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.mail import journeys
from shareback.mail.smtp import parse_smtp_url
from shareback.storage.base import AdminSession
from shareback.storage.sql.mail import MAIL_STATUSES

PAGE_SIZE = 50
STATUS_LABELS = {
    "pending": N_("Waiting"),
    "sent": N_("Sent"),
    "dead": N_("Given up"),
    "suppressed": N_("Unsubscribed"),
    "skipped": N_("Not sent"),
}


def mail_query(status: str | None, **extra: str | int) -> str:
    return urlencode({**({"status": status} if status else {}), **extra})


def smtp_summary(url: str | None) -> str | None:
    """The server as the page shows it: host, port and TLS, never the sign-in."""
    if url is None:
        return None
    target = parse_smtp_url(url)
    tls = "TLS" if target.implicit_tls else ("STARTTLS" if target.starttls else "no TLS")
    signed_in = f", signed in as {target.username}" if target.username else ""
    return f"{target.host}:{target.port} ({tls}{signed_in})"


@page_for(Permission.MANAGE)
async def show_mail_log(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    query = request.query_params
    status = query.get("status") if query.get("status") in MAIL_STATUSES else None
    before = numbers.row_id(query.get("before"))
    rows = await ctx.store.list_mail(status=status, before=before, limit=PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    campaigns = {c.id: c for c in await ctx.store.campaigns(include_archived=True)}
    page: dict[str, Any] = {
        "session": session,
        "nav": "settings",
        "settings_tab": "mail",
        "smtp": smtp_summary(ctx.settings.smtp_url),
        "sender": ctx.settings.email_from,
        "status": status,
        "statuses": STATUS_LABELS,
        "counts": await ctx.store.mail_counts(),
        "messages": rows,
        "campaigns": campaigns,
        "journeys": journeys.LABELS,
        "first_page": before is None,
        "tab_query": {s: mail_query(s) for s in (None, *MAIL_STATUSES)},
        "next_query": mail_query(status, before=rows[-1].id) if more and rows else None,
        "now": tokens.now_utc(),
    }
    return render(request, "mail_log.html", page)


@admin_action
async def resend_mail(request: Request, session: AdminSession, form: FormData) -> Response:
    if not await context(request).store.resend_mail(path_id(request), tokens.now_utc()):
        raise PageError(
            409,
            _("Not a dead letter"),
            _(
                "Only a message that could not be sent for three days can be sent again; sent "
                "messages are never sent twice, and unsubscribed addresses get nothing."
            ),
        )
    back = str(form.get("back") or "")
    return redirect(
        f"/admin/settings/mail?{mail_query(back if back in MAIL_STATUSES else None, notice='mail-queued')}"
    )


routes = [
    Route("/admin/settings/mail", show_mail_log, methods=["GET"]),
    Route("/admin/settings/mail/{id}/resend", resend_mail, methods=["POST"]),
]
