"""The ambassador score as a pure rule: what raises it, what lowers it, what excludes, and how
its reasons read in English and Dutch."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from shareback.crm.records import Customer, Ticket
from shareback.crm.score import (
    DecileCounts,
    ReferralFacts,
    ScoreFacts,
    ScoreRules,
    band,
    calibration,
    decile,
    reasons_from_json,
    reasons_json,
    refusal,
    score,
    summary,
)
from shareback.i18n import use_locale
from shareback.settings import Settings, SettingsError

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
RULES = ScoreRules()


def customer(**changes: object) -> Customer:
    base = Customer(
        id=1,
        email="anna@example.com",
        email_key="anna@example.com",
        first_name="Anna",
        last_name=None,
        country="NL",
        tags=(),
        first_order_at=NOW - timedelta(days=200),
        last_order_at=NOW - timedelta(days=10),
        order_count=5,
        revenue_minor=25_000,
        currency="EUR",
        marketing_consent=True,
        consent_source="checkout",
        consent_at=NOW - timedelta(days=200),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ticket(days_ago: int, *, open_: bool = False, nps: int | None = None) -> Ticket:
    opened = NOW - timedelta(days=days_ago)
    return Ticket("zendesk", f"t{days_ago}", opened, None if open_ else opened, None, None, nps)


def facts(**changes: object) -> ScoreFacts:
    base = ScoreFacts(customer(), 3, (ticket(40, nps=9),), ReferralFacts(4, 6, 2), 12_000)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_loyal_happy_referrer_scores_high_and_says_why() -> None:
    found = score(facts(), RULES, NOW)
    assert found.points >= 85 and not found.excluded
    with use_locale("en"):
        assert summary(found.reasons) == (
            "3 orders in 90 days, last order 10 days ago, €250 spent, NPS 9, "
            "2 friends already converted, no open tickets"
        )
    with use_locale("nl"):
        assert summary(found.reasons) == (
            "3 bestellingen in 90 dagen, laatste bestelling 10 dagen geleden, €\u00a0250 besteed, "
            "NPS 9, 2 vrienden al klant geworden, geen open tickets"
        )


def test_each_input_moves_the_score_its_way() -> None:
    best = score(facts(), RULES, NOW).points
    lapsed = customer(last_order_at=NOW - timedelta(days=400))
    assert score(facts(customer=lapsed, orders_in_window=0), RULES, NOW).points < best
    assert score(facts(tickets=(ticket(40, nps=2),)), RULES, NOW).points < best
    assert score(facts(referrals=ReferralFacts()), RULES, NOW).points < best
    poorer = customer(revenue_minor=1_000)
    assert score(facts(customer=poorer), RULES, NOW).points < best
    never = customer(last_order_at=None, order_count=0, revenue_minor=0, currency=None)
    nobody = score(
        facts(customer=never, orders_in_window=0, tickets=(), referrals=ReferralFacts()), RULES, NOW
    )
    assert nobody.points == 0
    with use_locale("en"):
        assert summary(nobody.reasons) == "no orders yet, no open tickets"


def test_an_old_open_ticket_lowers_the_score_and_a_recent_one_excludes() -> None:
    best = score(facts(), RULES, NOW)
    old = score(facts(tickets=(ticket(40, nps=9), ticket(60, open_=True))), RULES, NOW)
    assert old.points < best.points and not old.excluded
    recent = score(facts(tickets=(ticket(40, nps=9), ticket(3, open_=True))), RULES, NOW)
    assert recent.excluded
    assert refusal(True, recent.excluded, RULES, unsubscribed=False) == "excluded"
    with use_locale("en"):
        assert "1 open ticket" in summary(old.reasons)
        assert "an unresolved ticket from 3 days ago: not invited for now" in summary(
            recent.reasons
        )
    shorter = replace(RULES, exclude_complaint_days=2)
    assert not score(facts(tickets=(ticket(3, open_=True),)), shorter, NOW).excluded


def test_weights_come_from_the_settings_and_only_referrals_can_count() -> None:
    rules = Settings.from_env(
        {
            f"SHAREBACK_SCORE_{name}_WEIGHT": "0"
            for name in ("RECENCY", "FREQUENCY", "VALUE", "SATISFACTION")
        }
    ).score_rules
    assert rules.referral_weight == 30 and rules.total_weight == 30
    assert score(facts(), rules, NOW).points == 100
    assert score(facts(referrals=ReferralFacts()), rules, NOW).points == 0
    with pytest.raises(SettingsError, match="SHAREBACK_SCORE_WINDOW_DAYS"):
        Settings.from_env({"SHAREBACK_SCORE_WINDOW_DAYS": "ninety"})


def test_consent_and_unsubscribes_decide_who_may_be_invited() -> None:
    assert refusal(True, False, RULES, unsubscribed=False) is None
    assert refusal(True, False, RULES, unsubscribed=True) == "unsubscribed"
    assert refusal(False, False, RULES, unsubscribed=False) == "no_consent"
    assert refusal(None, False, RULES, unsubscribed=False) == "unknown_consent"
    soft = replace(RULES, require_consent=False)
    assert refusal(None, False, soft, unsubscribed=False) is None
    assert refusal(False, False, soft, unsubscribed=False) == "no_consent"
    assert refusal(True, True, soft, unsubscribed=False) == "excluded"


def test_reasons_survive_storage_and_unknown_kinds_stay_silent() -> None:
    reasons = score(facts(), RULES, NOW).reasons
    assert reasons_from_json(reasons_json(reasons)) == reasons
    assert reasons_from_json("not json") == ()
    future = reasons_from_json('[{"kind": "loyalty_tier", "count": 2, "colour": "gold"}]')
    with use_locale("en"):
        assert summary(future) == ""


def test_deciles_count_who_ranks_ahead_and_fill_the_table() -> None:
    assert decile(0, 100) == 1 and decile(9, 100) == 1 and decile(10, 100) == 2
    assert decile(99, 100) == 10 and decile(0, 0) == 1 and decile(3, 7) == 5
    assert band(60) == "high" and band(59) == "medium" and band(29) == "low"
    rows = calibration([DecileCounts(1, invited=10, shared=5, converted=2, friend_orders=3)])
    assert [r.decile for r in rows] == list(range(1, 11))
    assert rows[0].conversion_rate == Decimal("0.2") and rows[0].share_rate == Decimal("0.5")
    assert rows[9].invited == 0 and rows[9].conversion_rate is None


def test_an_exports_order_count_without_dates_is_not_called_no_orders() -> None:
    """Shopify's customers export gives "Total Orders" but no order dates: five orders are not
    "no orders yet", and neither recency nor frequency earns points it cannot know."""
    undated = facts(customer=customer(first_order_at=None, last_order_at=None), orders_in_window=0)
    found = score(undated, RULES, NOW)
    kinds = [r.kind for r in found.reasons]
    assert "orders_undated" in kinds and "no_orders" not in kinds
    with use_locale("en"):
        assert summary(found.reasons).startswith("5 orders, their dates unknown, €250 spent")
    with use_locale("nl"):
        assert summary(found.reasons).startswith("5 bestellingen, data onbekend, ")
    never = facts(customer=customer(first_order_at=None, last_order_at=None, order_count=0))
    assert score(never, RULES, NOW).reasons[0].kind == "no_orders"
    assert score(undated, RULES, NOW).points < score(facts(), RULES, NOW).points
