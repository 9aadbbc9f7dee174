"""Statistics for A/B experiments that stay valid while the owner looks every day.

One method: the mixture sequential probability ratio test (mSPRT) with a normal mixing
distribution, and the confidence sequences it implies. Johari, Koomen, Pekelis and Walsh,
"Peeking at A/B Tests: Why it matters, and what to do about it" (KDD 2017) and "Always
Valid Inference: Continuous Monitoring of A/B Tests" (Operations Research 70(3), 2022),
section 4, give for an estimate ``theta_hat`` with variance ``V`` and a N(0, tau^2) mixture

    Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 * theta_hat^2 / (2 V (V + tau^2)))

(their eq. for the two-stream normal case); rejecting "no difference" the first time
``Lambda >= 1/alpha`` keeps the chance of ever rejecting a true null at most ``alpha``,
however often one looks (Ville's inequality on the martingale ``Lambda``). The matching
always-valid interval (the values not rejected) is

    theta_hat +- sqrt(V (V + tau^2) / tau^2 * (2 log(1/alpha) + log((V + tau^2) / V))).

With a plug-in variance the same boundary is the "asymptotic confidence sequence" of
Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas, "Time-uniform central limit theory and
asymptotic confidence sequences" (Annals of Statistics, 2024), Theorem 2.2 with
``tau^2 = rho^2 sigma^2``: for a single mean ``sigma * sqrt(2 (t rho^2 + 1) / (t^2 rho^2) *
log(sqrt(t rho^2 + 1) / alpha))`` -- the interval GrowthBook's engine (gbstats) draws for
its sequential tests. We use that form for each variant's own interval.

Why this method and not a Bayesian rule: a decision on "chance to beat control" with an
expected-loss threshold has no bound on how often a daily peeker crowns a variant that is
no better; the mSPRT has one (``alpha``), holds for any number of looks, and needs no prior
that the owner would have to choose. Its price is wider intervals early on.

Comparisons are on the relative scale (variant / control - 1) with the delta method's
variance (Casella & Berger, Statistical Inference, 2nd ed., section 5.5.4), so one mixing
spread ``tau`` -- the uplift the owner hopes to see -- serves conversion and revenue metrics
alike. Several variants against one control are Bonferroni-corrected (``alpha / (k - 1)``),
which keeps the family-wise error at ``alpha`` under continuous monitoring too. Assignment is
checked with Pearson's chi-square goodness-of-fit test against the traffic weights (the
"sample ratio mismatch" check of Fabijan et al., KDD 2019), its p-value from the regularised
incomplete gamma function (Numerical Recipes, 3rd ed., section 6.2).

Every metric is summarised per variant as (n, sum, sum of squares) over exposed advocates,
as gbstats does: a yes/no metric (shared at least once) has sum of squares == sum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

_NORMAL = NormalDist()

Status = Literal["collecting", "sample_ratio_mismatch", "undecided", "decided"]


@dataclass(frozen=True, slots=True)
class MetricSums:
    """One metric over one variant's exposed advocates: count, sum and sum of squares."""

    n: int
    total: float
    total_sq: float

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """Sample variance (n - 1 in the denominator); 0 below two observations."""
        if self.n < 2:
            return 0.0
        return max(0.0, (self.total_sq - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True, slots=True)
class Rules:
    """The experiment's decision settings; the defaults are the dashboard's."""

    alpha: float = 0.05
    tau: float = 0.2  # mixing spread on the relative scale: the uplift hoped for
    min_per_variant: int = 100  # exposed advocates in every variant before a verdict
    min_events: int = 10  # and at least this many successes (sum) in the control
    min_days: int = 7  # a full week, so weekdays and weekends are both in
    srm_p: float = 0.001  # below this the split is broken (GrowthBook's threshold)
    power: float = 0.8
    tuning_n: int = 5000  # where each variant's own interval is tightest (gbstats' default)


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Comparison:
    """One variant against the control, on the relative scale (0.18 = 18 % better)."""

    variant: str
    uplift: float
    interval: Interval
    p_value: float  # always valid, Bonferroni-corrected
    better: bool  # significantly better than the control
    worse: bool  # significantly worse


@dataclass(frozen=True, slots=True)
class VariantResult:
    variant: str
    n: int
    mean: float
    interval: Interval


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the dashboard words; ``winner`` is set only when ``status == "decided"``."""

    status: Status
    winner: str | None
    variants: tuple[VariantResult, ...]
    comparisons: tuple[Comparison, ...]
    srm_p_value: float
    days_left: int | None  # planner: about this many more days at the current traffic
    needed_per_variant: int | None


def mixture_halfwidth(variance: float, tau2: float, alpha: float) -> float:
    """Half-width of the always-valid interval (Johari et al. 2022, section 4)."""
    if variance <= 0:
        return 0.0
    ratio = (variance + tau2) / variance
    return math.sqrt(
        variance * (variance + tau2) / tau2 * (2 * math.log(1 / alpha) + math.log(ratio))
    )


def mixture_likelihood_ratio(estimate: float, variance: float, tau2: float) -> float:
    """The mSPRT statistic Lambda for one look; its reciprocal is the always-valid p-value."""
    if variance <= 0:
        return math.inf if estimate else 1.0
    exponent = tau2 * estimate * estimate / (2 * variance * (variance + tau2))
    return math.sqrt(variance / (variance + tau2)) * math.exp(min(exponent, 700.0))


def tuning_rho2(alpha: float, tuning_n: int) -> float:
    """rho^2 that makes the interval tightest near ``tuning_n`` observations.

    Waudby-Smith et al. (2024), eq. (2.4) and its remark; gbstats' ``sequential_rho``.
    """
    log_term = -2 * math.log(alpha)
    return (log_term + math.log(log_term + 1)) / tuning_n


def mean_interval(sums: MetricSums, rules: Rules) -> Interval:
    """Always-valid interval for one variant's mean (asymptotic confidence sequence)."""
    if sums.n == 0:
        return Interval(0.0, 0.0)
    variance = sums.variance / sums.n
    tau2 = tuning_rho2(rules.alpha, rules.tuning_n) * sums.variance
    if tau2 <= 0:
        return Interval(sums.mean, sums.mean)
    half = mixture_halfwidth(variance, tau2, rules.alpha)
    return Interval(sums.mean - half, sums.mean + half)


def relative_variance(
    control: MetricSums, variant: MetricSums, *, control_var: float, variant_var: float
) -> float:
    """Delta-method variance of variant_mean / control_mean - 1 (Casella & Berger 5.5.4)."""
    m_a, m_b = control.mean, variant.mean
    return variant_var / (variant.n * m_a**2) + m_b**2 * control_var / (control.n * m_a**4)


def compare(
    control: MetricSums,
    variant: MetricSums,
    name: str,
    *,
    alpha: float,
    tau: float,
    comparisons: int = 1,
) -> Comparison:
    """mSPRT of variant against control on the relative scale.

    ``alpha`` is the family's level, shared by ``comparisons`` variants (Bonferroni): the
    interval is drawn at ``alpha / comparisons`` and the p-value is ``comparisons / Lambda``.
    """
    if control.n == 0 or variant.n == 0 or control.mean <= 0:
        return Comparison(name, 0.0, Interval(-math.inf, math.inf), 1.0, False, False)
    uplift = variant.mean / control.mean - 1
    # A variant with no spread yet (no successes at all) borrows the control's: the delta
    # method would otherwise call a 0 of 40 certain.
    variant_var = variant.variance if variant.variance > 0 else control.variance
    variance = relative_variance(
        control, variant, control_var=control.variance, variant_var=variant_var
    )
    tau2 = tau * tau
    half = mixture_halfwidth(variance, tau2, alpha / comparisons)
    p_value = min(1.0, comparisons / mixture_likelihood_ratio(uplift, variance, tau2))
    low, high = uplift - half, uplift + half
    return Comparison(name, uplift, Interval(low, high), p_value, low > 0, high < 0)


def chi_square_sf(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X chi-square with ``dof`` degrees of freedom."""
    if statistic <= 0:
        return 1.0
    return _gamma_q(dof / 2, statistic / 2)


def _gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) (Numerical Recipes, 3rd ed., 6.2)."""
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # the series for P converges here
        term = total = 1 / a
        denominator = a
        for _ in range(1000):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1 - total * math.exp(log_front))
    # Lentz's continued fraction for Q.
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(log_front) * h


def sample_ratio_p_value(counts: Sequence[int], weights: Sequence[float]) -> float:
    """Pearson's chi-square goodness of fit of the exposures against the traffic weights."""
    total = sum(counts)
    weight_sum = sum(weights)
    if total == 0 or len(counts) < 2:
        return 1.0
    statistic = 0.0
    for count, weight in zip(counts, weights, strict=True):
        expected = total * weight / weight_sum
        statistic += (count - expected) ** 2 / expected
    return chi_square_sf(statistic, len(counts) - 1)


def needed_per_variant(
    control: MetricSums, *, uplift: float, variants: int, rules: Rules, binary: bool
) -> int:
    """Advocates per variant at which a true ``uplift`` is declared with ``rules.power``.

    Conservative: counts only a rejection at that very look (rejections at earlier looks
    only add power), i.e. the smallest n with Phi((uplift - h_n) / sqrt(V_n)) >= power.
    The variant's spread is the control's, scaled by (1 + uplift) -- or p (1 - p) for a
    yes/no metric.
    """
    m_a = control.mean
    if m_a <= 0 or uplift <= 0:
        return 0
    var_a = m_a * (1 - m_a) if binary else control.variance
    m_b = m_a * (1 + uplift)
    var_b = m_b * (1 - m_b) if binary and m_b < 1 else var_a * (1 + uplift) ** 2
    alpha = rules.alpha / max(1, variants - 1)
    tau2 = rules.tau**2
    z = _NORMAL.inv_cdf(rules.power)

    def enough(n: int) -> bool:
        variance = var_b / (n * m_a**2) + m_b**2 * var_a / (n * m_a**4)
        half = mixture_halfwidth(variance, tau2, alpha)
        return uplift - half >= z * math.sqrt(variance)

    high = max(rules.min_per_variant, 2)
    while not enough(high):
        high *= 2
        if high > 10**12:
            return high
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return max(high, rules.min_per_variant)


def decide(
    sums: Mapping[str, MetricSums],
    weights: Mapping[str, float],
    *,
    control: str,
    days_running: float,
    rules: Rules = Rules(),
    binary: bool = False,
    planned_uplift: float | None = None,
) -> Verdict:
    """The verdict on the primary metric, given every variant's sums so far.

    ``sums`` and ``weights`` share their keys (variant names, in display order).
    Only this look's numbers are needed: Lambda >= (k-1)/alpha at any look is the test.
    """
    names = list(sums)
    k = len(names)
    srm = sample_ratio_p_value([sums[v].n for v in names], [weights[v] for v in names])
    base = sums[control]
    results = tuple(
        VariantResult(v, sums[v].n, sums[v].mean, mean_interval(sums[v], rules)) for v in names
    )
    comparisons = tuple(
        compare(base, sums[v], v, alpha=rules.alpha, tau=rules.tau, comparisons=max(1, k - 1))
        for v in names
        if v != control
    )
    smallest = min(sums[v].n for v in names)
    needed = needed_per_variant(
        base, uplift=planned_uplift or rules.tau, variants=k, rules=rules, binary=binary
    )
    days_left = _days_left(smallest, needed, days_running, rules.min_days)

    def verdict(status: Status, winner: str | None = None) -> Verdict:
        left = None if status == "decided" else days_left
        return Verdict(status, winner, results, comparisons, srm, left, needed or None)

    if srm < rules.srm_p:
        return verdict("sample_ratio_mismatch")
    if (
        smallest < rules.min_per_variant
        or base.total < rules.min_events
        or days_running < rules.min_days
    ):
        return verdict("collecting")
    better = [c for c in comparisons if c.better]
    if better:
        return verdict("decided", max(better, key=lambda c: c.uplift).variant)
    if comparisons and all(c.worse for c in comparisons):
        return verdict("decided", control)
    return verdict("undecided")


def _days_left(have: int, needed: int, days_running: float, min_days: int) -> int | None:
    """About how many more days until ``needed`` per variant at the traffic so far."""
    wait_days = max(0.0, min_days - days_running)
    if have >= needed:
        return math.ceil(wait_days)
    if have == 0 or days_running <= 0:
        return None
    per_day = have / days_running
    return math.ceil(max(wait_days, (needed - have) / per_day))
