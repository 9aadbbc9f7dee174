"""The public documents of a customer: the owner API's JSON and the customer.updated event's
payload, built here once from the typed records, with one time format. Pure."""

from __future__ import annotations

from typing import Any

from shareback import money
from shareback.crm.records import Customer, CustomerOrder, ImportReport, ReferralFacts, Ticket
from shareback.times import rfc3339, rfc3339_or_none


def amount(minor: int, currency: str | None) -> str | None:
    return None if currency is None else money.from_minor(minor, currency)


def customer_document(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "country": customer.country,
        "tags": list(customer.tags),
        "order_count": customer.order_count,
        "revenue": amount(customer.revenue_minor, customer.currency),
        "currency": customer.currency,
        "first_order_at": rfc3339_or_none(customer.first_order_at),
        "last_order_at": rfc3339_or_none(customer.last_order_at),
        "marketing_consent": customer.marketing_consent,
        "consent_source": customer.consent_source,
        "consent_at": rfc3339_or_none(customer.consent_at),
        "external_ids": [{"system": s, "id": i} for s, i in customer.external_ids],
        "created_at": rfc3339_or_none(customer.created_at),
        "updated_at": rfc3339_or_none(customer.updated_at),
    }


def order_document(order: CustomerOrder) -> dict[str, Any]:
    return {
        "source": order.source,
        "order_id": order.order_id,
        "placed_at": rfc3339(order.placed_at),
        "total": money.from_minor(order.total_minor, order.currency),
        "refunded": money.from_minor(order.refunded_minor, order.currency),
        "currency": order.currency,
    }


def ticket_document(ticket: Ticket) -> dict[str, Any]:
    return {
        "system": ticket.system,
        "id": ticket.external_id,
        "opened_at": rfc3339(ticket.opened_at),
        "closed_at": rfc3339_or_none(ticket.closed_at),
        "topic": ticket.topic,
        "satisfaction": ticket.satisfaction,
        "nps": ticket.nps,
    }


def customer_event(customer: Customer, facts: ReferralFacts) -> dict[str, Any]:
    """customer.updated: who the customer is (with the CRMs' ids, to match the record) and the
    referral facts the CRM learns."""
    return {
        "customer": {
            "id": customer.id,
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "external_ids": [{"system": s, "id": i} for s, i in customer.external_ids],
        },
        "referral": facts.as_dict(),
    }


def import_document(report: ImportReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "kind": report.kind,
        "format": report.format,
        "filename": report.filename,
        "status": report.status,
        "rows_read": report.rows_read,
        "rows_imported": report.rows_imported,
        "rows_rejected": report.rows_rejected,
        "error": report.error,
        "started_at": rfc3339(report.started_at),
        "updated_at": rfc3339(report.updated_at),
        "finished_at": rfc3339_or_none(report.finished_at),
    }
