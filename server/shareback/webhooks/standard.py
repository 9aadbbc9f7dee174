"""Standard Webhooks verification (webhook-id, webhook-timestamp, webhook-signature), with
rotation; Svix's svix-id, svix-timestamp and svix-signature are the same scheme under its names."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from secrets import token_bytes

TOLERANCE_SECONDS = 5 * 60
PREFIX = "whsec_"


class VerificationError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def new_secret() -> str:
    """A fresh whsec_ secret: 32 random bytes, as the spec's libraries generate them."""
    return "whsec_" + base64.b64encode(token_bytes(32)).decode()


def secret_bytes(secret: str) -> bytes:
    """whsec_<base64> as the spec defines it, its padding optional as the reference libraries
    have it (they append "==" before decoding). A bad secret is a configuration error: the
    settings check it at start-up, so no request ever meets one."""
    raw = secret.removeprefix(PREFIX).rstrip("=")
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from exc
    if not key:
        raise ValueError("a webhook secret is 'whsec_' followed by base64, and not empty")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    content = f"{message_id}.{timestamp}.".encode() + body
    return (
        "v1,"
        + base64.b64encode(
            hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
        ).decode()
    )


HEADER_SETS = (
    ("webhook-id", "webhook-timestamp", "webhook-signature"),
    ("svix-id", "svix-timestamp", "svix-signature"),
)


def signature_headers(headers: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """The first complete set, Standard Webhooks' names first; never a mix of the two."""
    for names in HEADER_SETS:
        found = tuple(headers.get(name) for name in names)
        if all(found):
            return found[0], found[1], found[2]
    return None, None, None


def verify(
    secrets: Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> str:
    """Returns the message id. Any of several signatures may match any of the secrets in force."""
    message_id, timestamp, signatures = signature_headers(headers)
    if not message_id or not timestamp or not signatures:
        raise VerificationError(
            400,
            "missing_signature_headers",
            "webhook-id, webhook-timestamp and webhook-signature headers are required "
            "(or svix-id, svix-timestamp and svix-signature).",
        )
    if len(message_id) > 255:
        raise VerificationError(
            400, "invalid_webhook_id", "webhook-id is longer than 255 characters."
        )
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise VerificationError(
            400, "invalid_timestamp", "webhook-timestamp must be integer seconds."
        ) from None
    if abs(now - sent_at) > tolerance:
        raise VerificationError(
            401,
            "stale_timestamp",
            f"webhook-timestamp is more than {tolerance} seconds away from our clock.",
        )
    content = f"{message_id}.{sent_at}.".encode() + body
    given = [part.split(",", 1)[1] for part in signatures.split() if part.startswith("v1,")]
    for secret in secrets:
        expected = base64.b64encode(
            hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
        )
        for candidate in given:
            if hmac.compare_digest(expected, candidate.encode()):
                return message_id
    raise VerificationError(
        401, "invalid_signature", "No webhook-signature matches a secret in force."
    )
