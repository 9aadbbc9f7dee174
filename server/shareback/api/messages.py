"""The widget-facing endpoints' error messages in the shopper's language.

The widget shows an error's `message` as it is, so the endpoints it calls (the advocate
sign-up, the widget's configuration, the checkout's referrer look-up) answer it in the
request's language: the body's `lang` when the handler has read it (`request.state.lang`),
else the `lang` query parameter, else English. The machine-readable `code` and `field`
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

Handler = Callable[[Request], Awaitable[Response]]

# Dutch, by error code. `{n}` is the limit the English message names (3 characters, 100
# characters, 262144 bytes), so each limit keeps one source: the code that checks it.
NL = {
    "invalid_email": "Dat is geen geldig e-mailadres.",
    "missing_email": "Vul je e-mailadres in.",
    "invalid_user_hash": "We konden je e-mailadres niet bevestigen. Probeer het opnieuw.",
    "rate_limited": "Te veel pogingen vanaf deze verbinding. Probeer het over een minuut opnieuw.",
    "unknown_campaign": "Deze actie bestaat niet of is afgelopen.",
    "origin_not_allowed": "Deze actie is niet beschikbaar op deze website.",
    "query_too_short": "Typ minstens {n} tekens: een naam of een code.",
    "invalid_query": "Typ hoogstens {n} tekens, zonder speciale tekens.",
    "invalid_ref": "Deze uitnodigingslink is niet geldig.",
    "expired_ref": "Deze uitnodigingslink is verlopen.",
    "own_link": "Dit is je eigen link: deel hem met je vrienden.",
    "no_friend_code": "Bij deze actie krijg je de korting via de link: er is geen code om te sturen.",
    "body_too_large": "Het verzoek is groter dan {n} bytes.",
    "malformed_json": "Het verzoek is geen geldige JSON.",
    "invalid_body": "Het verzoek moet een JSON-object zijn.",
    "unsupported_media_type": "Stuur het verzoek als application/json.",
    "not_an_advocate": "Je hebt hier nog geen persoonlijke link.",
    "not_signed_in": "Open de link uit je e-mail opnieuw om je beloningen te zien.",
}

# How a field is named in a Dutch sentence, for missing_<field> and invalid_<field>.
FIELDS_NL = {
    "name": "Je naam",
    "campaign": "De actie",
    "lang": "De taal",
    "user_hash": "De user_hash",
}


def dutch(error: ApiError) -> str | None:
    number = re.search(r"\d+", error.message)
    n = number.group() if number else ""
    if error.code in NL:
        return NL[error.code].format(n=n)
    kind, _, field = error.code.partition("_")
    label = FIELDS_NL.get(field)
    if label is None or kind not in ("missing", "invalid"):
        return None
    if kind == "missing":
        return f"{label} ontbreekt."
    # optional_str's two complaints: "'name' is longer than 100 characters." or not a string.
    return f"{label} is te lang: hoogstens {n} tekens." if n else f"{label} moet tekst zijn."


def localise(error: ApiError, lang: str) -> ApiError:
    """The same error with its message in `lang` (nl or en); unknown codes stay English."""
    if lang == "nl":
        error.message = dutch(error) or error.message
    return error


def localised(handler: Handler) -> Handler:
    """Wraps a widget-facing endpoint so that its ApiErrors speak the request's language."""

    @functools.wraps(handler)  # the metrics name endpoints after their handler
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            lang = getattr(request.state, "lang", None) or request.query_params.get("lang")
            localise(error, wording.pick_lang(lang))
            raise

    return endpoint


def remember_lang(request: Request, body: dict[str, object]) -> None:
    """Keeps the body's `lang` for the error messages, before anything else can fail."""
    lang = body.get("lang")
    if isinstance(lang, str):
        request.state.lang = lang
