"""GET and POST /mail/unsubscribe?t=…: the one-click unsubscribe of RFC 8058. A mail client's
POST (or the confirm page's button) adds the address to the suppression list; a GET only asks,
so a link scanner following every URL in a message never unsubscribes anyone."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from shareback import error_page, tokens
from shareback.context import context
from shareback.error_page import spoken
from shareback.i18n import N_, translate
from shareback.mail.unsubscribe import verify_token

BUTTON_STYLE = (
    "button{margin-top:1.25rem;padding:.6rem 1.1rem;font:inherit;color:#fff;background:#0a6b5c;"
    "border:0;border-radius:6px;cursor:pointer}"
)
CSP = error_page.csp_for(BUTTON_STYLE)
ASK = (
    N_("Unsubscribe?"),
    N_("You will get no more e-mails from this referral programme."),
)
DONE = (N_("You are unsubscribed"), N_("You will get no more e-mails from this programme."))
INVALID = (N_("This unsubscribe link is not valid"), N_("Use the whole link from the e-mail."))
BUTTON = N_("Unsubscribe")


def _page(request: Request, words: tuple[str, str], status: int, form: str = "") -> Response:
    ordered = spoken(words, request.headers.get("accept-language", ""))
    sections = "".join(
        f'<section lang="{t.lang}"><h1>{escape(t.title)}</h1><p>{escape(t.message)}</p></section>'
        for t in ordered
    )
    body = error_page.document(ordered[0].lang, ordered[0].title, sections + form, BUTTON_STYLE)
    headers = {**error_page.HEADERS, "Content-Security-Policy": CSP}
    return HTMLResponse(body, status_code=status, headers=headers)


def _address_hash(request: Request) -> str | None:
    token = request.query_params.get("t", "")
    return verify_token(context(request).secrets.secret_key, token[:200])


async def ask_to_unsubscribe(request: Request) -> Response:
    if _address_hash(request) is None:
        return _page(request, INVALID, 400)
    action = escape(f"/mail/unsubscribe?t={request.query_params['t']}")
    langs = error_page.languages(request.headers.get("accept-language", ""))
    # The shopper's own language before English, whichever the browser listed first.
    button = " · ".join(
        translate(lang, BUTTON) for lang in sorted(langs, key=lambda one: one == "en")
    )
    form = (
        f'<form method="post" action="{action}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{escape(button)}</button></form>'
    )
    return _page(request, ASK, 200, form)


async def unsubscribe(request: Request) -> Response:
    hashed = _address_hash(request)
    if hashed is None:
        return _page(request, INVALID, 400)
    await context(request).store.suppress_address(hashed, "unsubscribed", tokens.now_utc())
    return _page(request, DONE, 200)


routes = [
    Route("/mail/unsubscribe", ask_to_unsubscribe, methods=["GET"]),
    Route("/mail/unsubscribe", unsubscribe, methods=["POST"]),
]
