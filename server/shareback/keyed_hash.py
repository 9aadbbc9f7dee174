"""HMAC-SHA256 with each key's HMAC set up once: the stdlib's own object, copied per message.

OpenSSL's HMAC set-up (two key blocks hashed) costs more than hashing a short message, and a
referral click hashes three short messages under long-lived keys (the day's IP salt, the
rate-limit key, the ref signer's key). `hmac.HMAC.copy()` keeps the keyed state, so only the
message is hashed per call: the same bytes as `hmac.new(key, message, hashlib.sha256)`."""

from __future__ import annotations

import functools
import hashlib
import hmac


@functools.lru_cache(maxsize=64)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    mac = _keyed(key).copy()
    mac.update(message)
    return mac.digest()


def hmac_sha256_hex(key: bytes, message: bytes) -> str:
    return hmac_sha256(key, message).hex()
