"""The pure fraud rules: look-alike mailboxes, throwaway domains, the same visitor, and verdicts."""

from __future__ import annotations

import dataclasses

import pytest
from shareback import fraud
from shareback.fraud import FraudFacts, FraudRules

CLEAN = FraudFacts(
    advocate_email="anna@example.nl",
    friend_email="friend@example.com",
    same_customer=False,
    click_ip_hash="h1",
    order_ip_hash="h2",
    click_device="mobile",
    order_device="mobile",
    referrals_today=0,
    rewarded_referrals=0,
)


@pytest.mark.parametrize(
    ("advocate", "friend"),
    [
        ("anna@example.nl", "\u0430nna@example.nl"),  # a Cyrillic a (U+0430)
        ("paypal@example.com", "p\u0430yp\u0430l@example.com"),
        ("bob@example.com", "b0b@example.com"),
        ("anna@example.nl", "ANNA@EXAMPLE.NL"),
        ("victoria.private@gmail.com", "victoria.private+me@gmail.com"),
        ("v.p@gmail.com", "vp@googlemail.com"),
        ("x@gmail.com", "x@gma\u0456l.com"),  # a Ukrainian i (U+0456) in the domain
        ("fi@example.nl", "\ufb01@example.nl"),  # the ﬁ ligature (NFKC)
        ("all@example.nl", "aII@example.nl"),  # capital I for l
        ("mia@example.nl", "rnia@example.nl"),  # rn for m
        # Case aside as well: a capital I maps to l, so "Ivan" alone differed from "ivan" and
        # from a Cyrillic "iv\u0430n" (the review's finding).
        ("Ivan@example.com", "iv\u0430n@example.com"),
        ("ALICE@x.nl", "alice@x.nl"),
        ("Ian@example.nl", "lan@example.nl"),
    ],
)
def test_look_alike_mailboxes_are_the_same_mailbox(advocate: str, friend: str) -> None:
    assert fraud.same_mailbox(advocate, friend)


@pytest.mark.parametrize(
    ("advocate", "friend"),
    [
        ("anna@example.nl", "anne@example.nl"),
        ("a.b@example.com", "ab@example.com"),  # dots matter outside Gmail
        ("anna@example.nl", "anna@example.com"),
    ],
)
def test_different_mailboxes_stay_different(advocate: str, friend: str) -> None:
    assert not fraud.same_mailbox(advocate, friend)


def test_throwaway_domains_and_their_subdomains_are_disposable() -> None:
    assert fraud.is_disposable("x@mailinator.com")
    assert fraud.is_disposable("x@inbox.MAILINATOR.com")
    assert not fraud.is_disposable("x@gmail.com")
    assert not fraud.is_disposable("x@example.com")


def test_a_clean_referral_is_paid() -> None:
    assert fraud.judge(fraud.DEFAULT_RULES, CLEAN) == fraud.Verdict("paid", ("passed",))


def test_the_same_ip_counts_only_with_the_same_device_when_the_order_tells_it() -> None:
    same_ip = dataclasses.replace(CLEAN, order_ip_hash="h1")
    assert fraud.judge(fraud.DEFAULT_RULES, same_ip).reasons == ("self_referral_ip",)
    other_device = dataclasses.replace(same_ip, order_device="desktop")
    assert fraud.judge(fraud.DEFAULT_RULES, other_device).verdict == "paid"
    unknown_device = dataclasses.replace(same_ip, order_device=None)
    assert fraud.judge(fraud.DEFAULT_RULES, unknown_device).verdict == "review"
    no_click = dataclasses.replace(same_ip, click_ip_hash=None, order_ip_hash=None)
    assert fraud.judge(fraud.DEFAULT_RULES, no_click).verdict == "paid"


def test_refusing_rules_win_over_doubtful_ones_and_allow_turns_a_rule_off() -> None:
    facts = dataclasses.replace(
        CLEAN, friend_email="x@mailinator.com", same_customer=True, rewarded_referrals=3
    )
    rules = FraudRules(reward_cap=3)
    assert fraud.judge(rules, facts) == fraud.Verdict(
        "refused", ("self_referral_customer", "reward_cap", "disposable_email")
    )
    lenient = FraudRules(same_customer="allow", disposable_email="allow")
    assert fraud.judge(lenient, facts).verdict == "paid"


def test_the_daily_limit_and_the_cap_count_what_came_before() -> None:
    rules = FraudRules(daily_limit=3, reward_cap=5)
    assert fraud.judge(rules, dataclasses.replace(CLEAN, referrals_today=2)).verdict == "paid"
    assert fraud.judge(rules, dataclasses.replace(CLEAN, referrals_today=3)).reasons == (
        "velocity",
    )
    assert (
        fraud.judge(
            FraudRules(daily_limit=0), dataclasses.replace(CLEAN, referrals_today=99)
        ).verdict
        == "paid"
    )
    assert (
        fraud.judge(rules, dataclasses.replace(CLEAN, rewarded_referrals=5)).reason == "reward_cap"
    )
