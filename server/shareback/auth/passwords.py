"""Password hashing with scrypt (memory-hard, in the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# 16 MiB of memory per hash: slow for an attacker's GPU, fine for a login form.
N, R, P = 2**14, 8, 1
MIN_LENGTH = 10


class WeakPassword(ValueError):
    pass


def check_strength(password: str, email: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password has at least {MIN_LENGTH} characters")
    if password.lower() in (email.lower(), email.split("@")[0].lower()):
        raise WeakPassword("the password may not be the e-mail address")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    encode = base64.b64encode
    return f"scrypt${N}${R}${P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(expected),
    )
    return hmac.compare_digest(actual, expected)


# Spent on unknown e-mail addresses too, so timing does not tell which accounts exist.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
