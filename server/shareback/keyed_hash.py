"""HMAC-SHA256 with the key's padded states worked out once per key.

The same bytes as `hmac.new(key, message, hashlib.sha256)`, in a third of the time: OpenSSL's
HMAC set-up (two key blocks hashed) costs more than hashing a short message, and a referral
click hashes three short messages under long-lived keys (the day's IP salt, the rate-limit key,
the ref signer's key)."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

BLOCK = 64  # SHA-256's block size
INNER = bytes(x ^ 0x36 for x in range(256))
OUTER = bytes(x ^ 0x5C for x in range(256))


@functools.lru_cache(maxsize=64)
def _pads(key: bytes) -> tuple[Any, Any]:
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return hashlib.sha256(key.translate(INNER)), hashlib.sha256(key.translate(OUTER))


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    inner, outer = _pads(key)
    inside = inner.copy()
    inside.update(message)
    outside = outer.copy()
    outside.update(inside.digest())
    return bytes(outside.digest())


def hmac_sha256_hex(key: bytes, message: bytes) -> str:
    return hmac_sha256(key, message).hex()
