"""The advocate's own page, standalone: GET /advocate asks for an e-mail address (or shows the
page to a browser the magic link signed in), POST /advocate/link e-mails the signed link (the
same answer whether the address is known or not, rate limited), GET /advocate/open?t=… turns the
link into a short session, POST /advocate/sign-out ends it. Small public pages in the error
pages' look: their own CSP, no script."""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from shareback import emails, error_page, i18n, tokens
from shareback.bootstrap import DEFAULT_SLUG
from shareback.campaigns import SLUG_PATTERN
from shareback.context import Context, client_ip, context
from shareback.i18n import gettext as _
from shareback.i18n import use_locale
from shareback.mail import journeys
from shareback.portal import access
from shareback.portal.facts import account_for
from shareback.static_assets import load, serve
from shareback.storage.records import Advocate, Campaign

PAGE_STYLE = (
    "main{max-width:40rem;margin:6vh auto}"
    "form{margin-top:1.25rem;display:grid;gap:.9rem}label{display:grid;gap:.3rem;font-weight:600}"
    "input{font:inherit;padding:.55rem .7rem;border:1px solid #8a929c;border-radius:6px}"
    "button{justify-self:start;padding:.6rem 1.1rem;font:inherit;color:#fff;background:#0a6b5c;"
    "border:0;border-radius:6px;cursor:pointer}"
    "section{margin-top:1.5rem}ul{margin:.4rem 0 0;padding:0;list-style:none}"
    "li{padding:.45rem 0;border-bottom:1px solid #d5d9de;display:flex;flex-wrap:wrap;"
    "gap:.25rem 1rem;justify-content:space-between}"
    "code{font:600 1.05rem/1.4 ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}"
    ".big{font-size:1.2rem;font-weight:700}p.big{color:#16191d}.sub{color:#59616c}"
    ".progress{margin-top:.75rem;padding:.75rem 1rem;border-radius:6px;background:#e3f3ee;"
    "color:#16191d;font-weight:600}.out{margin-top:2rem}"
    ".out button,.copy{color:#0a6b5c;background:none;border:1px solid #0a6b5c}"
    ".row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem}"
    ".copy{padding:.35rem .8rem;min-height:2.75rem}li .copy{margin-inline-start:auto}"
    "@media(prefers-color-scheme:dark){li{border-color:#3a4048}.sub{color:#b8bec7}"
    "p.big{color:#f0f1f4}}"
)
# Its one script (static/advocate-page.js: the copy buttons) comes from this origin.
CSP = error_page.csp_for(PAGE_STYLE) + "; script-src 'self'"
SCRIPT = '<script src="/advocate/page.js" defer></script>'

HEADERS = {**error_page.HEADERS, "Content-Security-Policy": CSP}
log = logging.getLogger("shareback")
MAX_FORM_FIELDS = 6


def page_lang(request: Request) -> str:
    """?lang= first, then the browser's languages, then Dutch (the shops are Dutch first)."""
    asked = request.query_params.get("lang")
    if asked:
        return i18n.pick_locale(asked[:16])
    return i18n.accepted_locale(request.headers.get("accept-language")) or "nl"


def _page(lang: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    html = error_page.document(lang, title, f"<h1>{escape(title)}</h1>{body}", PAGE_STYLE)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def para(text: str, role: str = "") -> str:
    shown = f' role="{role}"' if role else ""
    return f"<p{shown}>{escape(text)}</p>"


def _slug(value: object) -> str:
    """The campaign a form or link names; anything that is not a slug is the default one."""
    text = str(value or "")[:64]
    return text if SLUG_PATTERN.fullmatch(text) else DEFAULT_SLUG


def _request_form(lang: str, slug: str, email: str = "") -> str:
    return (
        f'<form method="post" action="/advocate/link">'
        f'<input type="hidden" name="campaign" value="{escape(slug)}">'
        f'<input type="hidden" name="lang" value="{escape(lang)}">'
        + "<label>"
        + escape(_("Your e-mail address"))
        + '<input type="email" name="email" autocomplete="email" required maxlength="254" '
        + f'value="{escape(email)}"></label><button type="submit">'
        + escape(_("E-mail me my link"))
        + "</button></form>"
    )


async def _campaign(ctx: Context, slug: str) -> Campaign | None:
    campaign = await ctx.store.campaign(slug)
    return None if campaign is None or campaign.archived_at is not None else campaign


async def _signed_in(request: Request) -> tuple[Advocate, Campaign] | None:
    ctx = context(request)
    code = access.session_code(ctx.secrets.secret_key, request.cookies.get(access.COOKIE, ""))
    advocate = await ctx.store.advocate_by_code(code) if code else None
    if advocate is None or advocate.code != code:
        return None
    campaign = await ctx.store.campaign_by_id(advocate.campaign_id)
    if campaign is None or campaign.archived_at is not None:
        return None
    return advocate, campaign


async def show_advocate_page(request: Request) -> Response:
    lang = page_lang(request)
    with use_locale(lang):
        found = await _signed_in(request)
        if found is None:
            return _page(
                lang,
                _("Your rewards"),
                para(
                    _(
                        "Enter the e-mail address you share with. We e-mail you a link to your "
                        "own page: your link and codes, the friends who ordered and your rewards."
                    )
                )
                + _request_form(lang, _slug(request.query_params.get("campaign"))),
            )
        advocate, campaign = found
        account = await account_for(context(request), campaign, advocate, lang)
        if account is None:
            return _page(lang, _("Your rewards"), _request_form(lang, campaign.slug))
        nickname = await context(request).store.advocate_nickname(advocate.id)
        body = render_account(account, contest_section(account, nickname))
        return _page(lang, account["labels"]["title"], body + SCRIPT)


def _list(items: list[str], empty: str) -> str:
    if not items:
        return f'<p class="sub">{escape(empty)}</p>'
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def contest_section(account: dict[str, Any], nickname: str | None) -> str:
    """The board on the standalone page, and the form that names the advocate on it."""
    board = account.get("contest")
    if not board:
        return ""
    leaders = "".join(
        f'<li><span>{escape(x["name"])}</span> <span class="sub">{escape(x["friends_text"])}'
        "</span></li>"
        for x in board["leaders"]
    )
    return (
        f"<section><h2>{escape(board['title'])}</h2>"
        f'<p class="sub">{escape(board["ends_text"])}</p>'
        + (f"<ol>{leaders}</ol>" if leaders else "")
        + f"<p><strong>{escape(board['you_text'])}</strong></p>"
        f'<form method="post" action="/advocate/nickname?lang={escape(account["lang"])}">'
        f'<label for="nickname">{escape(_("Your name on the board"))}'
        f'<input id="nickname" name="nickname" maxlength="24" autocomplete="nickname" '
        f'value="{escape(nickname or "")}"></label>'
        f'<p class="sub">{escape(_("A nickname of 2 to 24 letters or digits. Left empty, the board shows your first name and initials."))}</p>'
        f'<button type="submit">{escape(_("Save"))}</button></form></section>'
    )


def copy_button(source: str, label: str) -> str:
    """Hidden until the page's script shows it: without script there is nothing to click."""
    return (
        f'<button type="button" class="copy" data-copy="{source}" '
        f'data-copied="{escape(_("Copied"))}" hidden>{escape(label)}</button>'
    )


def render_account(account: dict[str, Any], contest: str = "") -> str:
    """The document of portal/account.py as HTML (every value escaped here)."""
    words = account["labels"]
    parts = []
    if account["name"]:
        parts.append(f'<p class="sub">{escape(account["shop"])} · {escape(account["name"])}</p>')
    else:
        parts.append(f'<p class="sub">{escape(account["shop"])}</p>')
    if account["tier_text"] or account["progress"]:
        tier = ""
        if account["tier_text"]:
            tier = f'<p>{escape(words["tier"])}: <strong class="big">{escape(account["tier_text"])}</strong></p>'
        progress = "".join(
            f'<p class="progress">{escape(line)}</p>' for line in account["progress"]
        )
        parts.append(f'<section aria-label="{escape(words["tier"])}">{tier}{progress}</section>')
    shown = [account["code"], account["coupon_code"], *account["link_codes"]]
    shown += account["reward_coupons"]
    codes = [
        f'<code id="code-{n}">{escape(code)}</code>{copy_button(f"code-{n}", _("Copy code"))}'
        for n, code in enumerate(c for c in shown if c)
    ]
    parts.append(
        f"<section><h2>{escape(words['link'])}</h2>"
        f'<p class="row"><a class="big" id="link" href="{escape(account["link"])}">'
        f"{escape(account['link'])}</a>{copy_button('link', _('Copy link'))}</p>"
        '<p class="sub" id="copied" role="status"></p>'
        f"<h2>{escape(words['codes'])}</h2>{_list(codes, words['none'])}</section>"
    )
    clicks = [
        f"<span>{escape(c['label'])}</span><strong>{c['clicks']}</strong>"
        for c in account["clicks"]
    ]
    parts.append(
        f"<section><h2>{escape(words['clicks'])}</h2>{_list(clicks, words['none'])}</section>"
    )
    friends = [
        f'<span>{escape(f["friend"])}</span><span class="sub">{escape(f["day"])} · '
        f"{escape(f['state_text'])}</span>"
        for f in account["friends"]
    ]
    parts.append(
        f"<section><h2>{escape(words['friends'])}</h2>{_list(friends, words['none'])}</section>"
    )
    rewards = [
        f"<span>{escape(r['description'])}</span><span><strong>{escape(r['state'])}</strong>"
        + (f' <span class="sub">{escape(r["when"])}</span>' if r["when"] else "")
        + "</span>"
        for r in account["rewards"]
    ]
    parts.append(
        f"<section><h2>{escape(words['rewards'])}</h2>{_list(rewards, words['none'])}</section>"
    )
    if account["credit"] is not None:
        parts.append(
            f"<section><h2>{escape(words['credit'])}</h2>"
            f'<p class="big">{escape(account["credit"]["text"])}</p></section>'
        )
    parts.append(contest)
    parts.append(
        f'<form class="out" method="post" action="/advocate/sign-out?lang={escape(account["lang"])}">'
        + '<button type="submit">'
        + escape(_("Sign out"))
        + "</button></form>"
    )
    return "".join(parts)


async def request_link(request: Request) -> Response:
    """One answer for every address: known, unknown or not an address at all, so the form
    tells nobody who shops here. The limit is counted before anything is looked up."""
    ctx = context(request)
    form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    lang = i18n.pick_locale(str(form.get("lang") or page_lang(request))[:16])
    slug = _slug(form.get("campaign"))
    email = str(form.get("email") or "").strip()[:254]
    with use_locale(lang):
        if not await ctx.advocate_link_limiter.allow("advocate-link:" + client_ip(request)):
            response = _page(
                lang,
                _("Too many requests"),
                para(_("Please wait a few minutes, then ask for your link again.")),
                429,
            )
            response.headers["Retry-After"] = str(
                ctx.advocate_link_limiter.retry_after("advocate-link:" + client_ip(request))
            )
            return response
        if not emails.is_valid_email(email):
            return _page(
                lang,
                _("Your rewards"),
                para(_("That is not an e-mail address. Check it and try again."), "alert")
                + _request_form(lang, slug, email),
                422,
            )
        response = _page(
            lang,
            _("Check your inbox"),
            para(
                _(
                    "If this address has a referral link here, we have just e-mailed it a link "
                    "to your page. The link works for %(num)d minutes."
                )
                % {"num": access.LINK_MINUTES},
                "status",
            ),
        )
    # Looked up once the answer has gone: it takes as long for a stranger's address as for an
    # advocate's, so not even the time it takes tells them apart.
    response.background = BackgroundTask(send_link_if_known, ctx, slug, email)
    return response


async def send_link_if_known(ctx: Context, slug: str, email: str) -> None:
    try:
        campaign = await _campaign(ctx, slug)
        if campaign is None:
            return
        advocate = await ctx.store.advocate_by_email(campaign.id, emails.email_key(email))
        if advocate is not None:
            await plan_link_mail(ctx, campaign, advocate)
    except Exception:
        log.exception("the advocate's page link could not be planned")


async def plan_link_mail(ctx: Context, campaign: Campaign, advocate: Advocate) -> None:
    """One message per address and quarter of an hour, however often the form is sent (the
    outbox's dedupe key), so nobody's inbox can be flooded from many addresses either. It goes
    to the address the record was made with, in the advocate's own language (mail_contacts),
    whoever typed it: the form changes nothing about them."""
    now = tokens.now_utc()
    slot = int(now.timestamp()) // 900
    await ctx.store.plan_mail(
        campaign.id,
        journeys.ADVOCATE_LINK,
        f"advocate_link:{advocate.id}:{slot}",
        advocate.email,
        advocate.email_key,
        advocate.name,
        # The link itself is signed when the message is sent (mail/sender.py).
        {"advocate_code": advocate.code},
        now,
    )


async def open_link(request: Request) -> Response:
    ctx = context(request)
    lang = page_lang(request)
    code = access.link_code(ctx.secrets.secret_key, request.query_params.get("t", ""))
    advocate = await ctx.store.advocate_by_code(code) if code else None
    with use_locale(lang):
        if advocate is None or advocate.code != code:
            return _page(
                lang,
                _("This link does not work (any more)"),
                para(
                    _("A link works for %(num)d minutes. Ask for a new one:")
                    % {"num": access.LINK_MINUTES}
                )
                + _request_form(lang, DEFAULT_SLUG),
                400,
            )
    # The token leaves the address bar at once: the page itself is opened by the session.
    response = Response(status_code=303, headers={**HEADERS, "Location": f"/advocate?lang={lang}"})
    response.set_cookie(
        access.COOKIE,
        access.session_token(ctx.secrets.secret_key, advocate.code),
        max_age=access.SESSION_HOURS * 3600,
        path="/",
        secure=ctx.settings.public_url.startswith("https://"),
        httponly=True,
        samesite="lax",
    )
    return response


async def sign_out(request: Request) -> Response:
    lang = page_lang(request)
    response = Response(status_code=303, headers={**HEADERS, "Location": f"/advocate?lang={lang}"})
    response.delete_cookie(access.COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def serve_page_script(request: Request) -> Response:
    return serve(request, load("advocate-page.js"), "public, max-age=300")


routes = [
    Route("/advocate", show_advocate_page, methods=["GET"]),
    Route("/advocate/page.js", serve_page_script, methods=["GET"]),
    Route("/advocate/link", request_link, methods=["POST"]),
    Route("/advocate/open", open_link, methods=["GET"]),
    Route("/advocate/sign-out", sign_out, methods=["POST"]),
]
