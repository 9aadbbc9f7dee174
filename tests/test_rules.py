"""Pure rules: codes, e-mail keys, tokens, identity, money, rewards, attribution."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from itsdangerous import TimestampSigner
from shareback import (
    attribution,
    codes,
    emails,
    identity,
    keyed_hash,
    money,
    rewards,
    tokens,
    visitors,
)
from shareback.attribution import CampaignRules, Candidate, Facts


def test_code_prefix_folds_accents_and_never_spells_the_email() -> None:
    assert codes.code_prefix("Zoë van Dijk") == "ZOE"
    assert codes.code_prefix(None) == "FRIEND"  # not JANPIETE from jan.pieter@…
    assert codes.code_prefix("李") == "FRIEND"


def test_new_codes_avoid_ambiguous_characters() -> None:
    drawn = {codes.new_code("ANNA") for _ in range(500)}
    assert len(drawn) > 450
    for code in drawn:
        suffix = code.split("-")[1]
        assert not set(suffix) & set("01OIL"), code
        assert codes.normalize_code(code.lower()) == code


def test_normalize_code_refuses_what_is_not_a_code() -> None:
    assert codes.normalize_code(" anna-7kq2 ") == "ANNA-7KQ2"
    for bad in ("", "ANNA", "ANNA-7K", "ANNA-7KQ2/../x", "ANNA-OOOO", "<script>"):
        assert codes.normalize_code(bad) is None


def test_email_key_treats_one_inbox_as_one_person() -> None:
    assert emails.email_key("Anna+promo@Example.NL") == "anna@example.nl"
    assert emails.email_key("a.n.n.a@googlemail.com") == emails.email_key("anna@gmail.com")
    assert emails.email_key("a.nna@example.nl") != emails.email_key("anna@example.nl")


@pytest.mark.parametrize("value", ["anna@example.nl", "a+b@sub.example.co.uk"])
def test_valid_emails(value: str) -> None:
    assert emails.is_valid_email(value)


@pytest.mark.parametrize(
    "value", ["", "anna", "anna@", "@example.nl", "an na@example.nl", "a@b", "a@@b.nl"]
)
def test_invalid_emails(value: str) -> None:
    assert not emails.is_valid_email(value)


def test_ref_token_round_trips_and_detects_tampering() -> None:
    token = tokens.sign_ref("secret", "ANNA-7KQ2", "click123")
    claims = tokens.verify_ref("secret", token)
    assert (claims.code, claims.click_token) == ("ANNA-7KQ2", "click123")
    assert abs((claims.issued_at - datetime.now(UTC)).total_seconds()) < 5
    assert tokens.looks_like_token(token) and not tokens.looks_like_token("ANNA-7KQ2")
    tampered = token.replace("ANNA-7KQ2", "PIET-7KQ2")
    for bad in (tampered, token[:-2], token + "x", "a.b.c.d", "nonsense"):
        with pytest.raises(tokens.InvalidRef):
            tokens.verify_ref("secret", bad)
    with pytest.raises(tokens.InvalidRef):
        tokens.verify_ref("another-secret", token)


def test_a_ref_is_signed_as_itsdangerous_signs_it() -> None:
    """sign_ref writes the signer's format by hand (a click's CPU): the very same token."""
    ours = tokens.sign_ref("secret", "ANNA-7KQ2", "c1")
    issued = int(tokens.verify_ref("secret", ours).issued_at.timestamp())
    signer = TimestampSigner(
        "secret", salt="shareback.ref", digest_method=__import__("hashlib").sha256
    )
    signer.get_timestamp = lambda: issued  # type: ignore[method-assign]
    assert ours == signer.sign("ANNA-7KQ2.c1").decode()


def test_keyed_hashes_are_hmac_sha256() -> None:
    for key in (b"", b"k", b"k" * 64, b"k" * 65, bytes(range(200))):
        for message in (b"", b"10.1.2.3", b"m" * 300):
            expected = hmac.new(key, message, hashlib.sha256).digest()
            assert keyed_hash.hmac_sha256(key, message) == expected


def test_ref_token_keeps_its_issue_time_for_the_window_check() -> None:
    signer = TimestampSigner(
        "secret", salt="shareback.ref", digest_method=__import__("hashlib").sha256
    )
    signer.get_timestamp = lambda: int(time.time()) - 40 * 86400  # type: ignore[method-assign]
    old = signer.sign("ANNA-7KQ2.c1").decode()
    claims = tokens.verify_ref("secret", old)
    assert datetime.now(UTC) - claims.issued_at > timedelta(days=39)


def test_user_hash_is_checked_in_constant_time_and_case_insensitively() -> None:
    good = identity.user_hash("k", "Anna@Example.nl")
    assert identity.is_verified("k", "Anna@Example.nl", good)
    assert identity.is_verified("k", "Anna@Example.nl", good.upper())
    assert identity.is_verified("k", "Anna@Example.nl", identity.user_hash("k", "anna@example.nl"))
    assert not identity.is_verified("k", "other@example.nl", good)
    assert not identity.is_verified("other-key", "Anna@Example.nl", good)
    assert not identity.is_verified("k", "Anna@Example.nl", "")


def test_money_is_parsed_exactly() -> None:
    assert money.to_minor("59.90", "EUR") == 5990
    assert money.to_minor("1000", "JPY") == 1000
    assert money.to_minor(Decimal("0.1"), "EUR") == 10
    for bad in ("59.901", "-1", "abc", "NaN", "Infinity", "1e30"):
        with pytest.raises(money.InvalidAmount):
            money.to_minor(bad, "EUR")
    with pytest.raises(money.InvalidAmount):
        money.to_minor(59.9, "EUR")
    assert money.format_money(550, "EUR", "nl") == "€\u00a05,50"
    assert money.format_money(500, "EUR", "en") == "€5"


def test_reward_costs_and_wording() -> None:
    ten_percent = rewards.RewardSpec("percent_discount", "10")
    assert ten_percent.cost_minor(5990) == 599
    assert ten_percent.describe("nl") == "10% korting"
    credit = rewards.RewardSpec("credit", "5.00")
    assert credit.cost_minor(5990) == 500
    assert credit.describe("nl") == "€\u00a05 tegoed" and credit.describe("en") == "€5 store credit"
    assert rewards.RewardSpec("points", "100").cost_minor(5990) is None
    for bad in (("percent_discount", "120"), ("gift", "1"), ("credit", "-1"), ("credit", "x")):
        with pytest.raises(rewards.InvalidReward):
            rewards.RewardSpec(*bad)


def test_reward_state_machine() -> None:
    assert rewards.transition("pending", "approved") == "approved"
    assert rewards.transition("pending", "revoked") == "revoked"
    for current, target in (
        ("approved", "pending"),
        ("revoked", "approved"),
        ("approved", "approved"),
    ):
        with pytest.raises(rewards.InvalidTransition):
            rewards.transition(current, target)
    paid = datetime(2026, 1, 1, tzinfo=UTC)
    due = rewards.approve_after(paid, 14)
    assert due == datetime(2026, 1, 15, tzinfo=UTC)


RULES = CampaignRules(
    attribution_days=30, new_customers_only=True, starts_at=None, ends_at=None, archived=False
)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def candidate(issued_days_ago: float | None = 1) -> Candidate:
    issued = None if issued_days_ago is None else NOW - timedelta(days=issued_days_ago)
    return Candidate(1, "anna@example.nl", 1, "link" if issued else "code", "c1", issued)


def facts(email: str = "friend@example.nl", prior: bool = False, referred: bool = False) -> Facts:
    return Facts(email, NOW, prior, referred)


def test_attribution_credits_a_new_friend() -> None:
    decision = attribution.decide(candidate(), RULES, facts())
    assert decision.credited and decision.reason == "referral"
    assert attribution.decide(candidate(None), RULES, facts()).reason == "referral_code"


@pytest.mark.parametrize(
    ("cand", "rules", "fact", "reason"),
    [
        (candidate(), RULES, facts("anna@example.nl"), "self_referral"),
        (candidate(31), RULES, facts(), "ref_expired"),
        (candidate(), RULES, facts(prior=True), "repeat_customer"),
        (candidate(), RULES, facts(referred=True), "already_referred"),
        (
            candidate(),
            CampaignRules(30, True, None, NOW - timedelta(days=1), False),
            facts(),
            "campaign_inactive",
        ),
        (
            candidate(),
            CampaignRules(30, True, NOW + timedelta(days=1), None, False),
            facts(),
            "campaign_inactive",
        ),
        (candidate(), CampaignRules(30, True, None, None, True), facts(), "campaign_archived"),
    ],
)
def test_attribution_refuses_with_a_reason(
    cand: Candidate, rules: CampaignRules, fact: Facts, reason: str
) -> None:
    decision = attribution.decide(cand, rules, fact)
    assert (decision.status, decision.reason) == ("ignored", reason)


def test_repeat_customers_count_when_the_campaign_allows_them() -> None:
    rules = CampaignRules(30, False, None, None, False)
    assert attribution.decide(candidate(), rules, facts(prior=True)).credited


def test_link_previews_are_bots_and_phones_are_mobile() -> None:
    assert visitors.device_class("WhatsApp/2.23.20.0 A") == "bot"
    assert visitors.device_class("facebookexternalhit/1.1") == "bot"
    assert visitors.device_class("") == "bot"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
    )
    assert visitors.device_class(iphone) == "mobile"
    assert visitors.device_class("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)") == "tablet"
    android = "Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit/537.36 Chrome/126.0"
    assert visitors.device_class(android + " Safari/537.36") == "tablet"  # no "Mobile"
    assert visitors.device_class(android + " Mobile Safari/537.36") == "mobile"
    assert visitors.device_class("Mozilla/5.0 (compatible; Googlebot/2.1)") == "bot"
    assert visitors.is_link_preview("WhatsApp/2.23.20.0 A") and not visitors.is_link_preview(
        android
    )
    # Addresses as ipaddress writes them are taken as they are; others are parsed.
    assert visitors.network_of("10.0.0.1") == "10.0.0.1"
    assert visitors.network_of("::ffff:10.0.0.1") == "10.0.0.1"
    assert visitors.network_of("2001:db8::1:2:3:4") == "2001:db8::/64"
    assert visitors.network_of("010.0.0.1") == "010.0.0.1"  # not an address: kept as text
    assert (
        visitors.device_class("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130") == "desktop"
    )
    assert visitors.ip_hash("salt", "1.2.3.4") != visitors.ip_hash("other", "1.2.3.4")
    assert "1.2.3.4" not in visitors.ip_hash("salt", "1.2.3.4")
