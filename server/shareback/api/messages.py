"""The widget-facing endpoints' error messages in the shopper's language.

The widget shows an error's `message` as it is, so the endpoints it calls (the advocate
sign-up, the widget's configuration, the checkout's referrer look-up) answer it in the
request's language: the body's `lang` when the handler has read it (`request.state.lang`),
else the `lang` query parameter, else the browser's Accept-Language, else English. The machine-readable `code` and `field`
never change; English messages are the ones the handlers raise.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from shareback import wording
from shareback.errors import ApiError
from shareback.i18n import DEFAULT_LOCALE, N_, translate

Handler = Callable[[Request], Awaitable[Response]]

# The shopper's wording, by error code, translated through the public catalogue. `{n}` is the
# limit the English message names (3 characters, 100 characters, 262144 bytes), so each limit
# keeps one source: the code that checks it.
MESSAGES = {
    "invalid_email": N_("That is not a valid e-mail address."),
    "missing_email": N_("Please enter your e-mail address."),
    "invalid_user_hash": N_("We could not confirm your e-mail address. Please try again."),
    "rate_limited": N_("Too many attempts from this connection. Please try again in a minute."),
    "unknown_campaign": N_("This offer does not exist or has ended."),
    "origin_not_allowed": N_("This offer is not available on this website."),
    "query_too_short": N_("Type at least {n} characters: a name or a code."),
    "invalid_query": N_("Type at most {n} characters, without special characters."),
    "invalid_ref": N_("This invitation link is not valid."),
    "expired_ref": N_("This invitation link has expired."),
    "own_link": N_("This is your own link: share it with your friends."),
    "no_friend_code": N_(
        "With this offer the discount comes with the link: there is no code to send."
    ),
    "body_too_large": N_("The request is larger than {n} bytes."),
    "malformed_json": N_("The request is not valid JSON."),
    "invalid_body": N_("The request must be a JSON object."),
    "unsupported_media_type": N_("Send the request as application/json."),
    "not_an_advocate": N_("You have no personal link here yet."),
    "not_signed_in": N_("Open the link from your e-mail again to see your rewards."),
}

# How a field is named in a sentence, for missing_<field> and invalid_<field>.
FIELDS = {
    "name": N_("Your name"),
    "campaign": N_("The offer"),
    "lang": N_("The language"),
    "user_hash": N_("The user_hash"),
}
MISSING = N_("{field} is missing.")
TOO_LONG = N_("{field} is too long: at most {n} characters.")
NOT_TEXT = N_("{field} must be text.")


def translated(error: ApiError, lang: str) -> str | None:
    number = re.search(r"\d+", error.message)
    n = number.group() if number else ""
    if error.code in MESSAGES:
        return translate(lang, MESSAGES[error.code]).format(n=n)
    kind, _, field = error.code.partition("_")
    label = FIELDS.get(field)
    if label is None or kind not in ("missing", "invalid"):
        return None
    named = translate(lang, label)
    if kind == "missing":
        return translate(lang, MISSING).format(field=named)
    # optional_str's two complaints: "'name' is longer than 100 characters." or not a string.
    return translate(lang, TOO_LONG if n else NOT_TEXT).format(field=named, n=n)


def localise(error: ApiError, lang: str) -> ApiError:
    """The same error with its message in `lang`; English and unknown codes stay as raised."""
    if lang != DEFAULT_LOCALE:
        error.message = translated(error, lang) or error.message
    return error


def localised(handler: Handler) -> Handler:
    """Wraps a widget-facing endpoint so that its ApiErrors speak the request's language."""

    @functools.wraps(handler)  # the metrics name endpoints after their handler
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            lang = getattr(request.state, "lang", None) or request.query_params.get("lang")
            localise(error, wording.shopper_lang(lang, request.headers))
            raise

    return endpoint


def remember_lang(request: Request, body: dict[str, object]) -> None:
    """Keeps the body's `lang` for the error messages, before anything else can fail."""
    lang = body.get("lang")
    if isinstance(lang, str):
        request.state.lang = lang
