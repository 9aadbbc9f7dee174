"""GET and POST /payout-account?t=…: an advocate gives (or changes) the bank account their cash
rewards are paid to, from the signed link in their approval e-mail, so the owner never types
IBANs from e-mails. The token is the capability (payouts.account_link_token); the page shows the
saved account masked, never in full."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from shareback import error_page, payouts, tokens
from shareback.context import context
from shareback.i18n import N_, translate
from shareback.storage.records import Advocate
from shareback.wording import shopper_lang

FORM_STYLE = (
    "form{margin-top:1.25rem;display:grid;gap:.9rem}label{display:grid;gap:.3rem;font-weight:600}"
    "input{font:inherit;padding:.55rem .7rem;border:1px solid #8a929c;border-radius:6px}"
    "small{font-weight:400;color:#59616c}.error{color:#a1231b;font-weight:600}"
    ".saved{margin-top:1rem;padding:.75rem 1rem;border-radius:6px;background:#e3f3ee;color:#16191d}"
    "button{justify-self:start;padding:.6rem 1.1rem;font:inherit;color:#fff;background:#0a6b5c;"
    "border:0;border-radius:6px;cursor:pointer}"
)
CSP = error_page.csp_for(FORM_STYLE)
FIELDS = ("holder_name", "iban", "bic")


@dataclass(frozen=True)
class Words:
    title: str
    intro: str
    holder: str
    iban: str
    bic: str
    bic_hint: str
    save: str
    current: str
    saved: str
    invalid_title: str
    invalid: str
    errors: dict[str, str]


WORDS = Words(
    N_("Where should we send your reward?"),
    N_("Enter your bank account; we transfer your rewards from {shop} to it."),
    N_("Account holder's name"),
    N_("IBAN"),
    N_("BIC"),
    N_("optional"),
    N_("Save"),
    N_("Saved now: {account}"),
    N_("Saved. We transfer your reward to {account}."),
    N_("This link does not work (any more)"),
    N_("Use the whole link from your latest e-mail; a link works for 60 days."),
    {
        "holder_name": N_("Enter the account holder's name (at most 70 characters)."),
        "iban": N_("That is not a valid IBAN of a SEPA country, such as NL91 ABNA 0417 1643 00."),
        "bic": N_("That BIC is not right; leave it empty if you do not know it."),
    },
)


def words_in(lang: str) -> Words:
    """The page's words in lang, through the public catalogue."""
    errors = {field: translate(lang, text) for field, text in WORDS.errors.items()}
    texts = {
        name: translate(lang, getattr(WORDS, name))
        for name in Words.__dataclass_fields__
        if name != "errors"
    }
    return Words(**texts, errors=errors)


def _lang(request: Request) -> str:
    """The e-mail's language (the link carries it), else the browser's, else English."""
    return shopper_lang(request.query_params.get("lang"), request.headers)


def _page(request: Request, title: str, body: str, status: int) -> Response:
    html = error_page.document(_lang(request), title, f"<h1>{escape(title)}</h1>{body}", FORM_STYLE)
    headers = {**error_page.HEADERS, "Content-Security-Policy": CSP}
    return HTMLResponse(html, status_code=status, headers=headers)


async def _advocate(request: Request) -> Advocate | None:
    ctx = context(request)
    token = request.query_params.get("t", "")
    code = payouts.account_link_code(ctx.secrets.secret_key, token)
    return None if code is None else await ctx.store.advocate_by_code(code)


def _invalid(request: Request) -> Response:
    words = words_in(_lang(request))
    return _page(request, words.invalid_title, f"<p>{escape(words.invalid)}</p>", 400)


def _form(
    request: Request,
    shop: str,
    current: payouts.PayoutAccount | None,
    values: dict[str, str],
    error: str | None = None,
    saved: bool = False,
) -> str:
    words = words_in(_lang(request))
    action = escape(f"/payout-account?{request.url.query}")
    shown = (
        f"{current.holder_name}, {payouts.masked_iban(current.iban)}" if current is not None else ""
    )
    parts = [f"<p>{escape(words.intro.format(shop=shop))}</p>"]
    if saved:
        parts.append(
            f'<p class="saved" role="status">{escape(words.saved.format(account=shown))}</p>'
        )
    elif current is not None:
        parts.append(f"<p>{escape(words.current.format(account=shown))}</p>")
    if error is not None:
        parts.append(f'<p class="error" id="problem" role="alert">{escape(error)}</p>')
    described = ' aria-describedby="problem"' if error is not None else ""

    def field(name: str, label: str, hint: str = "", **attrs: str) -> str:
        extra = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
        note = f" <small>({escape(hint)})</small>" if hint else ""
        return (
            f'<label>{escape(label)}{note}<input name="{name}" '
            f'value="{escape(values.get(name, ""))}"{extra}{described}></label>'
        )

    parts.append(
        f'<form method="post" action="{action}">'
        + field("holder_name", words.holder, autocomplete="name", maxlength="70", required="")
        + field("iban", words.iban, spellcheck="false", maxlength="64", required="")
        + field("bic", words.bic, words.bic_hint, spellcheck="false", maxlength="16")
        + f'<button type="submit">{escape(words.save)}</button></form>'
    )
    return "".join(parts)


async def _shop(request: Request, advocate: Advocate) -> str:
    campaign = await context(request).store.campaign_by_id(advocate.campaign_id)
    return campaign.shop_name if campaign is not None else ""


async def show_account_form(request: Request) -> Response:
    advocate = await _advocate(request)
    if advocate is None:
        return _invalid(request)
    current = await context(request).store.payout_account(advocate.id)
    values = {"holder_name": advocate.name or ""} if current is None else {}
    words = words_in(_lang(request))
    body = _form(request, await _shop(request, advocate), current, values)
    return _page(request, words.title, body, 200)


async def save_account(request: Request) -> Response:
    advocate = await _advocate(request)
    if advocate is None:
        return _invalid(request)
    ctx = context(request)
    form = await request.form(max_files=0, max_fields=len(FIELDS) + 2)
    values = {name: str(form.get(name) or "").strip()[:200] for name in FIELDS}
    words = words_in(_lang(request))
    shop = await _shop(request, advocate)
    try:
        account = payouts.account(values["holder_name"], values["iban"], values["bic"] or None)
    except payouts.InvalidAccount as exc:
        current = await ctx.store.payout_account(advocate.id)
        body = _form(request, shop, current, values, words.errors[exc.field])
        return _page(request, words.title, body, 422)
    await ctx.store.set_payout_account(
        advocate.id, account, f"advocate:{advocate.code}", tokens.now_utc()
    )
    body = _form(request, shop, account, {}, saved=True)
    return _page(request, words.title, body, 200)


routes = [
    Route("/payout-account", show_account_form, methods=["GET"]),
    Route("/payout-account", save_account, methods=["POST"]),
]
