"""The customers pages: everyone who ordered or was imported, found by e-mail address or name,
newest first, a page at a time; one customer with their orders, tickets, consent, tags and the
advocate they are; and the CRM exports (crm/exports.py builds the owner API's too)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from shareback import numbers
from shareback.admin.people_query import MAX_PAGE, PAGE_SIZE, bad_query, href, search_text
from shareback.admin.render import SECURITY_HEADERS, PageError, render
from shareback.admin.score_section import score_section
from shareback.admin.sessions import page_for
from shareback.api.owner.exports import csv_download
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.crm.exports import EXPORTS, customer_lines
from shareback.crm.records import NO_REFERRALS
from shareback.crm.score import summary
from shareback.i18n import gettext as _
from shareback.people_search import search_terms
from shareback.storage.base import AdminSession


def page_number(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise bad_query(_("That page is not one the list has. Go back to its first page."))
    return int(raw)


@page_for(Permission.READ)
async def list_customers(request: Request, session: AdminSession) -> Response:
    store = context(request).store
    query = request.query_params
    search = search_text(query)
    page = page_number(query.get("page"))
    found = await store.find_customers(search_terms(search), (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    rows = found[:PAGE_SIZE]
    if page > 1 and not rows:
        raise PageError(
            404,
            _("There is no such page"),
            _("The list is shorter than that. Go back to its first page."),
        )
    facts = await store.referral_facts([c.id for c in rows])

    def link(n: int) -> str:
        return href(
            "/admin/customers",
            urlencode({k: v for k, v in (("q", search), ("page", n)) if v and v != 1}),
        )

    return render(
        request,
        "customers.html",
        {
            "session": session,
            "nav": "customers",
            "search": search,
            "rows": rows,
            "facts": facts,
            "page": page,
            "first_href": link(1) if page > 2 else None,
            "previous_href": link(page - 1) if page > 1 else None,
            "next_href": link(page + 1) if len(found) > PAGE_SIZE and page < MAX_PAGE else None,
            "exports": sorted(EXPORTS),
        },
    )


@page_for(Permission.READ)
async def show_customer(request: Request, session: AdminSession) -> Response:
    store = context(request).store
    customer_id = numbers.row_id(request.path_params["id"])
    customer = await store.customer(customer_id) if customer_id else None
    if customer is None:
        raise PageError(
            404,
            _("There is no such customer"),
            _("Nobody has this number, or their data was erased. Search the customers list."),
        )
    facts = (await store.referral_facts([customer.id])).get(customer.id, NO_REFERRALS)
    return render(
        request,
        "customer.html",
        {
            "session": session,
            "nav": "customers",
            "customer": customer,
            "facts": facts,
            "links": await store.customer_links(customer.id),
            "orders": await store.customer_orders(customer.id),
            "tickets": await store.customer_tickets(customer.id),
            # The ambassador score with its reasons (admin/score_section.py).
            "score": await score_section(store, context(request).settings, customer.id),
            "summary": summary,
        },
    )


@page_for(Permission.EXPORT)
async def download_customers_csv(request: Request, session: AdminSession) -> Response:
    """Every customer, shaped for re-import into the CRM named by ?format= (the same bytes as
    GET /api/v1/customers/export)."""
    name = request.query_params.get("format", "")
    if name not in EXPORTS:
        raise bad_query(_("Pick Salesforce, HubSpot or Shopify."))
    response: StreamingResponse = csv_download(
        customer_lines(context(request).store, name), f"customers-{name}"
    )
    response.headers.update(SECURITY_HEADERS)
    return response


routes = [
    Route("/admin/customers", list_customers, methods=["GET"]),
    Route("/admin/customers.csv", download_customers_csv, methods=["GET"]),
    Route("/admin/customers/{id}", show_customer, methods=["GET"]),
]
