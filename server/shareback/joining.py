"""Who a join may show an advocate's record to: the rule behind POST /api/v1/advocates. Pure.

A request without a verified identity learns nothing it did not send. A new address becomes an
advocate; an address that already is one opens its record only to the shop's signed identity of
exactly that address. Anyone else (another device without the identity, or someone who typed a
stranger's address) gets a fresh link of that advocate: it works, it credits the advocate, and it
shows neither their stored name nor their codes, only the name the request typed (to the friends
of that link too), so every answer looks the same whether the address was known or not. The first
signed visit replaces what unsigned joins set: the name and the choice to be found."""

from __future__ import annotations

from typing import Literal

from shareback.emails import fold

Access = Literal["create", "open", "new_link"]


def same_address(stored: str, given: str) -> bool:
    """The address a record was made with, ASCII case aside (emails.fold, the form the identity
    check uses too). Not the inbox key: victoria+me@gmail.com and victoria@gmail.com share an
    inbox key but may be two accounts in the shop, and the shop's signature vouches for one
    account only."""
    return fold(stored) == fold(given)


def access(stored_email: str | None, email: str, verified: bool) -> Access:
    if stored_email is None:
        return "create"
    if verified and same_address(stored_email, email):
        return "open"
    return "new_link"
