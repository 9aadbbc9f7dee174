"""Store credit and referrers' coupons through the owner's API: the checkout looks a person's
balance up and spends it once per idempotency key; the owner uploads a pool of coupon codes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import codes, credit, emails, money, tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.documents import money_document
from shareback.api.owner.params import refuse_unknown
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.errors import ApiError
from shareback.storage.records import CreditBalance
from shareback.times import rfc3339

MAX_CODES = 10_000


def balance_document(email: str, balance: CreditBalance) -> dict[str, Any]:
    return {
        "email": email,
        "balance": money_document(balance.balance_minor, balance.currency),
        "entries": [
            {
                "id": entry.id,
                "kind": entry.kind,
                # Added by a reward, taken by a redemption: the kind says which way.
                "amount": money_document(abs(entry.amount_minor), balance.currency),
                "reward_id": entry.reward_id,
                "idempotency_key": entry.idempotency_key,
                "order_id": entry.order_ref,
                "created_at": rfc3339(entry.created_at),
            }
            for entry in balance.entries
        ],
    }


def parse_email(value: object) -> str:
    if not isinstance(value, str) or not emails.is_valid_email(value.strip()):
        raise ApiError(422, "invalid_email", "email must be a valid e-mail address.", "email")
    return value.strip()


def parse_currency(value: object, status: int = 422) -> str:
    try:
        return money.currency_code(value if value is not None else "EUR")
    except money.InvalidCurrency as exc:
        raise ApiError(status, "invalid_currency", f"currency: {exc}.", "currency") from None


async def show_balance(request: Request) -> Response:
    query = request.query_params
    refuse_unknown(query, frozenset({"email", "currency"}))
    email = query.get("email")
    if email is None or not emails.is_valid_email(email.strip()):
        raise ApiError(400, "invalid_email", "?email= must be a valid e-mail address.", "email")
    currency = parse_currency(query.get("currency"), 400)  # a query's fault is a 400
    balance = await context(request).store.credit_balance(emails.email_key(email), currency)
    return JSONResponse(balance_document(email.strip(), balance))


async def redeem_credit(request: Request) -> Response:
    body = await read_object(request)
    refuse_unknown_fields(body, ("email", "amount", "currency", "idempotency_key", "order_id"))
    email = parse_email(body.get("email"))
    currency = parse_currency(body.get("currency"))
    amount = body.get("amount")
    try:
        amount_minor = money.to_minor(str(amount), currency) if amount is not None else 0
    except money.InvalidAmount as exc:
        raise ApiError(422, "invalid_amount", f"amount: {exc}.", "amount") from None
    if isinstance(amount, bool) or amount_minor <= 0:
        raise ApiError(
            422, "invalid_amount", 'amount must be a positive decimal such as "5.00".', "amount"
        )
    key = body.get("idempotency_key")
    if not isinstance(key, str) or not key.strip() or len(key) > credit.MAX_KEY:
        raise ApiError(
            422,
            "invalid_idempotency_key",
            f"idempotency_key must be a string of 1 to {credit.MAX_KEY} characters: the same "
            "key for a retry of the same spend.",
            "idempotency_key",
        )
    order_id = body.get("order_id")
    if order_id is not None and (not isinstance(order_id, str) or len(order_id) > 128):
        raise ApiError(422, "invalid_order_id", "order_id must be a string.", "order_id")
    result = await context(request).store.redeem_credit(
        emails.email_key(email),
        currency,
        amount_minor,
        f"api:{key.strip()}",
        order_id,
        actor(request).name,
        tokens.now_utc(),
    )
    if result.status == "insufficient":
        raise ApiError(
            409,
            "insufficient_credit",
            f"The balance is {money.from_minor(result.balance_minor, currency)} {currency}: "
            "nothing was spent.",
            "amount",
        )
    document = {
        "status": result.status,
        "amount": money_document(result.amount_minor, currency),
        "balance": money_document(result.balance_minor, currency),
        "entry_id": result.entry_id,
    }
    return JSONResponse(document, status_code=201 if result.status == "redeemed" else 200)


async def upload_reward_codes(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request)  # the body first: a bad one is a 400 whatever the path
    refuse_unknown_fields(body, ("codes",))
    campaign = await ctx.store.campaign(request.path_params["slug"])
    if campaign is None:
        raise ApiError(404, "unknown_campaign", "There is no such campaign.")
    raw = body.get("codes")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_CODES:
        raise ApiError(
            422, "invalid_codes", f"codes must be a list of 1 to {MAX_CODES} codes.", "codes"
        )
    found = [codes.normalize_coupon(c) if isinstance(c, str) else None for c in raw]
    bad = [str(n + 1) for n, code in enumerate(found) if code is None]
    if bad:
        raise ApiError(
            422,
            "invalid_codes",
            "Codes are 3 to 64 letters, digits, dashes and underscores; not item "
            + ", ".join(bad[:10]),
            "codes",
        )
    upload = await ctx.store.add_reward_codes(
        campaign.id, [c for c in found if c is not None], tokens.now_utc()
    )
    return JSONResponse(
        {
            "campaign": campaign.slug,
            "added": upload.added,
            "duplicates": upload.duplicates,
            "conflicts": upload.conflicts,
            "remaining": upload.remaining,
        }
    )


routes = [
    Route("/api/v1/credit", show_balance, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/credit/redemptions", redeem_credit, methods=["POST"], middleware=GUARDED),
    Route(
        "/api/v1/campaigns/{slug}/reward-code-pool",
        upload_reward_codes,
        methods=["POST"],
        middleware=GUARDED,
    ),
]
