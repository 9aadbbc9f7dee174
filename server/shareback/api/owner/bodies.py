"""Request bodies of the owner's API: one JSON object, refused clearly when it is anything else."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from shareback.context import context
from shareback.errors import ApiError, parse_json, read_body, refuse_nul


async def read_object(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """The JSON object posted ({} for an empty body when allowed: approving needs no body)."""
    body = await read_body(request, context(request).settings.max_body_bytes)
    if allow_empty and not body.strip():
        return {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    value = parse_json(body)
    if not isinstance(value, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    refuse_nul(value)
    return value


def refuse_unknown_fields(body: dict[str, Any], known: tuple[str, ...]) -> None:
    """A misspelt field silently ignored would change less than the caller thinks."""
    for name in body:
        if name not in known:
            raise ApiError(
                422,
                "unknown_field",
                f"Unknown field '{name}'; this takes {', '.join(known)}.",
                name,
            )
