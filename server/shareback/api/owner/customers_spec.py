"""Customers, CSV imports and CRM exports in /openapi.json."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    BOOLEAN,
    COUNT,
    EMAIL,
    ID,
    STRING,
    TIME,
    Schema,
    array,
    body,
    enum,
    nullable,
    obj,
    operation,
    param,
    ref,
    response,
)
from shareback.api.owner.spec import CSV
from shareback.crm import formats
from shareback.crm.exports import EXPORTS
from shareback.crm.rejections import REASONS

MONEY = nullable({**STRING, "description": 'in major units, e.g. "59.90"'})
EXTERNAL_ID = obj(
    {"system": {**STRING, "maxLength": 40}, "id": {**STRING, "maxLength": 128}},
    description="The customer's id in a CRM or shop: salesforce, hubspot, shopify, woocommerce, "
    "stripe, import…",
)
CUSTOMER_FIELDS: dict[str, Schema] = {
    "id": ID,
    "email": EMAIL,
    "first_name": nullable(STRING),
    "last_name": nullable(STRING),
    "country": nullable({**STRING, "description": "ISO 3166-1 alpha-2"}),
    "tags": array(STRING),
    "order_count": COUNT,
    "revenue": {**MONEY, "description": "net of refunds, in currency; null before any order"},
    "currency": nullable(STRING),
    "first_order_at": nullable(TIME),
    "last_order_at": nullable(TIME),
    "marketing_consent": nullable({**BOOLEAN, "description": "null: unknown"}),
    "consent_source": nullable(STRING),
    "consent_at": nullable(TIME),
    "external_ids": array(EXTERNAL_ID),
    "created_at": nullable(TIME),
    "updated_at": nullable(TIME),
}
REJECTION = obj(
    {
        "line": {**ID, "description": "the file's line where the row starts (1 is the header)"},
        "field": nullable({**STRING, "description": "the column, as the file names it"}),
        "reason": enum(sorted(REASONS)),
        "message": STRING,
    }
)
SCHEMAS: dict[str, Schema] = {
    "Customer": obj(CUSTOMER_FIELDS),
    "CustomerDetail": obj(
        {
            **CUSTOMER_FIELDS,
            "referral": obj(
                {
                    "advocate_code": nullable(STRING),
                    "shares": COUNT,
                    "clicks": COUNT,
                    "friends_converted": COUNT,
                    "rewards_earned": COUNT,
                    "rewards_earned_amount": MONEY,
                    "currency": nullable(STRING),
                }
            ),
            "orders": array(
                obj(
                    {
                        "source": STRING,
                        "order_id": STRING,
                        "placed_at": TIME,
                        "total": STRING,
                        "refunded": STRING,
                        "currency": STRING,
                    }
                )
            ),
            "tickets": array(
                obj(
                    {
                        "system": STRING,
                        "id": STRING,
                        "opened_at": TIME,
                        "closed_at": nullable(TIME),
                        "topic": nullable(STRING),
                        "satisfaction": nullable({"type": "integer", "minimum": 1, "maximum": 5}),
                        "nps": nullable({"type": "integer", "minimum": 0, "maximum": 10}),
                    }
                )
            ),
        }
    ),
    "CustomerUpsert": obj(
        {
            "first_name": nullable({**STRING, "maxLength": 100}),
            "last_name": nullable({**STRING, "maxLength": 100}),
            "country": nullable(
                {
                    **STRING,
                    "pattern": "^[A-Za-z]{2}$",
                    "description": "ISO 3166-1 alpha-2, such as NL",
                }
            ),
            "tags": array({**STRING, "minLength": 1, "maxLength": 100}, maxItems=50),
            "marketing_consent": nullable(BOOLEAN),
            "consent_source": nullable({**STRING, "maxLength": 40}),
            "external_ids": array(EXTERNAL_ID, maxItems=10),
        },
        optional=(
            "first_name",
            "last_name",
            "country",
            "tags",
            "marketing_consent",
            "consent_source",
            "external_ids",
        ),
        description="What you know; a field left out (or null) keeps what is stored. Tags are "
        "added, never removed. consent_source defaults to api.",
    ),
    "ImportResult": obj(
        {
            "import": obj(
                {
                    "id": ID,
                    "kind": enum(formats.KINDS),
                    "format": enum([f.name for f in formats.FORMATS] + ["generic"]),
                    "filename": nullable(STRING),
                    "status": enum(["running", "done", "failed"]),
                    "rows_read": COUNT,
                    "rows_imported": COUNT,
                    "rows_rejected": COUNT,
                    "error": nullable(STRING),
                    "started_at": TIME,
                    "updated_at": TIME,
                    "finished_at": nullable(TIME),
                }
            ),
            "rejections": array(REJECTION),
            "rejections_truncated": {
                **BOOLEAN,
                "description": "more than these 1,000: ask GET /api/v1/imports/{id}?after_line=",
            },
        }
    ),
}


def paths() -> dict[str, dict[str, Any]]:
    return {
        "/api/v1/customers/{customer_id}": {
            "get": operation(
                "getCustomer",
                "A customer: their record, orders, tickets and referral facts",
                "customers",
                {200: response("The customer.", ref("CustomerDetail"))},
                errors=[400, 404],
                parameters=[param("customer_id", "path", ID, "The customer's id.", required=True)],
            )
        },
        "/api/v1/customers/by-email/{email}": {
            "put": operation(
                "upsertCustomer",
                "Create or update a customer by e-mail address (idempotent)",
                "customers",
                {200: response("The customer as stored.", ref("Customer"))},
                errors=[400, 409, 413, 415, 422],
                parameters=[
                    param("email", "path", EMAIL, "The customer's address.", required=True)
                ],
                request_body=body(ref("CustomerUpsert")),
                description="Found by an external id first (an address changed in the CRM), "
                "else by the address's inbox key. 409 external_id_conflict: the id belongs to "
                "a customer with another address.",
            )
        },
        "/api/v1/customers/import": {
            "post": operation(
                "importCustomers",
                "Import customers, orders or tickets from a CSV export (the body is the file)",
                "customers",
                {
                    200: response(
                        "The import's report, with every rejected row.", ref("ImportResult")
                    )
                },
                errors=[400, 413, 415, 422],
                request_body={
                    "required": True,
                    "content": {"text/csv": {"schema": STRING}},
                    "description": "UTF-8 CSV, header row first: a Shopify, HubSpot, Salesforce, "
                    "WooCommerce customers export, a Shopify orders export, a Zendesk or Freshdesk "
                    "tickets export, or any CSV with map=. Up to 4 GiB, read a row at a time.",
                },
                parameters=[
                    param("kind", "query", enum(formats.KINDS), "What the file holds."),
                    param(
                        "format",
                        "query",
                        enum([f.name for f in formats.FORMATS] + ["generic"]),
                        "The export's format; found from the header row when left out.",
                    ),
                    param(
                        "currency",
                        "query",
                        {**STRING, "pattern": "^[A-Za-z]{3}$"},
                        "For amounts the file gives without one (ISO 4217).",
                    ),
                    param(
                        "map",
                        "query",
                        {**STRING, "pattern": "^[a-z_]+=.+$", "examples": ["email=E-mail"]},
                        "A generic CSV's column for a field: FIELD=COLUMN; repeatable.",
                    ),
                ],
            )
        },
        "/api/v1/imports/{import_id}": {
            "get": operation(
                "getImport",
                "An import's progress (while it runs) and its rejected rows",
                "customers",
                {200: response("The import.", ref("ImportResult"))},
                errors=[400, 404],
                parameters=[
                    param("import_id", "path", ID, "The import's id.", required=True),
                    param(
                        "after_line",
                        "query",
                        {**COUNT, "maximum": 99_999_999_999},
                        "Rejected rows after this line (1,000 at a time).",
                    ),
                ],
            )
        },
        "/api/v1/customers/export": {
            "get": operation(
                "exportCustomers",
                "Export customers as CSV for re-import into Salesforce, HubSpot or Shopify",
                "exports",
                {
                    200: response(
                        "Every customer, with their referral facts.", CSV, media_type="text/csv"
                    )
                },
                errors=[400],
                parameters=[
                    param(
                        "format",
                        "query",
                        enum(sorted(EXPORTS)),
                        "Whose column names: salesforce, hubspot or shopify.",
                        required=True,
                    )
                ],
            )
        },
    }
