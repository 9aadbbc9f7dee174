"""GET /api/v1/gdpr/export?email= and POST /api/v1/gdpr/delete: a person's data requests, as
`shareback gdpr export|delete` answers them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import emails, gdpr, tokens
from shareback.api.owner.bodies import refuse_unknown_fields
from shareback.api.owner.params import refuse_unknown
from shareback.auth.guard import GUARDED
from shareback.context import context
from shareback.errors import ApiError, read_json, require_object, required_str


def person_address(value: str | None) -> str:
    address = (value or "").strip()
    if not address:
        raise ApiError(400, "missing_email", "'email' is required.", "email")
    if not emails.is_valid_email(address):
        raise ApiError(400, "invalid_email", "That is not a valid e-mail address.", "email")
    return address


async def export_person(request: Request) -> Response:
    query = dict(request.query_params)
    refuse_unknown(query, {"email"})
    address = person_address(query.get("email"))
    sections = await context(request).store.person_data(emails.email_key(address))
    return JSONResponse(gdpr.export_document(address, sections))


async def erase_person(request: Request) -> Response:
    ctx = context(request)
    body = require_object(await read_json(request, ctx.settings.max_body_bytes))
    refuse_unknown_fields(body, ("email",))
    address = required_str(body, "email", 254)
    if not emails.is_valid_email(address):
        raise ApiError(422, "invalid_email", "That is not a valid e-mail address.", "email")
    erased = await ctx.store.erase_person(emails.email_key(address), tokens.now_utc())
    return JSONResponse({"email": address, "erased": erased})


routes = [
    Route("/api/v1/gdpr/export", export_person, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/gdpr/delete", erase_person, methods=["POST"], middleware=GUARDED),
]
