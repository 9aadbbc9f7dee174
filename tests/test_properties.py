"""Hypothesis property tests of the pure rules strangers' input reaches first: the signed ref,
the codes typed at checkouts, and the Standard Webhooks signature headers. Each says what holds
for every input, and any tampering is refused."""

from __future__ import annotations

import base64
import contextlib
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shareback import campaigns, code_pool, codes, emails, money, tokens
from shareback.webhooks import standard
from standardwebhooks.webhooks import Webhook

# Run on every test run, so they stay quick; no database is involved.
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

secrets_text = st.text(min_size=1, max_size=64)
code_prefixes = st.from_regex(r"\A[A-Z]{1,8}\Z")
click_tokens = st.from_regex(r"\A[A-Za-z0-9_-]{8,43}\Z")
referral_codes = code_prefixes.map(codes.new_code)


def whsec() -> st.SearchStrategy[str]:
    return st.binary(min_size=1, max_size=64).map(
        lambda raw: "whsec_" + base64.b64encode(raw).decode()
    )


# --- the signed ref


@PROPERTY
@given(secret=secrets_text, code=referral_codes, click=click_tokens)
def test_a_signed_ref_verifies_to_exactly_what_was_signed(
    secret: str, code: str, click: str
) -> None:
    claims = tokens.verify_ref(secret, tokens.sign_ref(secret, code, click))
    assert (claims.code, claims.click_token) == (code, click)
    assert claims.issued_at.tzinfo is UTC
    assert tokens.looks_like_token(tokens.sign_ref(secret, code, click))


@PROPERTY
@given(
    secret=secrets_text,
    code=referral_codes,
    click=click_tokens,
    position=st.integers(min_value=0),
    replacement=st.characters(codec="ascii"),
)
def test_a_tampered_ref_never_verifies_to_other_claims(
    secret: str, code: str, click: str, position: int, replacement: str
) -> None:
    token = tokens.sign_ref(secret, code, click)
    index = position % len(token)
    if token[index] == replacement:
        return
    tampered = token[:index] + replacement + token[index + 1 :]
    signed_part = token.rsplit(".", 1)[0]
    try:
        claims = tokens.verify_ref(secret, tampered)
    except tokens.InvalidRef:
        return
    # Only a base64 character whose spare bits are ignored can change and still decode to the
    # same signature: the claims are then the very ones signed, never others.
    assert index >= len(signed_part) and (claims.code, claims.click_token) == (code, click)


@PROPERTY
@given(
    secret=secrets_text,
    other=secrets_text,
    code=referral_codes,
    click=click_tokens,
    cut=st.integers(min_value=1),
)
def test_a_ref_under_another_key_or_cut_short_is_refused(
    secret: str, other: str, code: str, click: str, cut: int
) -> None:
    token = tokens.sign_ref(secret, code, click)
    if other != secret:
        with pytest.raises(tokens.InvalidRef):
            tokens.verify_ref(other, token)
    with pytest.raises(tokens.InvalidRef):
        tokens.verify_ref(secret, token[: -(cut % len(token)) or -1])


@PROPERTY
@given(secret=secrets_text, garbage=st.text(max_size=300))
@example(secret="k", garbage="a.b.c.d")
@example(secret="k", garbage="\ud800.x.y.z")
def test_any_text_as_a_ref_is_refused_cleanly(secret: str, garbage: str) -> None:
    with contextlib.suppress(tokens.InvalidRef):
        tokens.verify_ref(secret, garbage)


# --- codes typed at checkouts


@PROPERTY
@given(name=st.none() | st.text(max_size=40))
def test_every_code_we_issue_is_recognised_however_it_is_typed(name: str | None) -> None:
    prefix = codes.code_prefix(name)
    assert re.fullmatch(r"[A-Z]{1,8}", prefix)
    code = codes.new_code(prefix)
    for typed in (code, code.lower(), f"  {code.swapcase()}\n", code.capitalize()):
        assert codes.normalize_code(typed) == code
        assert codes.normalize_coupon(typed) == code  # a referral code also works as a coupon


@PROPERTY
@given(raw=st.text(max_size=100))
@example(raw="ANNA-7KQ2\n")
@example(raw="anna-7kq2\u0131")
def test_normalised_codes_are_code_shaped_and_stable(raw: str) -> None:
    for normalize, pattern in (
        (codes.normalize_code, codes.CODE_PATTERN),
        (codes.normalize_coupon, codes.COUPON_PATTERN),
    ):
        found = normalize(raw)
        if found is not None:
            assert found.isascii() and pattern.fullmatch(found) and "\n" not in found
            assert normalize(found) == found
            assert normalize(found.lower()) == found


@PROPERTY
@given(
    prefix=st.from_regex(r"\A[A-Z][A-Z0-9]{0,11}\Z"),
    reward=st.sampled_from(["percent_discount", "fixed_discount", "credit", "coupon"]),
    value=st.decimals(min_value=0, max_value=10**6, places=2).map(str),
    attempt=st.integers(min_value=0, max_value=30),
)
@example(prefix="AL", reward="coupon", value="0", attempt=0)  # was "AL": too short to type
def test_every_coupon_and_friend_code_we_make_is_recognised(
    prefix: str, reward: str, value: str, attempt: int
) -> None:
    coupon = codes.coupon_code(prefix, codes.offer_number(reward, value), attempt)
    assert codes.normalize_coupon(coupon.lower()) == coupon
    friend = codes.friend_code(prefix)
    assert codes.normalize_coupon(f" {friend.lower()} ") == friend


# --- Standard Webhooks signature headers

message_ids = st.from_regex(r"\Amsg_[A-Za-z0-9_-]{1,200}\Z")
bodies = st.text(max_size=500).map(str.encode)
timestamps = st.integers(min_value=1_000_000_000, max_value=4_000_000_000)


def headers_for(secret: str, message_id: str, stamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": standard.sign(secret, message_id, stamp, body),
    }


@PROPERTY
@given(secret=whsec(), message_id=message_ids, stamp=timestamps, body=bodies)
def test_what_we_sign_verifies_here_and_in_the_reference_library(
    secret: str, message_id: str, stamp: int, body: bytes
) -> None:
    headers = headers_for(secret, message_id, stamp, body)
    assert standard.verify([secret], headers, body, stamp) == message_id
    # The reference library agrees byte for byte, padding or not.
    moment = datetime.fromtimestamp(stamp, UTC)
    reference = Webhook(secret).sign(message_id, moment, body.decode())
    assert reference == headers["webhook-signature"]
    assert standard.sign(secret.rstrip("="), message_id, stamp, body) == reference
    svix = {name.replace("webhook-", "svix-"): value for name, value in headers.items()}
    assert standard.verify([secret], svix, body, stamp) == message_id


@PROPERTY
@given(
    secret=whsec(),
    message_id=message_ids,
    stamp=timestamps,
    body=bodies,
    other_body=bodies,
    other_id=message_ids,
    shift=st.integers(min_value=1, max_value=standard.TOLERANCE_SECONDS),
    flip=st.integers(min_value=0),
)
def test_any_tampering_with_a_signed_message_is_refused(
    secret: str,
    message_id: str,
    stamp: int,
    body: bytes,
    other_body: bytes,
    other_id: str,
    shift: int,
    flip: int,
) -> None:
    headers = headers_for(secret, message_id, stamp, body)
    tampered: list[tuple[dict[str, str], bytes]] = []
    if other_body != body:
        tampered.append((headers, other_body))
    if other_id != message_id:
        tampered.append(({**headers, "webhook-id": other_id}, body))
    # A later timestamp, still within tolerance, is not the one signed.
    tampered.append(({**headers, "webhook-timestamp": str(stamp + shift)}, body))
    signature = base64.b64decode(headers["webhook-signature"].removeprefix("v1,"))
    index = flip % len(signature)
    changed = signature[:index] + bytes([signature[index] ^ 1]) + signature[index + 1 :]
    tampered.append(
        ({**headers, "webhook-signature": "v1," + base64.b64encode(changed).decode()}, body)
    )
    for bad_headers, bad_body in tampered:
        with pytest.raises(standard.VerificationError) as info:
            standard.verify([secret], bad_headers, bad_body, stamp)
        assert info.value.status == 401


@PROPERTY
@given(secret=whsec(), other=whsec(), message_id=message_ids, body=bodies)
def test_a_signature_under_another_secret_is_refused(
    secret: str, other: str, message_id: str, body: bytes
) -> None:
    stamp = int(datetime.now(UTC).timestamp())
    headers = headers_for(other, message_id, stamp, body)
    if standard.secret_bytes(other) != standard.secret_bytes(secret):
        with pytest.raises(standard.VerificationError):
            standard.verify([secret], headers, body, stamp)


@PROPERTY
@given(
    value=st.sampled_from(["summer-2025", "anna@example.nl", "EUR", "WELKOM", "ANNA10"]),
    tail=st.sampled_from(["\n", "\r\n", "\x00", " x"]),
)
def test_a_value_with_a_line_break_after_it_is_never_valid(value: str, tail: str) -> None:
    """Python's $ matches before a final newline: the validators use fullmatch instead."""
    assert campaigns.SLUG_PATTERN.fullmatch(value + tail) is None
    assert not emails.is_valid_email(value + tail)
    assert money.CURRENCY_PATTERN.fullmatch(value + tail) is None
    assert codes.PREFIX_PATTERN.fullmatch(value + tail) is None
    assert code_pool.POOL_CODE.fullmatch(value + tail) is None
    with pytest.raises(campaigns.InvalidCampaign):
        campaigns.slug(value + tail)
