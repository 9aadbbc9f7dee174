"""One outgoing webhook delivery: its attempts (/admin/settings/webhooks/deliveries/{id}) and
"Redeliver", which puts a dead (or delivered) delivery back in the queue with a fresh window."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import tokens
from shareback.admin.access import path_id
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import admin_action, page_for
from shareback.admin.webhooks_page import DELIVERY_STATUSES, delivery_query
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession, DeliveryRow, Store


async def delivery_or_404(store: Store, delivery_id: int) -> DeliveryRow:
    # The log pages by id, newest first: the first row before id + 1 is the delivery itself.
    rows = await store.list_deliveries(before=delivery_id + 1, limit=1)
    if not rows or rows[0].id != delivery_id:
        raise PageError(
            404, _("No such delivery"), _("There is no webhook delivery with that number.")
        )
    return rows[0]


@page_for(Permission.MANAGE)
async def show_delivery(request: Request, session: AdminSession) -> Response:
    store = context(request).store
    delivery = await delivery_or_404(store, path_id(request))
    endpoint = next((e for e in await store.endpoints() if e.id == delivery.endpoint_id), None)
    return render(
        request,
        "delivery.html",
        {
            "session": session,
            "nav": "settings",
            "delivery": delivery,
            "endpoint": endpoint,
            "attempts": await store.delivery_attempts(delivery.id),
            "now": tokens.now_utc(),
        },
    )


@admin_action
async def redeliver(request: Request, session: AdminSession, form: FormData) -> Response:
    store = context(request).store
    delivery = await delivery_or_404(store, path_id(request))
    if not await store.redeliver(delivery.id, tokens.now_utc()):
        raise PageError(
            409,
            _("Already waiting to be sent"),
            _("This delivery is in the queue already; Shareback keeps trying it on its own."),
        )
    back = str(form.get("back") or "")
    if back == "delivery":
        return redirect(f"/admin/settings/webhooks/deliveries/{delivery.id}?notice=delivery-queued")
    status = back if back in DELIVERY_STATUSES else None
    query = delivery_query(status, notice="delivery-queued")
    return redirect(f"/admin/settings/webhooks?{query}#deliveries")


routes = [
    Route("/admin/settings/webhooks/deliveries/{id}", show_delivery, methods=["GET"]),
    Route("/admin/settings/webhooks/deliveries/{id}/redeliver", redeliver, methods=["POST"]),
]
