"""Standard Webhooks verification against signatures made by the reference `standardwebhooks` package."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from shareback.webhooks import standard
from support import new_webhook_secret, signed_headers

BODY = b'{"type":"order.paid","data":{"order_id":"1"}}'


def test_reference_signature_verifies_and_returns_the_message_id() -> None:
    secret = new_webhook_secret()
    headers = signed_headers(secret, BODY, "msg_1")
    assert standard.verify([secret], headers, BODY, time.time()) == "msg_1"
    # Our own signer agrees with the reference implementation byte for byte.
    stamp = int(headers["webhook-timestamp"])
    assert standard.sign(secret, "msg_1", stamp, BODY) == headers["webhook-signature"]


def test_one_of_several_signatures_may_match() -> None:
    secret = new_webhook_secret()
    headers = signed_headers(secret, BODY, "msg_1")
    headers["webhook-signature"] = "v1,bm9wZQ== v2,ignored " + headers["webhook-signature"]
    assert standard.verify([secret], headers, BODY, time.time()) == "msg_1"


def test_a_rotated_secret_still_verifies_while_both_are_in_force() -> None:
    old, new = new_webhook_secret(), new_webhook_secret()
    headers = signed_headers(old, BODY, "msg_1")
    assert standard.verify([new, old], headers, BODY, time.time()) == "msg_1"
    with pytest.raises(standard.VerificationError) as info:
        standard.verify([new], headers, BODY, time.time())
    assert info.value.code == "invalid_signature"


@pytest.mark.parametrize("shift", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_timestamps_beyond_five_minutes_are_refused(shift: timedelta) -> None:
    secret = new_webhook_secret()
    headers = signed_headers(secret, BODY, "msg_1", datetime.now(UTC) + shift)
    with pytest.raises(standard.VerificationError) as info:
        standard.verify([secret], headers, BODY, time.time())
    assert (info.value.status, info.value.code) == (401, "stale_timestamp")


def test_timestamps_within_tolerance_pass() -> None:
    secret = new_webhook_secret()
    headers = signed_headers(secret, BODY, "msg_1", datetime.now(UTC) - timedelta(minutes=4))
    assert standard.verify([secret], headers, BODY, time.time()) == "msg_1"


def test_tampered_body_wrong_secret_and_missing_headers_are_refused() -> None:
    secret = new_webhook_secret()
    headers = signed_headers(secret, BODY, "msg_1")
    cases = [
        ([secret], headers, BODY.replace(b"1", b"2"), "invalid_signature"),
        ([new_webhook_secret()], headers, BODY, "invalid_signature"),
        ([secret], {**headers, "webhook-id": "msg_2"}, BODY, "invalid_signature"),
        (
            [secret],
            {k: v for k, v in headers.items() if k != "webhook-signature"},
            BODY,
            "missing_signature_headers",
        ),
        ([secret], {**headers, "webhook-timestamp": "soon"}, BODY, "invalid_timestamp"),
    ]
    for secrets, hdrs, body, code in cases:
        with pytest.raises(standard.VerificationError) as info:
            standard.verify(secrets, hdrs, body, time.time())
        assert info.value.code == code


def test_secrets_must_be_whsec_base64() -> None:
    with pytest.raises(ValueError):
        standard.secret_bytes("whsec_not base64!")


def unpadded(secret: str) -> str:
    return secret.rstrip("=")


def test_a_secret_without_its_base64_padding_verifies_as_the_reference_library_has_it() -> None:
    secret = new_webhook_secret()
    assert secret.endswith("=")  # 32 bytes in base64 always end in one "="
    headers = signed_headers(unpadded(secret), BODY, "msg_1")  # the reference signs with it
    assert standard.verify([unpadded(secret)], headers, BODY, time.time()) == "msg_1"
    assert standard.verify([secret], headers, BODY, time.time()) == "msg_1"
    stamp = int(headers["webhook-timestamp"])
    assert standard.sign(unpadded(secret), "msg_1", stamp, BODY) == headers["webhook-signature"]


def test_svix_header_names_are_the_same_scheme() -> None:
    secret = new_webhook_secret()
    standard_names = signed_headers(secret, BODY, "msg_svix")
    svix = {k.replace("webhook-", "svix-"): v for k, v in standard_names.items()}
    assert standard.verify([secret], svix, BODY, time.time()) == "msg_svix"
    tampered = {**svix, "svix-id": "msg_other"}
    with pytest.raises(standard.VerificationError) as info:
        standard.verify([secret], tampered, BODY, time.time())
    assert info.value.code == "invalid_signature"
    # Never a mix: a webhook-id with svix-signature is not a complete set of either.
    mixed = {"webhook-id": "msg_svix", **{k: v for k, v in svix.items() if k != "svix-id"}}
    with pytest.raises(standard.VerificationError) as info:
        standard.verify([secret], mixed, BODY, time.time())
    assert info.value.code == "missing_signature_headers"
