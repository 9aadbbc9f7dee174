"""What an absolute web address must be: the one check behind landing URLs, outgoing webhook
endpoints and reward validation callbacks. Pure: a string in, what is wrong with it (or None)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from shareback.i18n import gettext as _

MAX_LENGTH = 2000
Problem = Literal["malformed", "credentials", "fragment", "insecure"]


def url_problem(value: str, *, fragment_allowed: bool = False) -> Problem | None:
    """http(s), a host, a port in range, no user name or password; a fragment only where a browser
    follows the address (a landing page), never where we POST to it."""
    if len(value) > MAX_LENGTH or not value.isprintable() or " " in value:
        return "malformed"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return "malformed"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "malformed"
    if parts.username is not None or parts.password is not None:
        return "credentials"
    if "#" in value and not fragment_allowed:
        return "fragment"
    return None


def endpoint_problem(value: str, *, allow_http: bool = False) -> Problem | None:
    """An address Shareback sends requests to: an event endpoint or a validation callback.

    https only: what we send carries shoppers' e-mail addresses and names. Plain http:// only when
    the owner explicitly allows it (SHAREBACK_ALLOW_HTTP_ENDPOINTS=1, for local testing)."""
    problem = url_problem(value)
    if problem is None and not allow_http and urlsplit(value).scheme != "https":
        return "insecure"
    return problem


def url_message(problem: Problem, example: str) -> str:
    """The one wording of each problem, shown beside a dashboard field and in API errors alike."""
    if problem == "credentials":
        return _("Leave out the user name and password.")
    if problem == "insecure":
        return _(
            "Use https://, such as %(example)s: what we send carries shoppers' personal data. "
            "(Plain http:// only with SHAREBACK_ALLOW_HTTP_ENDPOINTS=1, for local testing.)"
        ) % {"example": example}
    if problem == "fragment":
        return _(
            "Leave out the #fragment: we send requests to this address, such as %(example)s."
        ) % {"example": example}
    return _("Enter a full address that starts with https://, such as %(example)s.") % {
        "example": example
    }


def origin_of(url: str) -> str:
    """scheme://host[:port] of an address: what a browser sends as Origin from that page."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
