"""Small builders for the OpenAPI 3.1 document: JSON Schema pieces, responses and operations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
COUNT: Schema = {"type": "integer", "minimum": 0}
ID: Schema = {"type": "integer", "minimum": 1}
BOOLEAN: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time"}
DATE: Schema = {"type": "string", "format": "date"}
URL: Schema = {"type": "string", "format": "uri"}
EMAIL: Schema = {"type": "string", "format": "email"}
# Holds a character that Python's str.strip() keeps: what the app calls "not blank".
NOT_BLANK = "[^\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
# Text the database can keep: PostgreSQL refuses a NUL character, so the API answers it with
# 400 invalid_text; the document says so on every free-text string (without_nul).
NO_NUL = "^[^\\x00]*$"
NOT_BLANK_NO_NUL = "^[^\\x00]*" + NOT_BLANK.replace("[^", "[^\\x00", 1) + "[^\\x00]*$"
# Years the owner API reads in dates and times (params.MIN_YEAR..MAX_YEAR), as a pattern.
YEAR_1970_TO_9998 = "^(19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])-"
JSON = "application/json"
ERROR_RESPONSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "Unprocessable",
    429: "TooManyRequests",
}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if isinstance(schema.get("type"), str) and "enum" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values: Iterable[str], **extra: Any) -> Schema:
    return {"type": "string", "enum": list(values), **extra}


def array(items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": items, **extra}


def obj(
    properties: dict[str, Schema],
    *,
    optional: Iterable[str] = (),
    description: str | None = None,
    closed: bool = True,
) -> Schema:
    """An object whose properties are all required unless named optional; closed objects list
    every property, so the tests catch a field the document forgot."""
    left_out = set(optional)
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in left_out],
    }
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def page_of(item: str) -> Schema:
    return obj(
        {
            "data": array(ref(item)),
            "next_cursor": nullable(
                {"type": "string", "description": "Pass as ?cursor= for the next page."}
            ),
        },
        description="One page, newest first. next_cursor is null on the last page.",
    )


def content(schema: Schema, media_type: str = JSON) -> dict[str, Any]:
    return {media_type: {"schema": schema}}


def response(
    description: str,
    schema: Schema | None = None,
    *,
    media_type: str = JSON,
    headers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = content(schema, media_type)
    if headers:
        answer["headers"] = headers
    return answer


def header(description: str, schema: Schema = STRING) -> dict[str, Any]:
    return {"description": description, "schema": schema}


def param(
    name: str, where: str, schema: Schema, description: str, *, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


def body(schema: Schema, description: str | None = None, *, required: bool = True) -> Any:
    request: dict[str, Any] = {"required": required, "content": content(schema)}
    if description:
        request["description"] = description
    return request


def operation(
    operation_id: str,
    summary: str,
    tag: str,
    responses: dict[int | str, Any],
    *,
    errors: Iterable[int] = (),
    parameters: Iterable[dict[str, Any]] = (),
    request_body: dict[str, Any] | None = None,
    secured: bool = True,
    description: str | None = None,
) -> dict[str, Any]:
    """errors name the 4xx statuses the operation can answer; secured ones can always say 401."""
    answers = {str(status): answer for status, answer in responses.items()}
    for status in sorted({*errors, *((401,) if secured else ())}):
        answers[str(status)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status]}"}
    op: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "security": [{"bearerAuth": []}] if secured else [],
        "responses": answers,
    }
    if description:
        op["description"] = description
    params = list(parameters)
    if params:
        op["parameters"] = params
    if request_body is not None:
        op["requestBody"] = request_body
    return op


WRITES = frozenset({"post", "put", "patch", "delete"})


def with_key_answers(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What the Bearer guard can answer on every secured operation: 429 after too many wrong
    keys from one network, and on writes 403 insufficient_scope for a read-only key."""
    for item in paths.values():
        for method, op in item.items():
            if not isinstance(op, dict) or not op.get("security"):
                continue
            answers = op["responses"]
            extra = [429, 403] if method in WRITES else [429]
            for status in extra:
                answers.setdefault(
                    str(status), {"$ref": f"#/components/responses/{ERROR_RESPONSES[status]}"}
                )
            op["responses"] = dict(sorted(answers.items()))
    return paths


def error_responses() -> dict[str, Any]:
    meanings = {
        400: "The request is malformed: bad JSON, a bad query parameter or cursor.",
        401: "No API key, or one that is unknown or revoked (or a bad webhook signature).",
        403: "Not allowed: an origin no campaign allows, or a write with a read-only API key "
        "(error code insufficient_scope).",
        404: "There is no such thing.",
        409: "The request conflicts with the current state (a taken slug, a decided reward).",
        413: "The body is too large.",
        415: "The body is not application/json.",
        422: "A field is missing or invalid; error.field names it.",
        429: "Too many requests from this address, or too many unknown API keys from it "
        "(rate_limited); Retry-After says when to try again.",
    }
    answers: dict[str, Any] = {}
    for status, name in ERROR_RESPONSES.items():
        answers[name] = response(meanings[status], ref("Error"))
    answers["Forbidden"]["headers"] = {
        "WWW-Authenticate": header(
            'With a read-only key: Bearer realm="shareback", error="insufficient_scope", '
            'scope="full"'
        )
    }
    answers["TooManyRequests"]["headers"] = {
        "Retry-After": header("Seconds to wait before trying again.", INTEGER)
    }
    answers["Unauthorized"]["headers"] = {
        "WWW-Authenticate": header(
            'Bearer realm="shareback" (with error="invalid_token" for a bad key)'
        )
    }
    return answers


def without_nul(document: Schema) -> Schema:
    """The document with every free-text string schema saying it holds no NUL character: one
    without a pattern, enum or format gets NO_NUL, "not blank" becomes NOT_BLANK_NO_NUL."""
    found: Schema = _without_nul(document)
    return found


def _without_nul(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_nul(item) for item in node]
    if not isinstance(node, dict):
        return node
    found = {key: _without_nul(value) for key, value in node.items()}
    kind = found.get("type")
    if kind == "string" or (isinstance(kind, list) and "string" in kind):
        if found.get("pattern") == NOT_BLANK:
            found["pattern"] = NOT_BLANK_NO_NUL
        elif not {"pattern", "enum", "const", "format"} & found.keys():
            found["pattern"] = NO_NUL
    return found
