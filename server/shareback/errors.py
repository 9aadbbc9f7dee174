"""One JSON error shape everywhere, and HTML pages for people who follow links."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Match, Route

from shareback import error_page, numbers
from shareback.storage.database import InvalidText

log = logging.getLogger("shareback")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


class ApiError(Exception):
    """Raised anywhere in a handler; becomes {"error": {"code", "message", "field"}} with its status."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    # A message may quote what was sent (an unknown parameter's name): a NUL in it is shown as
    # its escape, so that no answer carries text the document says no string holds.
    error: dict[str, Any] = {"code": code, "message": message.replace("\x00", "\\u0000")}
    if field is not None:
        error["field"] = field.replace("\x00", "\\u0000")
    return {"error": error}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=status, headers=headers)


def wants_html(request: Request) -> bool:
    """A person's browser gets a page: the referral link always, other pages when asked for HTML;
    the JSON API and the webhooks always answer in the error shape."""
    path = request.url.path
    if path.startswith("/r/"):
        return True
    if path.startswith(("/api/", "/webhooks/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def html_page(request: Request, status: int, texts: Sequence[error_page.Text]) -> HTMLResponse:
    ordered = error_page.in_order(texts, request.headers.get("accept-language", ""))
    return HTMLResponse(error_page.render(ordered), status_code=status, headers=error_page.HEADERS)


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    response = error_response(exc.status, exc.code, exc.message, exc.field)
    extra = getattr(request.state, "cors_headers", None)
    if extra:
        response.headers.update(extra)
    return response


def allowed_methods(request: Request) -> str:
    """Every method some route of this path takes: Starlette's Allow names only the first route
    whose path matched, and a path often has two (the owner's GET beside the widget's POST)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= route.methods
    return ", ".join(sorted(methods))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
    if wants_html(request):
        title = HTTPStatus(exc.status_code).phrase
        page = html_page(request, exc.status_code, [error_page.Text("en", title, str(exc.detail))])
        page.headers.update(exc.headers or {})
        return page
    code = HTTP_CODES.get(exc.status_code, "error")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def invalid_text(request: Request, exc: Exception) -> Response:
    """Text the storage refused (a NUL character): the client's mistake, nothing was written."""
    return await api_error(request, ApiError(400, "invalid_text", str(exc)))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_html(request):
        accept = request.headers.get("accept-language", "")
        return html_page(request, 500, error_page.spoken(error_page.SERVER_ERROR, accept))
    response = error_response(
        500, "internal_error", "Something went wrong on our side; it has been logged."
    )
    # The widget can read the error only when the answer carries its CORS headers.
    response.headers.update(getattr(request.state, "cors_headers", None) or {})
    return response


# nginx's "client closed request": nobody reads the answer, and it is not the server's fault.
CLIENT_CLOSED_REQUEST = 499


async def client_gone(request: Request, exc: Exception) -> Response:
    """A client that hangs up mid-upload is not an error of ours: no traceback, no 500 counted."""
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED_REQUEST)


EXCEPTION_HANDLERS = {
    ApiError: api_error,
    HTTPException: http_error,
    InvalidText: invalid_text,
    ClientDisconnect: client_gone,
    Exception: server_error,
}


async def read_json(
    request: Request,
    limit: int,
    *,
    allow_text_plain: bool = False,
    fields: Collection[str] | None = None,
) -> Any:
    """The body as JSON, refusing oversized, non-JSON and malformed bodies with clear errors,
    and text that cannot be stored (in `fields` only, where other fields pass unread)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    accepted = {"application/json", ""} | ({"text/plain"} if allow_text_plain else set())
    if content_type not in accepted and not content_type.endswith("+json"):
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    value = parse_json(await read_body(request, limit))
    refuse_nul(value, fields)
    return value


# Python refuses to turn more than 4,300 digits into an int (a ValueError, not a JSON error); no
# id, count or amount needs more than a few dozen, so a longer number is malformed input.
MAX_NUMBER_CHARS = 100


class _Refused(Exception):
    """Raised from inside json.loads by the number hooks; turned into a 400 by parse_json."""


def _bounded(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise _Refused(f"A number in the body is longer than {MAX_NUMBER_CHARS} characters.")
        return convert(text)

    return parse


def _refuse_lone_surrogates(value: Any) -> None:
    """JSON's \\ud800 escapes decode to a str no UTF-8 encoder or database accepts."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise _Refused(
                    "A string in the body holds a lone UTF-16 surrogate (such as \\ud800)."
                ) from exc


def refuse_nul(value: Any, fields: Collection[str] | None = None) -> None:
    """A NUL (\\u0000) is text no PostgreSQL column keeps, and /openapi.json says no value of
    the API holds one: refused in any value of the body (in `fields` only, for bodies whose
    document lets other fields through unread), as 422 naming its top-level field, else 400.
    A field's name is never stored; the platforms' webhooks are not checked (a NUL in a field
    never stored must not lose an order; storage.database.InvalidText refuses one it would)."""
    if isinstance(value, dict):
        pending = [(inner, key) for key, inner in value.items() if fields is None or key in fields]
    else:
        pending = [(value, None)]
    while pending:
        item, field = pending.pop()
        if isinstance(item, dict):
            pending.extend((inner, field) for inner in item.values())
        elif isinstance(item, list):
            pending.extend((inner, field) for inner in item)
        elif isinstance(item, str) and "\x00" in item:
            raise ApiError(
                422 if field is not None else 400,
                "invalid_text",
                "A string in the body holds a NUL character (\\u0000), which cannot be stored.",
                field,
            )


def parse_json(body: bytes, *, parse_float: Callable[[str], Any] = float) -> Any:
    """JSON or a clear 400: malformed text, nesting deep enough to exhaust the parser, numbers too
    long to convert and strings that are not Unicode text are all the sender's mistake."""
    try:
        value = json.loads(body, parse_int=_bounded(int), parse_float=_bounded(parse_float))
        _refuse_lone_surrogates(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise ApiError(400, "malformed_json", "The body's JSON is nested too deeply.") from exc
    except _Refused as exc:
        raise ApiError(400, "malformed_json", str(exc)) from exc
    return value


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if numbers.declared_over(declared, limit):
        raise ApiError(413, "body_too_large", f"The body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "body_too_large", f"The body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def require_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    return value


def optional_str(body: dict[str, Any], name: str, max_length: int = 200) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, f"invalid_{name}", f"'{name}' must be a string.", name)
    value = value.strip()
    if len(value) > max_length:
        raise ApiError(
            422, f"invalid_{name}", f"'{name}' is longer than {max_length} characters.", name
        )
    return value or None


def required_str(body: dict[str, Any], name: str, max_length: int = 200) -> str:
    value = optional_str(body, name, max_length)
    if value is None:
        raise ApiError(422, f"missing_{name}", f"'{name}' is required.", name)
    return value
