"""The payouts page: approved cash rewards to pay, advocates' payout accounts, payout batches made
of selected rewards, each batch's SEPA file and CSV ("this batch", never everything ever
approved), and a batch marked paid. Finance may do all of it; viewers only look."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, payouts, tokens
from shareback.admin.render import SECURITY_HEADERS, PageError, redirect, render
from shareback.admin.sessions import action_for, admin_page, page_for
from shareback.api.owner.payouts import payout_csv, sepa_file, shop_name
from shareback.auth.roles import Permission
from shareback.context import context
from shareback.errors import ApiError
from shareback.i18n import N_
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession
from shareback.storage.records import PayoutBatch

NOTICES = {
    "account-saved": N_("The bank account is saved: the ambassador's next batch pays it."),
    "batch-paid": N_("The batch is marked paid: its rewards count as given."),
}


def notice(request: Request) -> str | None:
    found = NOTICES.get(request.query_params.get("done", ""))
    return _(found) if found else None


async def payouts_page(
    request: Request,
    session: AdminSession,
    *,
    error: str | None = None,
    account_error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    ctx = context(request)
    payable = await ctx.store.payable_rewards()
    return render(
        request,
        "payouts.html",
        {
            "session": session,
            "nav": "payouts",
            "payable": payable,
            "owed": {
                r.reward_id: payouts.payable_minor(r.amount_minor, r.clawed_back_minor)
                for r in payable
            },
            "batches": await ctx.store.payout_batches(limit=50),
            "partners_payable": await ctx.store.payable_partners(),
            "error": error,
            "account_error": account_error,
            "form": form or {},
            "done": notice(request),
            "sepa_ready": ctx.settings.payout_iban is not None,
        },
        status_code=status_code,
    )


@admin_page
async def show_payouts(request: Request, session: AdminSession) -> Response:
    return await payouts_page(request, session)


@action_for(Permission.DECIDE_REWARDS)
async def create_batch(request: Request, session: AdminSession, form: FormData) -> Response:
    found = (numbers.row_id(v) for v in form.getlist("reward") if isinstance(v, str))
    ids = sorted({n for n in found if n is not None})
    # Partners' approved commissions (partners/): one transfer per partner.
    chosen = (numbers.row_id(v) for v in form.getlist("partner") if isinstance(v, str))
    partner_ids = sorted({n for n in chosen if n is not None})
    if not ids and not partner_ids:
        return await payouts_page(
            request, session, error=_("Select at least one reward first."), status_code=400
        )
    batch, refused = await context(request).store.create_payout_batch(
        ids, session.user.email, tokens.now_utc(), partner_ids
    )
    if batch is None:
        reasons = sorted({payouts.REFUSALS[r.reason] for r in refused})
        message = _("None of these rewards can be paid in a new batch: ") + " ".join(reasons)
        return await payouts_page(request, session, error=message, status_code=409)
    return redirect(f"/admin/payouts/{batch.id}?skipped={len(refused)}")


@action_for(Permission.DECIDE_REWARDS)
async def save_account(request: Request, session: AdminSession, form: FormData) -> Response:
    values = {k: str(form.get(k) or "").strip() for k in ("code", "holder_name", "iban", "bic")}
    store = context(request).store
    advocate = await store.advocate_by_code(values["code"]) if values["code"] else None
    try:
        if advocate is None:
            raise payouts.InvalidAccount("code", "Enter the advocate's referral code.")
        account = payouts.account(values["holder_name"], values["iban"], values["bic"] or None)
    except payouts.InvalidAccount as exc:
        return await payouts_page(
            request, session, account_error=exc.message, form=values, status_code=400
        )
    await store.set_payout_account(advocate.id, account, session.user.email, tokens.now_utc())
    return redirect("/admin/payouts?done=account-saved")


async def batch_of(request: Request) -> PayoutBatch:
    raw = str(request.path_params["id"])
    batch_id = numbers.row_id(raw)
    batch = None if batch_id is None else await context(request).store.payout_batch(batch_id)
    if batch is None:
        raise PageError(
            404, _("No such payout batch"), _("There is no payout batch %(id)s.") % {"id": raw[:40]}
        )
    return batch


@admin_page
async def show_batch(request: Request, session: AdminSession) -> Response:
    batch = await batch_of(request)
    skipped = numbers.whole_number(request.query_params.get("skipped"))
    return render(
        request,
        "payout_batch.html",
        {
            "session": session,
            "nav": "payouts",
            "batch": batch,
            "end_to_end": {
                i.reward_id: payouts.end_to_end_id(batch.id, i.reward_id) for i in batch.items
            },
            "partner_end_to_end": {
                i.payout_id: payouts.partner_end_to_end_id(batch.id, i.payout_id)
                for i in batch.partner_items
            },
            "skipped": skipped or 0,
            "done": notice(request),
            "sepa_ready": context(request).settings.payout_iban is not None,
        },
    )


@action_for(Permission.DECIDE_REWARDS)
async def mark_paid(request: Request, session: AdminSession, form: FormData) -> Response:
    batch = await batch_of(request)
    await context(request).store.mark_payout_batch_paid(
        batch.id, session.user.email, tokens.now_utc()
    )
    return redirect(f"/admin/payouts/{batch.id}?done=batch-paid")


@page_for(Permission.EXPORT)
async def download_sepa(request: Request, session: AdminSession) -> Response:
    ctx = context(request)
    batch = await batch_of(request)
    try:
        response = sepa_file(ctx, batch, await shop_name(ctx))
    except ApiError as exc:
        raise PageError(exc.status, _("This batch has no SEPA file"), exc.message) from None
    response.headers.update(SECURITY_HEADERS)
    return response


@page_for(Permission.EXPORT)
async def download_csv(request: Request, session: AdminSession) -> Response:
    response = await payout_csv(await batch_of(request))
    response.headers.update(SECURITY_HEADERS)
    return response


routes = [
    Route("/admin/payouts", show_payouts, methods=["GET"]),
    Route("/admin/payouts", create_batch, methods=["POST"]),
    Route("/admin/payouts/account", save_account, methods=["POST"]),
    Route("/admin/payouts/{id}", show_batch, methods=["GET"]),
    Route("/admin/payouts/{id}/paid", mark_paid, methods=["POST"]),
    Route("/admin/payouts/{id}/sepa.xml", download_sepa, methods=["GET"]),
    Route("/admin/payouts/{id}/payouts.csv", download_csv, methods=["GET"]),
]
