"""What an absolute web address must be: the one check behind landing URLs, outgoing webhook
endpoints and reward validation callbacks. Pure: a string in, what is wrong with it (or None)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

MAX_LENGTH = 2000
Problem = Literal["malformed", "credentials", "fragment"]


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


def endpoint_problem(value: str) -> Problem | None:
    """An address Shareback sends requests to: an event endpoint or a validation callback."""
    return url_problem(value)


def url_message(problem: Problem, example: str) -> str:
    """The one wording of each problem, shown beside a dashboard field and in API errors alike."""
    if problem == "credentials":
        return "Leave out the user name and password."
    if problem == "fragment":
        return f"Leave out the #fragment: we send requests to this address, such as {example}."
    return f"Enter a full address that starts with https://, such as {example}."


def origin_of(url: str) -> str:
    """scheme://host[:port] of an address: what a browser sends as Origin from that page."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
