"""Intercom-style identity verification of the shopper the shop says is logged in."""

from __future__ import annotations

import hashlib
import hmac

from shareback.emails import fold


def user_hash(identity_secret: str, email: str) -> str:
    return hmac.new(identity_secret.encode(), email.encode(), hashlib.sha256).hexdigest()


def is_verified(identity_secret: str, email: str, given_hash: str) -> bool:
    """Shops hash the address as they store it; accept it as given or folded (emails.fold: ASCII
    letters lower-cased, the one form records are found by), in constant time."""
    given = given_hash.strip().lower().encode()
    candidates = {email.strip(), fold(email)}
    ok = False
    for candidate in candidates:
        ok |= hmac.compare_digest(user_hash(identity_secret, candidate).encode(), given)
    return ok
