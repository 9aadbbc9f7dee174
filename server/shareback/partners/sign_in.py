"""The partner portal's magic link: a signed, expiring token naming the partner, e-mailed on
request (as payouts.account_link_token is for advocates). The token is the capability."""

from __future__ import annotations

from itsdangerous import BadData, URLSafeTimedSerializer

SALT = "shareback-partner-portal"
LINK_DAYS = 7


def portal_token(secret_key: str, partner_id: int, email_key: str) -> str:
    # The address's key is signed too: a partner whose address changed (or was erased) loses
    # the links sent to the old one.
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps([partner_id, email_key])


def portal_partner(secret_key: str, token: str) -> tuple[int, str] | None:
    """The partner id and address key a genuine, unexpired token names; None otherwise."""
    if not token or len(token) > 400:
        return None
    try:
        claims = URLSafeTimedSerializer(secret_key, salt=SALT).loads(
            token, max_age=LINK_DAYS * 86_400
        )
    except BadData:
        return None
    if (
        not isinstance(claims, list)
        or len(claims) != 2
        or not isinstance(claims[0], int)
        or not isinstance(claims[1], str)
    ):
        return None
    return claims[0], claims[1]
