"""POST /admin/login/code: the sign-in's second step, a code from the authenticator app (each
accepted once) or one of the recovery codes (each good once), counted like a password attempt."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import tokens
from shareback.admin import challenge, csrf, language
from shareback.admin.auth import (
    admit_attempt,
    finish_sign_in,
    form_is_ours,
    login_form,
    too_many_attempts,
)
from shareback.admin.sessions import safe_next
from shareback.auth import two_factor
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.storage.records import AdminUser


async def code_is_right(request: Request, user: AdminUser, code: str) -> bool:
    store = context(request).store
    now = tokens.now_utc()
    if two_factor.looks_like_totp(code):
        state = await store.two_factor_state(user.id)
        if state is None or state.secret is None:
            return False
        step = two_factor.matching_step(state.secret, code, now)
        return step is not None and await store.use_totp_step(user.id, step)
    if two_factor.looks_like_recovery_code(code):
        return await store.use_recovery_code(user.id, two_factor.recovery_code_hash(code), now)
    return False


def start_again(request: Request, next_url: str, status_code: int) -> Response:
    response = login_form(
        request,
        next_url=next_url,
        error=_("Your sign-in took too long or was started elsewhere. Please sign in again."),
        status_code=status_code,
    )
    challenge.forget(request, response)
    return response


async def check_sign_in_code(request: Request) -> Response:
    form = await csrf.read_form(request)
    next_url = safe_next(str(form.get("next") or ""))
    if not form_is_ours(request, form):
        return start_again(request, next_url, 403)
    waiting = challenge.pending(request)
    user = None
    if waiting is not None:
        user = await context(request).store.admin_user_by_id(waiting.user_id)
    if waiting is None or user is None or not user.two_factor:
        return start_again(request, next_url, 400)
    if challenge.fingerprint(user) != waiting.fingerprint:
        return start_again(request, next_url, 400)
    if not await admit_attempt(request, user.email):
        response = too_many_attempts(request, user.email, next_url)
        challenge.forget(request, response)
        return response
    code = two_factor.normalised_code(str(form.get("code") or ""))
    if not await code_is_right(request, user, code):
        return challenge.code_form(
            request,
            next_url=next_url,
            error=_(
                "That code is not right, or it was used already. Wait for the next code "
                "from your app, or use one of your recovery codes."
            ),
            status_code=401,
        )
    return await finish_sign_in(request, user, next_url)


routes = [Route("/admin/login/code", language.spoken(check_sign_in_code), methods=["POST"])]
