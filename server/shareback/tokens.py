"""The signed `ref` parameter carried from the referral link to the shop's checkout."""

from __future__ import annotations

import functools
import hashlib
import time
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, TimestampSigner
from itsdangerous.signer import SigningAlgorithm

from shareback.keyed_hash import hmac_sha256


class InvalidRef(Exception):
    """The token was tampered with, truncated or signed with another key."""


@dataclass(frozen=True)
class RefClaims:
    code: str
    click_token: str
    issued_at: datetime


class _HmacSha256(SigningAlgorithm):
    """itsdangerous's HMAC-SHA256, the same signatures, with the key's HMAC state kept
    (keyed_hash.py): every referral click signs a ref."""

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac_sha256(key, value)


@functools.lru_cache(maxsize=8)  # one per key in force: each link and order signs or checks
def _signer(secret_key: str) -> TimestampSigner:
    return TimestampSigner(
        secret_key, salt="shareback.ref", digest_method=hashlib.sha256, algorithm=_HmacSha256()
    )


@functools.lru_cache(maxsize=8)
def _ref_key(secret_key: str) -> bytes:
    return _signer(secret_key).derive_key()


def sign_ref(secret_key: str, code: str, click_token: str) -> str:
    """What `_signer(secret_key).sign(f"{code}.{click_token}")` makes (tests/test_rules.py checks
    they agree), with its derived key kept: every referral click signs one."""
    now = int(time.time())
    stamp = urlsafe_b64encode(now.to_bytes((now.bit_length() + 7) // 8, "big")).rstrip(b"=")
    signed = f"{code}.{click_token}.".encode() + stamp
    signature = urlsafe_b64encode(hmac_sha256(_ref_key(secret_key), signed)).rstrip(b"=")
    return (signed + b"." + signature).decode()


def verify_ref(secret_key: str, token: str) -> RefClaims:
    """Checks the signature only: the age is judged against the campaign's window by the caller."""
    try:
        value, issued = _signer(secret_key).unsign(token, return_timestamp=True)
    except (BadSignature, UnicodeError) as exc:
        raise InvalidRef(str(exc)) from exc
    code, _, click_token = value.decode().partition(".")
    if not code or not click_token:
        raise InvalidRef("malformed ref")
    return RefClaims(code=code, click_token=click_token, issued_at=issued.astimezone(UTC))


def looks_like_token(value: str) -> bool:
    """A signed ref has the code, click, timestamp and signature joined by dots; a bare code has none."""
    return value.count(".") >= 3


def now_utc() -> datetime:
    return datetime.now(UTC)
