"""POST /webhooks/stripe: Checkout Sessions paid, charges refunded and disputed, verified by
Stripe-Signature."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import money, tokens
from shareback.context import Context, context
from shareback.crm import profile
from shareback.errors import ApiError
from shareback.storage.base import Outcome, RefundPart
from shareback.webhooks import platform

SOURCE = "stripe"
TOLERANCE_SECONDS = 300  # Stripe's own libraries default to five minutes
PAID_SESSION_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
# A dispute takes the money back the day it opens (funds_withdrawn follows): a chargeback, whatever
# its outcome later. An early warning (status warning_*) is an inquiry: no money moved yet.
DISPUTE_EVENTS = ("charge.dispute.created", "charge.dispute.funds_withdrawn")


def signing_secrets(setting: str) -> tuple[str, ...]:
    """While Stripe rolls a secret it signs with the old and the new: both may be set, space-separated."""
    return tuple(part for part in setting.replace(",", " ").split() if part)


def verify_signature(
    secrets: Sequence[str],
    header: str | None,
    body: bytes,
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Stripe's scheme: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">[,v1=…], the secret as text."""
    if not header:
        raise ApiError(401, "missing_signature", "The Stripe-Signature header is required.")
    timestamp: str | None = None
    given: list[bytes] = []
    for element in header.split(","):
        key, _, value = element.strip().partition("=")
        if key == "t":
            timestamp = value.strip()
        elif key == "v1":
            given.append(value.strip().encode("latin-1"))
    if timestamp is None or not timestamp.isdigit() or len(timestamp) > 12 or not given:
        raise ApiError(
            400,
            "invalid_signature_header",
            "Stripe-Signature must hold t=<unix time> and at least one v1=<signature>.",
        )
    if abs(now - int(timestamp)) > tolerance:
        raise ApiError(
            401,
            "stale_timestamp",
            f"The Stripe-Signature timestamp is more than {tolerance} seconds away from our clock.",
        )
    signed = timestamp.encode() + b"." + body
    for secret in secrets:
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest().encode()
        if any(hmac.compare_digest(expected, candidate) for candidate in given):
            return
    raise ApiError(
        401, "invalid_signature", "No v1 signature in Stripe-Signature matches the secret in force."
    )


def object_id(value: Any) -> str | None:
    """An id Stripe may send as a string or, when expanded, as an object holding it."""
    if isinstance(value, dict):
        value = value.get("id")
    return platform.text(value)


def parse_session(session: dict[str, Any]) -> platform.PlatformOrder:
    """The payment intent is the order's id, so that the charge's refund finds it later."""
    field = "data.object."
    currency = platform.currency_code(session.get("currency"), field + "currency")
    details = platform.section(session.get("customer_details"), field + "customer_details")
    metadata = platform.section(session.get("metadata"), field + "metadata")
    details_total = platform.section(session.get("total_details"), field + "total_details")
    order_id = object_id(session.get("payment_intent")) or platform.resource_id(
        session.get("id"), field + "id"
    )
    # Sessions localised by Adaptive Pricing before 2025-03-31 are in the shopper's currency, with
    # the integration's own amount in currency_conversion. The settlement currency is not in
    # the event at all: rewards need the session in the campaign's currency.
    conversion = platform.section(session.get("currency_conversion"), field + "currency_conversion")
    other_minor = other_currency = None
    if conversion:
        other_currency = platform.currency_code(
            conversion.get("source_currency"), field + "currency_conversion.source_currency"
        )
        other_minor = platform.stripe_total(
            conversion.get("amount_total"),
            other_currency,
            field + "currency_conversion.amount_total",
        )
    email = platform.first_email(details.get("email"), session.get("customer_email"))
    address = platform.section(details.get("address"), field + "customer_details.address")
    # consent.promotions: "opt_in" or "opt_out" when the session collected it.
    consent = platform.section(session.get("consent"), field + "consent")
    buyer = profile.order_facts(
        email,
        platform.text(details.get("name")),
        source=SOURCE,
        country=address.get("country"),
        marketing_consent=profile.consent(consent.get("promotions")),
        customer_id=platform.customer_id(object_id(session.get("customer"))),
    )
    return platform.PlatformOrder(
        order_id=platform.resource_id(order_id, field + "payment_intent"),
        email=email,
        name=platform.text(details.get("name")),
        profile=buyer,
        total_minor=platform.stripe_total(
            session.get("amount_total"), currency, field + "amount_total"
        ),
        currency=currency,
        refs=platform.clean_refs(
            (session.get("client_reference_id"), metadata.get(platform.REF_NAME))
        ),
        coupon_codes=(),
        other_total_minor=other_minor,
        other_currency=other_currency,
        customer_id=platform.customer_id(object_id(session.get("customer"))),
        # Before discounts, and total_details.amount_discount: what the session's codes took off.
        subtotal_minor=None
        if session.get("amount_subtotal") is None
        else platform.stripe_total(
            session.get("amount_subtotal"), currency, field + "amount_subtotal"
        ),
        discount_minor=None
        if details_total.get("amount_discount") is None
        else platform.stripe_total(
            details_total.get("amount_discount"),
            currency,
            field + "total_details.amount_discount",
        ),
    )


async def record_charge_refund(ctx: Context, message_id: str, charge: dict[str, Any]) -> Outcome:
    """amount_refunded is everything refunded so far, so it is the refund's key and is never added."""
    field = "data.object."
    payment_intent = object_id(charge.get("payment_intent"))
    if payment_intent is None:
        return Outcome("ignored", "no_payment_intent")
    currency = platform.currency_code(charge.get("currency"), field + "currency")
    amount = platform.minor_units(charge.get("amount"), field + "amount")
    refunded = platform.minor_units(charge.get("amount_refunded"), field + "amount_refunded")
    if refunded == 0:
        return Outcome("ignored", "nothing_refunded")
    if refunded >= amount or charge.get("refunded") is True:
        return await platform.record_refund(ctx, SOURCE, message_id, payment_intent)
    so_far = Decimal(refunded).scaleb(-money.stripe_exponent(currency))
    part = RefundPart(f"amount_refunded:{refunded}", so_far)
    return await platform.record_refund(
        ctx, SOURCE, message_id, payment_intent, (part,), currency, cumulative=True
    )


async def record_dispute(ctx: Context, message_id: str, dispute: dict[str, Any]) -> Outcome:
    """The disputed payment intent's order is charged back (kept until the order comes, if it
    comes later), so its rewards are revoked or clawed back."""
    status = platform.text(dispute.get("status")) or ""
    if status.startswith("warning_"):
        return Outcome("ignored", "dispute_inquiry")
    payment_intent = object_id(dispute.get("payment_intent"))
    if payment_intent is None:
        raise ApiError(
            422,
            "invalid_body",
            "data.object.payment_intent is required: a dispute is matched to its order by it.",
            "data.object.payment_intent",
        )
    return await ctx.store.record_refund(
        message_id, SOURCE, payment_intent, tokens.now_utc(), reason="chargeback"
    )


async def handle_stripe_event(ctx: Context, event: dict[str, Any]) -> Outcome:
    event_id = platform.text(event.get("id"))
    kind = event.get("type")
    if event_id is None or len(event_id) > 255:
        raise ApiError(422, "invalid_body", "The event's id must be a string.", "id")
    if not isinstance(kind, str):
        raise ApiError(422, "invalid_body", "The event's type must be a string.", "type")
    if kind not in (*PAID_SESSION_EVENTS, "charge.refunded", *DISPUTE_EVENTS):
        return Outcome("ignored", "unsupported_type")
    data = platform.section(event.get("data"), "data")
    resource = data.get("object")
    if not isinstance(resource, dict):
        raise ApiError(422, "invalid_body", "data.object must be a JSON object.", "data.object")
    if kind == "charge.refunded":
        return await record_charge_refund(ctx, event_id, resource)
    if kind in DISPUTE_EVENTS:
        return await record_dispute(ctx, event_id, resource)
    # A session paid by a delayed method (SEPA Direct Debit…) completes unpaid; its
    # async_payment_succeeded event brings the same session again, paid.
    if resource.get("payment_status") != "paid":
        return Outcome("ignored", "not_paid")
    return await platform.record_paid(ctx, SOURCE, event_id, parse_session(resource))


async def receive_stripe_webhook(request: Request) -> Response:
    ctx = context(request)
    setting = platform.require_secret(
        ctx.settings.stripe_webhook_secret, "Stripe", "SHAREBACK_STRIPE_WEBHOOK_SECRET"
    )
    body = await platform.read_platform_body(request, ctx)
    verify_signature(
        signing_secrets(setting), request.headers.get("stripe-signature"), body, time.time()
    )
    event = platform.parse_json_object(body)
    return platform.answer(await handle_stripe_event(ctx, event))


routes = [Route("/webhooks/stripe", receive_stripe_webhook, methods=["POST"])]
