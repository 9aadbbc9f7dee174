"""TOTP two-factor sign-in (RFC 6238, as every authenticator app speaks it) and the single-use
recovery codes for a lost phone: pure rules, no storage."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp

ISSUER = "Shareback"
DIGITS = 6
# A code from the step before or after is still taken: phones' clocks drift, people type slowly.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
# 16 characters of a 32-letter alphabet without look-alikes (0/o, 1/l/i): 80 bits, so a plain
# SHA-256 is enough to keep them and typing errors are few.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    secret: str = pyotp.random_base32()
    return secret


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    uri: str = pyotp.TOTP(secret, digits=DIGITS).provisioning_uri(name=email, issuer_name=issuer)
    return uri


def normalised_code(value: str) -> str:
    """What people type: spaces and dashes between groups, any case."""
    return "".join(ch for ch in value.strip().lower() if ch not in " -")[:64]


def looks_like_totp(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is (within the drift allowed), or None. The caller accepts
    a step only once (admin_users.totp_last_step), which refuses a replayed code."""
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS)
    current = totp.timecode(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # Every candidate is compared, so the time taken does not say which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Shown once, grouped for reading: 'abcd-efgh-jkmn-pqrs'."""
    made: list[str] = []
    while len(made) < count:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
        code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
        if code not in made:
            made.append(code)
    return made


def recovery_code_hash(code: str) -> str:
    return hashlib.sha256(normalised_code(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len(code) == 16 and all(ch in RECOVERY_ALPHABET for ch in code)
