"""The small branded HTML page a browser gets instead of an error document: no assets, no script."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from shareback import i18n
from shareback.i18n import N_


@dataclass(frozen=True)
class Text:
    lang: str
    title: str
    message: str
    # Where to go from here: (label, href) pairs shown under the message.
    links: tuple[tuple[str, str], ...] = ()


SERVER_ERROR = (
    N_("Something went wrong"),
    N_("That is on our side, not yours. Please try again in a few minutes."),
)

STYLE = (
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#16191d;background:#f4f5f7}"
    "main{max-width:32rem;margin:12vh auto;padding:0 1.25rem}"
    "h1,h2{margin:1.25rem 0 .25rem;font-size:1.35rem;line-height:1.3}"
    "p{margin:0;color:#59616c}"
    "nav{margin-top:.75rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem}"
    "a{color:#0a6b5c;font-weight:600}"
    "@media(prefers-color-scheme:dark){body{color:#f0f1f4;background:#16191d}p{color:#b8bec7}"
    "a{color:#5fd3bf}}"
)
# The page's own policy lets in exactly its one <style> element and nothing else, so it holds
# on every route, the dashboard's strict one included.
CSP = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    + "'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}
LOGO = (
    '<svg viewBox="0 0 32 32" width="36" height="36" aria-hidden="true" focusable="false">'
    '<rect width="32" height="32" rx="8" fill="#0a6b5c"/>'
    '<path d="M13.6 14.6l5-2.9M13.6 17.4l5 2.9" stroke="#fff" stroke-width="2.2" '
    'stroke-linecap="round"/><g fill="#fff"><circle cx="21.2" cy="10.2" r="3.4"/>'
    '<circle cx="10.6" cy="16" r="3.4"/><circle cx="21.2" cy="21.8" r="3.4"/></g></svg>'
)


def csp_for(extra_style: str, form_action: str = "'self'") -> str:
    """The policy of a page with STYLE plus its own extra style and a form posting back here."""
    digest = base64.b64encode(hashlib.sha256((STYLE + extra_style).encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; "
        f"form-action {form_action}; frame-ancestors 'none'"
    )


def document(lang: str, title: str, body: str, extra_style: str = "") -> str:
    """A whole page in the error pages' look: the logo, then body (HTML the caller escaped)."""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex"><link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{STYLE}{extra_style}</style></head>"
        f"<body><main>{LOGO}{body}</main></body></html>"
    )


def languages(accept_language: str) -> list[str]:
    """What a page for anyone speaks: Dutch and English (the visitor's first listed one first;
    Dutch shops first, so Dutch when the browser names neither), or a German or French visitor's
    own language with English after it."""
    own = i18n.accepted_locale(accept_language, i18n.PUBLIC_LOCALES)
    if own in ("de", "fr"):
        return [own, "en"]
    return ["en", "nl"] if own == "en" else ["nl", "en"]


def spoken(
    words: tuple[str, str],
    accept_language: str,
    links: Callable[[str], tuple[tuple[str, str], ...]] = lambda lang: (),
) -> list[Text]:
    """A (title, message) pair of catalogue messages in the visitor's languages, in order."""
    title, message = words
    return [
        Text(lang, i18n.translate(lang, title), i18n.translate(lang, message), links(lang))
        for lang in languages(accept_language)
    ]


def in_order(texts: Sequence[Text], accept_language: str) -> list[Text]:
    """The visitor's first listed language first; the others follow in their given order."""
    first = accept_language.split(",")[0].split(";")[0].strip().lower()
    return sorted(texts, key=lambda text: not first.startswith(text.lang))


def render(texts: Sequence[Text]) -> str:
    sections = "".join(
        f'<section lang="{t.lang}"><{tag}>{escape(t.title)}</{tag}><p>{escape(t.message)}</p>'
        f"{links(t.links)}</section>"
        for t, tag in zip(texts, ("h1", *["h2"] * (len(texts) - 1)), strict=True)
    )
    return document(texts[0].lang, " · ".join(t.title for t in texts), sections)


def links(pairs: Sequence[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    anchors = "".join(f'<a href="{escape(href)}">{escape(label)}</a>' for label, href in pairs)
    return f"<nav>{anchors}</nav>"
