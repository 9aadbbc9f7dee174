"""The sign-in between its two steps: the password was right, the second factor is still to come.
A short-lived signed cookie names the user (and goes stale when their password or two-factor
set-up changes); the code form carries the login form's double-submit token."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from starlette.requests import Request
from starlette.responses import Response

from shareback.admin import csrf
from shareback.admin.render import render
from shareback.admin.sessions import safe_next, secure_cookies
from shareback.context import context
from shareback.storage.records import AdminUser

COOKIE = "shareback_login_2fa"
PATH = "/admin/login"
MAX_AGE = 300  # five minutes to find the phone and type the code


@dataclass(frozen=True)
class Pending:
    user_id: int
    fingerprint: str


def fingerprint(user: AdminUser) -> str:
    """Changes with the password (and so with `shareback admin password`): an old pending
    sign-in cannot be finished after it."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:32]


def _signer(request: Request) -> TimestampSigner:
    return TimestampSigner(
        context(request).secrets.secret_key, salt="shareback.sign-in", digest_method=hashlib.sha256
    )


def issue(request: Request, user: AdminUser) -> str:
    return _signer(request).sign(f"{user.id}.{fingerprint(user)}").decode()


def pending(request: Request) -> Pending | None:
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 200:
        return None
    try:
        value = _signer(request).unsign(token, max_age=MAX_AGE).decode()
    except (BadSignature, SignatureExpired, UnicodeError):
        return None
    user_id, _, print_ = value.partition(".")
    if not user_id.isdigit() or not print_:
        return None
    return Pending(int(user_id), print_)


def code_form(
    request: Request,
    *,
    next_url: str,
    token: str | None = None,
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The second step's form; `token` is a new pending sign-in to set (after the password)."""
    login_token = csrf.new_token()
    response = render(
        request,
        "login_code.html",
        {"session": None, "csrf_token": login_token, "error": error, "next": safe_next(next_url)},
        status_code=status_code,
        headers=headers,
    )
    secure = secure_cookies(request)
    response.set_cookie(
        csrf.LOGIN_COOKIE,
        login_token,
        max_age=3600,
        path=PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    if token is not None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=MAX_AGE,
            path=PATH,
            secure=secure,
            httponly=True,
            samesite="strict",
        )
    return response


def forget(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH, secure=secure_cookies(request), httponly=True)
