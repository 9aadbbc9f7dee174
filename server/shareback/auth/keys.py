"""API keys and session tokens: random, shown once, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets

API_KEY_PREFIX = "sbk_"
# What a key may do: "read" keys only GET (and HEAD/OPTIONS); "full" keys everything.
READ, FULL = "read", "full"
SCOPES = (READ, FULL)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """High-entropy tokens need no slow hash: SHA-256 is enough and keeps look-ups indexed."""
    return hashlib.sha256(token.encode()).hexdigest()


def display_prefix(key: str) -> str:
    return key[: len(API_KEY_PREFIX) + 6]


def new_session_token() -> str:
    return secrets.token_urlsafe(32)
