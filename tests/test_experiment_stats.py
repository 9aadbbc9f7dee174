"""The experiment statistics against scipy, and by simulation: honest under daily peeking.

gbstats (GrowthBook's engine) is not on the package index this project can reach, so the
reference is scipy: numerical integration of the mixture likelihood ratio, root finding for
the interval's edge, scipy's chi-square and normal distributions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from shareback.experiments.stats import (
    MetricSums,
    Rules,
    chi_square_sf,
    compare,
    decide,
    mean_interval,
    mixture_halfwidth,
    mixture_likelihood_ratio,
    needed_per_variant,
    relative_variance,
    sample_ratio_p_value,
    tuning_rho2,
)

SEED = 20261201


def edge_gap(estimate: float, variance: float, tau2: float) -> float:
    """Lambda - 1/alpha at alpha = 0.05: zero at the interval's edge."""
    return integrated_ratio(estimate, variance, tau2) - 20


def integrated_ratio(estimate: float, variance: float, tau2: float) -> float:
    """Lambda by its definition: the likelihood ratio averaged over theta ~ N(0, tau^2)."""

    def integrand(theta: float) -> float:
        # N(estimate; theta, V) / N(estimate; 0, V) times the N(0, tau^2) density, in logs.
        log_ratio = (2 * theta * estimate - theta * theta) / (2 * variance)
        log_prior = -theta * theta / (2 * tau2) - math.log(math.sqrt(2 * math.pi * tau2))
        return math.exp(log_ratio + log_prior)

    spread = 12 * math.sqrt(tau2)
    value, _ = integrate.quad(integrand, -spread, spread, points=[estimate], limit=200)
    return float(value)


CASES = [
    (0.0, 0.01, 0.04),
    (0.05, 0.004, 0.04),
    (0.2, 0.01, 0.01),
    (-0.3, 0.02, 0.09),
    (0.1, 0.0005, 0.04),
]


def test_likelihood_ratio_and_interval_edge_match_numerical_integration() -> None:
    largest = 0.0
    for estimate, variance, tau2 in CASES:
        ours = mixture_likelihood_ratio(estimate, variance, tau2)
        reference = integrated_ratio(estimate, variance, tau2)
        largest = max(largest, abs(ours - reference) / reference)
        # The interval's edge: the estimate at which Lambda reaches 1/alpha.
        half = mixture_halfwidth(variance, tau2, 0.05)
        edge = optimize.brentq(edge_gap, 0, 3 * half, args=(variance, tau2))
        largest = max(largest, abs(half - edge) / edge)
    print(f"largest relative difference vs scipy (Lambda, interval edge): {largest:.2e}")
    assert largest < 1e-6


def test_each_variants_interval_is_the_asymptotic_confidence_sequence() -> None:
    """Waudby-Smith et al. (2024) Thm 2.2, the boundary gbstats draws, via scipy's root."""
    rules = Rules()
    largest = 0.0
    for n, p in [(200, 0.05), (1000, 0.3), (20_000, 0.02), (5000, 0.5)]:
        sums = MetricSums(n, n * p, n * p)
        interval = mean_interval(sums, rules)
        rho2 = tuning_rho2(rules.alpha, rules.tuning_n)
        sd = math.sqrt(sums.variance)
        # Edge where the integrated ratio of a one-sample mean reaches 1/alpha.
        variance, tau2 = sums.variance / n, rho2 * sums.variance
        edge = optimize.brentq(
            edge_gap,
            0,
            3 * (interval.high - interval.low),
            args=(variance, tau2),
        )
        closed = sd * math.sqrt(
            2 * (n * rho2 + 1) / (n * n * rho2) * math.log(math.sqrt(n * rho2 + 1) / 0.05)
        )
        half = (interval.high - interval.low) / 2
        largest = max(largest, abs(half - edge) / edge, abs(half - closed) / closed)
    print(f"largest relative difference vs scipy (variant intervals): {largest:.2e}")
    assert largest < 1e-6


def test_chi_square_and_sample_ratio_check_match_scipy() -> None:
    largest = 0.0
    for dof in (1, 2, 3, 5):
        for statistic in (0.01, 0.5, 1, 3.84, 7, 12.5, 30, 80):
            ours = chi_square_sf(statistic, dof)
            reference = float(stats.chi2.sf(statistic, dof))
            largest = max(largest, abs(ours - reference))
    for counts, weights in [
        ([1000, 1040], [1, 1]),
        ([500, 610], [1, 1]),
        ([300, 310, 650], [1, 1, 2]),
    ]:
        expected = np.array(weights) / sum(weights) * sum(counts)
        reference = float(stats.chisquare(counts, expected).pvalue)
        largest = max(largest, abs(sample_ratio_p_value(counts, weights) - reference))
    print(f"largest absolute difference vs scipy (chi-square p-values): {largest:.2e}")
    assert largest < 1e-9


def test_relative_uplift_variance_matches_a_simulation_of_the_ratio() -> None:
    """The delta method against 200,000 simulated experiments (the ratio's own spread)."""
    rng = np.random.default_rng(SEED)
    n, p_a, p_b = 4000, 0.1, 0.12
    ratios = rng.binomial(n, p_b, 200_000) / rng.binomial(n, p_a, 200_000) - 1
    control, variant = MetricSums(n, n * p_a, n * p_a), MetricSums(n, n * p_b, n * p_b)
    ours = relative_variance(
        control, variant, control_var=p_a * (1 - p_a), variant_var=p_b * (1 - p_b)
    )
    difference = abs(ours - float(ratios.var())) / float(ratios.var())
    print(f"delta-method variance vs simulated: relative difference {difference:.3f}")
    assert difference < 0.03


def test_a_clear_winner_is_decided_and_worded_as_data() -> None:
    sums = {"A": MetricSums(5000, 500, 500), "B": MetricSums(5000, 650, 650)}
    verdict = decide(sums, {"A": 1, "B": 1}, control="A", days_running=14, binary=True)
    assert verdict.status == "decided" and verdict.winner == "B"
    (comparison,) = verdict.comparisons
    assert comparison.uplift == pytest.approx(0.3)
    assert 0 < comparison.interval.low < 0.3 < comparison.interval.high
    assert verdict.days_left is None


def test_no_verdict_before_the_minimum_sample_and_a_full_week() -> None:
    sums = {"A": MetricSums(5000, 500, 500), "B": MetricSums(5000, 900, 900)}
    early = decide(sums, {"A": 1, "B": 1}, control="A", days_running=3, binary=True)
    assert early.status == "collecting" and early.days_left == 4
    small = {"A": MetricSums(40, 4, 4), "B": MetricSums(40, 12, 12)}
    assert (
        decide(small, {"A": 1, "B": 1}, control="A", days_running=30, binary=True).status
        == "collecting"
    )


def test_a_broken_split_is_flagged_before_anything_else() -> None:
    sums = {"A": MetricSums(5000, 500, 500), "B": MetricSums(5600, 900, 900)}
    verdict = decide(sums, {"A": 1, "B": 1}, control="A", days_running=14, binary=True)
    assert verdict.status == "sample_ratio_mismatch" and verdict.winner is None
    assert verdict.srm_p_value < 0.001


def test_an_undecided_test_says_how_many_more_days() -> None:
    # 100 advocates a day per variant for 10 days, 10 % converting, B a little better.
    sums = {"A": MetricSums(1000, 100, 100), "B": MetricSums(1000, 108, 108)}
    verdict = decide(sums, {"A": 1, "B": 1}, control="A", days_running=10, binary=True)
    assert verdict.status == "undecided"
    assert verdict.needed_per_variant is not None and verdict.days_left is not None
    assert verdict.days_left == math.ceil((verdict.needed_per_variant - 1000) / 100)


def test_a_worse_variant_against_one_control_keeps_the_control() -> None:
    sums = {"A": MetricSums(5000, 700, 700), "B": MetricSums(5000, 450, 450)}
    verdict = decide(sums, {"A": 1, "B": 1}, control="A", days_running=14, binary=True)
    assert verdict.status == "decided" and verdict.winner == "A"


def test_several_variants_are_corrected_for_multiplicity() -> None:
    control, variant = MetricSums(3000, 300, 300), MetricSums(3000, 360, 360)
    two = compare(control, variant, "B", alpha=0.05, tau=0.2)
    four = compare(control, variant, "B", alpha=0.05, tau=0.2, comparisons=3)
    assert four.interval.low < two.interval.low and four.interval.high > two.interval.high
    sums = {"A": control, "B": variant, "C": control, "D": control}
    verdict = decide(sums, dict.fromkeys(sums, 1.0), control="A", days_running=14, binary=True)
    (b, *_) = verdict.comparisons
    assert b.p_value == pytest.approx(min(1.0, 3 * two.p_value), rel=1e-9)


# The simulations: every simulated day the owner looks, and a verdict at any look counts.
AA_EXPERIMENTS = 1000
AA_DAYS = 42


def simulate(
    rng: np.random.Generator, experiments: int, days: int, rates: list[float], per_day: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative exposures and conversions, shape (experiments, days, variants)."""
    exposures = rng.poisson(per_day, (experiments, days, len(rates)))
    conversions = rng.binomial(exposures, np.array(rates))
    return exposures.cumsum(axis=1), conversions.cumsum(axis=1)


def first_verdicts(
    exposed: np.ndarray, converted: np.ndarray, names: list[str], rules: Rules
) -> list[str | None]:
    winners: list[str | None] = []
    for experiment in range(exposed.shape[0]):
        winner = None
        for day in range(rules.min_days - 1, exposed.shape[1]):
            sums = {
                name: MetricSums(int(n), float(c), float(c))
                for name, n, c in zip(
                    names, exposed[experiment, day], converted[experiment, day], strict=True
                )
            }
            verdict = decide(
                sums,
                dict.fromkeys(names, 1.0),
                control=names[0],
                days_running=day + 1,
                rules=rules,
                binary=True,
            )
            if verdict.status == "decided":
                winner = verdict.winner
                break
        winners.append(winner)
    return winners


def test_aa_experiments_peeked_at_daily_rarely_crown_a_winner() -> None:
    rng = np.random.default_rng(SEED)
    rules = Rules()
    exposed, converted = simulate(rng, AA_EXPERIMENTS, AA_DAYS, [0.05, 0.05], per_day=60)
    winners = first_verdicts(exposed, converted, ["A", "B"], rules)
    rate = sum(w is not None for w in winners) / AA_EXPERIMENTS
    print(
        f"A/A: {AA_EXPERIMENTS} experiments, seed {SEED}, daily looks for {AA_DAYS} days: false-winner rate {rate:.3f}"
    )
    assert rate <= 0.05


def test_aa_experiments_with_three_variants_stay_honest_too() -> None:
    rng = np.random.default_rng(SEED + 1)
    rules = Rules()
    exposed, converted = simulate(rng, 400, 28, [0.08, 0.08, 0.08], per_day=50)
    winners = first_verdicts(exposed, converted, ["A", "B", "C"], rules)
    rate = sum(w is not None for w in winners) / 400
    print(
        f"A/A/A: 400 experiments, seed {SEED + 1}, daily looks for 28 days: false-winner rate {rate:.3f}"
    )
    assert rate <= 0.05


def test_a_true_uplift_is_found_at_the_sample_the_planner_promised() -> None:
    rules = Rules()
    p_a, uplift, per_day = 0.08, 0.25, 150
    # The planner sees the control's rate and is asked about the planned uplift.
    control = MetricSums(1000, 1000 * p_a, 1000 * p_a)
    promised = needed_per_variant(control, uplift=uplift, variants=2, rules=rules, binary=True)
    days = max(rules.min_days, math.ceil(promised / per_day))
    rng = np.random.default_rng(SEED + 2)
    experiments = 500
    exposed, converted = simulate(
        rng, experiments, days, [p_a, p_a * (1 + uplift)], per_day=per_day
    )
    winners = first_verdicts(exposed, converted, ["A", "B"], rules)
    power = sum(w == "B" for w in winners) / experiments
    wrong = sum(w == "A" for w in winners) / experiments
    print(
        f"power: {experiments} experiments, seed {SEED + 2}, true uplift {uplift:.0%} on {p_a:.0%}, "
        f"planner promised {promised} per variant ({days} days at {per_day}/day): power {power:.3f}, wrong winner {wrong:.3f}"
    )
    assert power >= 0.8
    assert wrong == 0


def test_planner_matches_scipy_normal_quantiles() -> None:
    from statistics import NormalDist

    largest = max(
        abs(NormalDist().inv_cdf(q) - float(stats.norm.ppf(q)))
        for q in (0.5, 0.8, 0.9, 0.975, 0.999)
    )
    print(f"largest difference vs scipy (normal quantiles): {largest:.2e}")
    assert largest < 1e-9


def test_aa_revenue_per_advocate_stays_honest_with_a_skewed_spend() -> None:
    """Revenue: most exposed advocates bring nothing, a few bring orders of very different size."""
    rng = np.random.default_rng(SEED + 3)
    experiments, days, per_day, rules = 500, 28, 80, Rules()
    exposures = rng.poisson(per_day, (experiments, days, 2))
    orders = rng.binomial(exposures, 0.06)
    # One lognormal order value per order (median 40, long right tail), summed per day.
    flat = orders.ravel()
    values = rng.lognormal(math.log(40), 0.9, int(flat.sum()))
    cell = np.repeat(np.arange(flat.size), flat)
    total = np.bincount(cell, weights=values, minlength=flat.size).reshape(orders.shape)
    total_sq = np.bincount(cell, weights=values**2, minlength=flat.size).reshape(orders.shape)
    n, s, ss = exposures.cumsum(axis=1), total.cumsum(axis=1), total_sq.cumsum(axis=1)
    false_winners = 0
    for experiment in range(experiments):
        for day in range(rules.min_days - 1, days):
            sums = {
                v: MetricSums(
                    int(n[experiment, day, i]),
                    float(s[experiment, day, i]),
                    float(ss[experiment, day, i]),
                )
                for i, v in enumerate("AB")
            }
            if (
                decide(
                    sums, {"A": 1, "B": 1}, control="A", days_running=day + 1, rules=rules
                ).status
                == "decided"
            ):
                false_winners += 1
                break
    rate = false_winners / experiments
    print(
        f"A/A revenue: {experiments} experiments, seed {SEED + 3}, daily looks for {days} days: false-winner rate {rate:.3f}"
    )
    assert rate <= 0.05
