"""POST /api/v1/advocates: a shopper becomes an advocate and gets a personal link, QR codes and copy."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import codes, emails, identity, tokens, wording
from shareback.api.campaign_widget import active_campaign
from shareback.api.loyalty_view import state_of, with_tier_offer
from shareback.api.messages import localised, remember_lang
from shareback.context import client_ip, context
from shareback.cors import allow_origin, answer_preflight, with_cors
from shareback.errors import ApiError, optional_str, read_json, require_object, required_str
from shareback.experiments import variants
from shareback.experiments.serving import View, advocate_view
from shareback.i18n import gettext as _
from shareback.i18n import use_locale
from shareback.portal.account import LABELS
from shareback.storage.records import Advocate, Campaign, JoinRequest

# The fields of a join (JoinRequest in /openapi.json); others pass unread.
FIELDS = ("campaign", "email", "name", "user_hash", "lang", "findable")


def advocate_document(
    public_url: str,
    campaign: Campaign,
    advocate: Advocate,
    lang: str,
    *,
    opened: bool = True,
    view: View | None = None,
) -> dict[str, object]:
    """The shopper's link and copy. Only a record opened by the shop's signed identity shows what
    is stored (the name, the coupon code); any other answer shows only what the request sent.
    With an experiment, the advocate's variant (experiments/serving.py) words and orders it."""
    view = view or View(campaign)
    campaign, overrides = view.campaign, view.overrides
    link = f"{public_url}/r/{advocate.code}"
    return {
        "code": advocate.code,
        "coupon_code": advocate.coupon_code if opened else None,
        "name": advocate.name,
        "link": link,
        "qr": {
            "svg": f"{public_url}/qr/{advocate.code}.svg",
            "png": f"{public_url}/qr/{advocate.code}.png",
        },
        "share": variants.share_text(campaign, lang, overrides),
        "headline": variants.headline(campaign, lang, overrides),
        "offer": wording.offers(campaign, lang),
        "offer_text": wording.offer_text(campaign, lang),
        "verified": advocate.verified if opened else False,
        "channels": variants.channels(overrides),
        "experiment": view.label(),
    }


def account_label(lang: str) -> str:
    with use_locale(lang):
        return _(LABELS["title"])


def optional_bool(body: dict[str, object], name: str) -> bool | None:
    value = body.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise ApiError(422, f"invalid_{name}", f"'{name}' must be true or false.", name)


async def create_advocate(request: Request) -> Response:
    ctx = context(request)
    # The body first: its `lang` words every error after it, the rate limit's too.
    body = require_object(await read_json(request, ctx.settings.max_body_bytes, fields=FIELDS))
    remember_lang(request, body)
    if not await ctx.limiter.allow("advocates:" + client_ip(request)):
        raise ApiError(
            429, "rate_limited", "Too many sign-ups from this address; try again in a minute."
        )
    slug = required_str(body, "campaign", 64)
    campaign = await active_campaign(request, slug)
    allow_origin(request, campaign)
    email = required_str(body, "email", 254)
    if not emails.is_valid_email(email):
        raise ApiError(422, "invalid_email", "That is not a valid e-mail address.", "email")
    name = optional_str(body, "name", 100)
    lang = wording.pick_lang(optional_str(body, "lang", 16))
    findable = optional_bool(body, "findable")
    given_hash = optional_str(body, "user_hash", 128)
    verified = False
    if given_hash is not None:
        if not identity.is_verified(ctx.secrets.identity_secret, email, given_hash):
            raise ApiError(
                403,
                "invalid_user_hash",
                "user_hash does not match this e-mail address.",
                "user_hash",
            )
        verified = True
    joined = await ctx.store.join_campaign(
        JoinRequest(
            campaign_id=campaign.id,
            email=email,
            email_key=emails.email_key(email),
            name=name,
            verified=verified,
            # Codes spell a first name only when it came with the shop's signed identity.
            code_prefix=codes.code_prefix(name if verified else None),
            at=tokens.now_utc(),
            findable=findable,
        )
    )
    if body.get("lang") is not None:
        # The shopper's language, for the e-mails Shareback sends them (mail/).
        await ctx.store.remember_mail_lang(emails.email_key(email), lang, tokens.now_utc())
    opened = verified and joined.access != "new_link"
    view = await advocate_view(ctx.store, campaign, joined.advocate.id, tokens.now_utc())
    document = advocate_document(
        ctx.settings.public_url, campaign, joined.advocate, lang, opened=opened, view=view
    )
    # The coupons the advocate earned: theirs to use, so only for the shop's signed identity.
    document["reward_coupons"] = (
        await ctx.store.reward_coupons(joined.advocate.id) if opened else []
    )
    document["loyalty"] = None
    if opened and not campaign.loyalty.empty:
        # Loyalty (loyalty/): progress, and the tier's own offer in place of the campaign's.
        standing = await ctx.store.loyalty_standing(joined.advocate.id)
        if standing is not None:
            document["loyalty"] = state_of(campaign, standing).to_json()
            tiered = with_tier_offer(view.campaign, standing.tier)
            if tiered is not view.campaign:
                document["offer"] = wording.offers(tiered, lang)
                document["offer_text"] = wording.offer_text(tiered, lang)
    # The shop's signed identity opens the advocate's own page in the widget (its account view,
    # POST /api/v1/advocates/account): the button's name, in the shopper's language.
    document["account_label"] = account_label(lang) if opened else None
    if not opened:
        # Knowing someone's e-mail address must not reveal the name they signed up with.
        document["name"] = name
    # One status whether the address was known or not: 200, the shopper's link.
    return with_cors(request, JSONResponse(document, status_code=200))


routes = [
    Route("/api/v1/advocates", localised(create_advocate), methods=["POST"]),
    Route("/api/v1/advocates", answer_preflight, methods=["OPTIONS"]),
]
