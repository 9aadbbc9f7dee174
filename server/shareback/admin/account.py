"""/admin/account: the signed-in user's own settings: the dashboard's language, their role, and
two-factor sign-in (set up with a QR code, confirmed with a first code, recovery codes shown once,
turned off with a code)."""

from __future__ import annotations

import base64
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import tokens
from shareback.admin import language
from shareback.admin.render import redirect, render
from shareback.admin.second_factor import code_is_right
from shareback.admin.sessions import action_for, page_for
from shareback.auth import two_factor
from shareback.auth.roles import DESCRIPTIONS, Permission, parse_role
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.qr import draw_qr
from shareback.storage.records import AdminSession


def qr_image(uri: str) -> str:
    """A data: URL (the dashboard's CSP allows images from data:, not inline styles)."""
    return "data:image/svg+xml;base64," + base64.b64encode(draw_qr(uri, "svg")).decode()


async def account_page(
    request: Request, session: AdminSession, status_code: int = 200, **extra: Any
) -> Response:
    state = await context(request).store.two_factor_state(session.user.id)
    pending = state.pending_secret if state else None
    role = parse_role(session.user.role)
    page: dict[str, Any] = {
        "session": session,
        "nav": "account",
        "role": session.user.role,
        "role_description": _(DESCRIPTIONS[role]) if role else "",
        "enabled": bool(state and state.secret),
        "codes_left": state.recovery_codes_left if state else 0,
        "pending_secret": pending,
        "pending_qr": qr_image(two_factor.provisioning_uri(pending, session.user.email))
        if pending
        else None,
        "recovery_codes": None,
        "locales": language.CHOICES,
        "error": None,
    }
    page.update(extra)
    return render(request, "account.html", page, status_code=status_code)


@page_for(Permission.ACCOUNT)
async def show_account(request: Request, session: AdminSession) -> Response:
    return await account_page(request, session)


@action_for(Permission.ACCOUNT)
async def start_two_factor(request: Request, session: AdminSession, form: FormData) -> Response:
    await context(request).store.begin_two_factor(session.user.id, two_factor.new_secret())
    return redirect("/admin/account#two-factor")


@action_for(Permission.ACCOUNT)
async def confirm_two_factor(request: Request, session: AdminSession, form: FormData) -> Response:
    store = context(request).store
    state = await store.two_factor_state(session.user.id)
    if state is None or state.pending_secret is None:
        return redirect("/admin/account#two-factor")
    code = two_factor.normalised_code(str(form.get("code") or ""))
    now = tokens.now_utc()
    step = two_factor.matching_step(state.pending_secret, code, now)
    if step is None:
        error = _("That is not the code your app shows now. Check the app and type the 6 digits.")
        return await account_page(request, session, 400, error=error)
    codes = two_factor.new_recovery_codes()
    hashes = [two_factor.recovery_code_hash(code) for code in codes]
    if not await store.confirm_two_factor(session.user.id, state.pending_secret, step, hashes, now):
        return redirect("/admin/account#two-factor")
    # Shown on this one response only: the database keeps their hashes.
    return await account_page(request, session, 200, recovery_codes=codes, just_enabled=True)


async def current_code_is_right(request: Request, session: AdminSession, form: FormData) -> bool:
    """Turning two-factor off or renewing the codes asks for a code: a session left open on
    someone's computer is not enough to remove the second factor."""
    code = two_factor.normalised_code(str(form.get("code") or ""))
    return await code_is_right(request, session.user, code)


@action_for(Permission.ACCOUNT)
async def renew_recovery_codes(request: Request, session: AdminSession, form: FormData) -> Response:
    if not await current_code_is_right(request, session, form):
        error = _(
            "That code is not right, or it was used already: type the next code from your app."
        )
        return await account_page(request, session, 400, error=error)
    codes = two_factor.new_recovery_codes()
    hashes = [two_factor.recovery_code_hash(code) for code in codes]
    await context(request).store.replace_recovery_codes(session.user.id, hashes, tokens.now_utc())
    return await account_page(request, session, 200, recovery_codes=codes)


@action_for(Permission.ACCOUNT)
async def turn_off_two_factor(request: Request, session: AdminSession, form: FormData) -> Response:
    if not await current_code_is_right(request, session, form):
        error = _(
            "That code is not right, or it was used already: type the next code from your app."
        )
        return await account_page(request, session, 400, error=error)
    await context(request).store.reset_two_factor(session.user.id)
    return redirect("/admin/account?notice=two-factor-off#two-factor")


@action_for(Permission.ACCOUNT)
async def choose_language(request: Request, session: AdminSession, form: FormData) -> Response:
    """The dashboard's language for this user from now on; empty: their browser's again."""
    chosen = str(form.get("locale") or "")
    if chosen and chosen not in language.CHOICES:
        return await account_page(
            request, session, 400, error=_("Choose one of the languages in the list.")
        )
    await context(request).store.set_admin_locale(session.user.id, chosen or None)
    return redirect("/admin/account?notice=language-saved#language")


routes = [
    Route("/admin/account", show_account, methods=["GET"]),
    Route("/admin/account/language", choose_language, methods=["POST"]),
    Route("/admin/account/two-factor/start", start_two_factor, methods=["POST"]),
    Route("/admin/account/two-factor/confirm", confirm_two_factor, methods=["POST"]),
    Route("/admin/account/two-factor/recovery-codes", renew_recovery_codes, methods=["POST"]),
    Route("/admin/account/two-factor/off", turn_off_two_factor, methods=["POST"]),
]
