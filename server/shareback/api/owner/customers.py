"""The owner API's customers: one customer with orders, tickets and referral facts; a JSON upsert
by e-mail address; CSV imports (the body is the file) with their report; exports shaped for
Salesforce, HubSpot and Shopify."""

from __future__ import annotations

import io
import tempfile
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import emails, numbers, tokens
from shareback.api.owner.bodies import refuse_unknown_fields
from shareback.api.owner.exports import csv_download
from shareback.api.owner.params import refuse_unknown
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.crm import documents, formats, imports, profile, rejections
from shareback.crm.exports import EXPORTS, customer_lines
from shareback.crm.records import NO_REFERRALS, CustomerFacts, ImportReport
from shareback.errors import ApiError, read_json, require_object
from shareback.storage.base import Store
from shareback.storage.sql.customers import CustomerRejected

# A CSV body is spooled to a temporary file (in memory up to SPOOL_BYTES, on disk past it) and
# read from there a row at a time: memory stays bounded up to this size.
IMPORT_MAX_BYTES = 4 * 1024**3
SPOOL_BYTES = 1024 * 1024
REJECTIONS_SHOWN = 1000
UPSERT_FIELDS = (
    "first_name",
    "last_name",
    "country",
    "tags",
    "marketing_consent",
    "consent_source",
    "external_ids",
)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_customer", message, field)


async def customer_detail(request: Request) -> Response:
    store = context(request).store
    refuse_unknown(dict(request.query_params), set())
    customer_id = numbers.row_id(str(request.path_params["customer_id"]))
    customer = await store.customer(customer_id) if customer_id else None
    if customer is None:
        raise ApiError(404, "not_found", "No customer with this id.")
    facts = (await store.referral_facts([customer.id])).get(customer.id, NO_REFERRALS)
    return JSONResponse(
        {
            **documents.customer_document(customer),
            "referral": facts.as_dict(),
            "orders": [
                documents.order_document(o) for o in await store.customer_orders(customer.id)
            ],
            "tickets": [
                documents.ticket_document(t) for t in await store.customer_tickets(customer.id)
            ],
        }
    )


def text_field(body: dict[str, Any], name: str, limit: int = 100) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(name, f"'{name}' must be a string of at most {limit} characters.")
    return profile.text(value, limit)


def upsert_facts(address: str, body: dict[str, Any]) -> CustomerFacts:
    refuse_unknown_fields(body, UPSERT_FIELDS)
    country = body.get("country")
    if country is not None and profile.country_code(country) is None:
        raise invalid("country", "'country' must be an ISO 3166-1 alpha-2 code, such as NL.")
    tags = body.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > profile.MAX_TAGS
        or not all(isinstance(t, str) and 0 < len(t) <= 100 for t in tags)
    ):
        raise invalid("tags", "'tags' must be a list of at most 50 strings of 1 to 100 characters.")
    consent = body.get("marketing_consent")
    if consent is not None and not isinstance(consent, bool):
        raise invalid("marketing_consent", "'marketing_consent' must be true, false or null.")
    ids = body.get("external_ids", [])
    pairs: list[tuple[str, str]] = []
    if not isinstance(ids, list) or len(ids) > 10:
        raise invalid("external_ids", "'external_ids' must be a list of at most 10 objects.")
    for n, item in enumerate(ids):
        ok = isinstance(item, dict) and set(item) == {"system", "id"}
        system, external = (item.get("system"), item.get("id")) if ok else (None, None)
        if not (isinstance(system, str) and 0 < len(system.strip()) <= 40):
            ok = False
        if not (isinstance(external, str) and 0 < len(external.strip()) <= 128):
            ok = False
        if not ok:
            raise invalid(
                f"external_ids[{n}]", 'Each external id is {"system": "salesforce", "id": "…"}.'
            )
        assert isinstance(system, str) and isinstance(external, str)
        pairs.append((system.strip().lower(), external.strip()))
    return CustomerFacts(
        email=address,
        first_name=text_field(body, "first_name"),
        last_name=text_field(body, "last_name"),
        country=profile.country_code(country),
        tags=profile.split_tags(tags),
        marketing_consent=consent,
        consent_source=(text_field(body, "consent_source", 40) or "api")
        if consent is not None
        else None,
        external_ids=tuple(pairs),
    )


async def upsert_customer(request: Request) -> Response:
    ctx = context(request)
    address = request.path_params["email"].strip()
    if not emails.is_valid_email(address):
        raise ApiError(422, "invalid_email", "The path must end in an e-mail address.", "email")
    body = require_object(await read_json(request, ctx.settings.max_body_bytes))
    facts = upsert_facts(address, body)
    try:
        customer = await ctx.store.upsert_customer(facts, tokens.now_utc())
    except CustomerRejected as exc:
        raise ApiError(409, exc.code, rejections.english(exc.code), "external_ids") from None
    return JSONResponse(documents.customer_document(customer))


async def spool_body(request: Request) -> tempfile.SpooledTemporaryFile[bytes]:
    # Closed by the caller (its with block), or here when reading fails.
    spooled: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=SPOOL_BYTES
    )
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > IMPORT_MAX_BYTES:
                raise ApiError(
                    413, "body_too_large", f"The file is larger than {IMPORT_MAX_BYTES} bytes."
                )
            spooled.write(chunk)
    except BaseException:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled


def import_params(request: Request) -> dict[str, Any]:
    query = request.query_params
    refuse_unknown(dict(query), {"kind", "format", "currency", "map"})
    kind = query.get("kind")
    if kind is not None and kind not in formats.KINDS:
        raise ApiError(400, "invalid_parameter", "kind is customers, orders or tickets.", "kind")
    name = query.get("format")
    if name is not None and name != "generic" and formats.by_name(name) is None:
        raise ApiError(400, "invalid_parameter", "Unknown format.", "format")
    currency = query.get("currency")
    if currency is not None and (len(currency) != 3 or not currency.isalpha()):
        raise ApiError(400, "invalid_parameter", "currency is a code such as EUR.", "currency")
    mapping: dict[str, str] = {}
    for pair in query.getlist("map"):
        fact, sep, column = pair.partition("=")
        if not sep or not fact.strip() or not column.strip():
            raise ApiError(
                400, "invalid_parameter", "map is FIELD=COLUMN, such as email=E-mail.", "map"
            )
        mapping[fact.strip()] = column.strip()
    return {
        "kind": kind,
        "format_name": name,
        "currency": currency.upper() if currency else None,
        "mapping": mapping,
    }


async def import_result(store: Store, report: ImportReport) -> dict[str, Any]:
    shown = await store.import_rejections(report.id, 0, REJECTIONS_SHOWN)
    return {
        "import": documents.import_document(report),
        "rejections": [
            {
                "line": r.line,
                "field": r.field,
                "reason": r.reason,
                "message": rejections.english(r.reason),
            }
            for r in shown
        ],
        "rejections_truncated": report.rows_rejected > len(shown),
    }


async def import_customers(request: Request) -> Response:
    ctx = context(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("text/csv", "application/csv", "text/plain"):
        raise ApiError(
            415, "unsupported_media_type", "Send the CSV file as the body, Content-Type: text/csv."
        )
    options = import_params(request)
    spooled = await spool_body(request)
    with (
        spooled,
        io.TextIOWrapper(spooled, encoding="utf-8-sig", errors="replace", newline="") as stream,
    ):
        try:
            report = await imports.run_import(
                ctx.store, stream, actor=actor(request).name, filename=None, **options
            )
        except imports.ImportRefused as exc:
            raise ApiError(422, "unreadable_file", str(exc)) from None
    return JSONResponse(await import_result(ctx.store, report))


async def import_status(request: Request) -> Response:
    store = context(request).store
    query = dict(request.query_params)
    refuse_unknown(query, {"after_line"})
    after = query.get("after_line", "0")
    if not after.isdigit() or len(after) > 12:
        raise ApiError(400, "invalid_parameter", "after_line is a line number.", "after_line")
    import_id = numbers.row_id(str(request.path_params["import_id"]))
    report = await store.import_report(import_id) if import_id else None
    if report is None:
        raise ApiError(404, "not_found", "No import with this id.")
    result = await import_result(store, report)
    if int(after):
        page = await store.import_rejections(report.id, int(after), REJECTIONS_SHOWN)
        result["rejections"] = [
            {
                "line": r.line,
                "field": r.field,
                "reason": r.reason,
                "message": rejections.english(r.reason),
            }
            for r in page
        ]
        result["rejections_truncated"] = len(page) == REJECTIONS_SHOWN
    return JSONResponse(result)


async def export_customers(request: Request) -> Response:
    query = dict(request.query_params)
    refuse_unknown(query, {"format"})
    name = query.get("format", "")
    if name not in EXPORTS:
        raise ApiError(
            400, "invalid_parameter", "format is salesforce, hubspot or shopify.", "format"
        )
    return csv_download(customer_lines(context(request).store, name), f"customers-{name}")


routes = [
    Route("/api/v1/customers/import", import_customers, methods=["POST"], middleware=GUARDED),
    Route("/api/v1/customers/export", export_customers, methods=["GET"], middleware=GUARDED),
    Route(
        "/api/v1/customers/{customer_id:int}", customer_detail, methods=["GET"], middleware=GUARDED
    ),
    Route(
        "/api/v1/customers/by-email/{email}", upsert_customer, methods=["PUT"], middleware=GUARDED
    ),
    Route("/api/v1/imports/{import_id:int}", import_status, methods=["GET"], middleware=GUARDED),
]
