"""An experiment's verdict and numbers in the owner's words, in the dashboard's language."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shareback.admin.formatting import money_text, number
from shareback.experiments.metrics import METRICS
from shareback.experiments.stats import Comparison, Interval, Verdict
from shareback.i18n import gettext as _
from shareback.i18n import ngettext


def status_label(status: str) -> str:
    labels = {
        "draft": _("Draft"),
        "running": _("Running"),
        "paused": _("Paused"),
        "stopped": _("Stopped"),
    }
    return labels.get(status, status)


def metric_label(name: str) -> str:
    labels = {
        "share_rate": _("advocates who shared"),
        "shares": _("shares per advocate"),
        "clicks": _("link clicks per advocate"),
        "order_rate": _("advocates whose friends ordered"),
        "orders": _("friends' orders per advocate"),
        "revenue": _("revenue per advocate"),
        "reward_cost": _("reward cost per advocate"),
        "net_revenue": _("revenue after rewards per advocate"),
    }
    return labels.get(name, name)


def pct(value: float | None, *, sign: bool = False) -> str:
    """0.184 → "18 %", 0.052 → "5.2 %"; None and infinities → "—"."""
    if value is None or not math.isfinite(value):
        return "—"
    shown = value * 100
    digits = 0 if abs(shown) >= 10 else 1
    return f"{shown:{'+' if sign else ''}.{digits}f} %"


def value_text(metric: str, value: float, currency: str) -> str:
    """A variant's mean as the owner reads it: a share, an amount of money or a count."""
    if not math.isfinite(value):
        return "—"
    kind = METRICS[metric]
    if kind.binary:
        return pct(value)
    if kind.money:
        return money_text(round(value), currency)
    return f"{value:.2f}"


def interval_text(metric: str, interval: Interval, currency: str) -> str:
    low = value_text(metric, interval.low, currency)
    high = value_text(metric, interval.high, currency)
    return _("%(low)s to %(high)s") % {"low": low, "high": high}


def level(verdict: Verdict, alpha: float = 0.05) -> str:
    """The intervals' level: 95 % for one variant against the control, more for several."""
    comparisons = max(1, len(verdict.comparisons))
    return f"{100 * (1 - alpha / comparisons):.4g} %"


def days_text(days: int | None) -> str:
    if days is None:
        return _("no advocate has seen the test yet")
    if days == 0:
        return _("any day now")
    return ngettext(
        "about %(num)d more day at the current traffic",
        "about %(num)d more days at the current traffic",
        days,
    ) % {"num": days}


def _comparison_words(c: Comparison, metric: str, verdict: Verdict) -> str:
    values = {
        "variant": c.variant,
        "uplift": pct(abs(c.uplift)),
        "metric": metric_label(metric),
        "level": level(verdict),
        "low": pct(c.interval.low, sign=True),
        "high": pct(c.interval.high, sign=True),
    }
    if c.uplift >= 0:
        return (
            _(
                "%(variant)s scores %(uplift)s higher on %(metric)s than A (%(level)s interval "
                "%(low)s to %(high)s)"
            )
            % values
        )
    return (
        _(
            "%(variant)s scores %(uplift)s lower on %(metric)s than A (%(level)s interval "
            "%(low)s to %(high)s)"
        )
        % values
    )


@dataclass(frozen=True)
class Sentence:
    tone: str  # decided, warning, waiting: the badge's colour
    headline: str
    detail: str


def verdict_sentence(verdict: Verdict, metric: str) -> Sentence:
    """E.g. "B has 18 % more friends' orders per advocate than A (95 % interval +6 % to +31 %);
    a difference this large by chance alone: under 1 in 100. Decided."."""
    if verdict.status == "sample_ratio_mismatch":
        counts = ", ".join(f"{v.variant}: {number(v.n)}" for v in verdict.variants)
        return Sentence(
            "warning",
            _("The split of advocates between the variants is off"),
            _(
                "The variants were shown to %(counts)s advocates, far from the traffic shares "
                "you set (chance of a split this uneven: %(p)s). Something assigns advocates "
                "wrongly, so no verdict is given until it is fixed."
            )
            % {"counts": counts, "p": f"{verdict.srm_p_value:.1g}"},
        )
    if verdict.status == "collecting":
        return Sentence(
            "waiting",
            _("Not enough data yet: %(days)s") % {"days": days_text(verdict.days_left)},
            _(
                "A verdict needs at least a full week and enough advocates in every variant, "
                "however good the first days look."
            ),
        )
    if verdict.status == "undecided":
        best = max(verdict.comparisons, key=lambda c: c.uplift, default=None)
        so_far = _comparison_words(best, metric, verdict) if best else ""
        return Sentence(
            "waiting",
            _("No clear winner yet: %(days)s") % {"days": days_text(verdict.days_left)},
            _("So far %(so_far)s; that could still be chance.") % {"so_far": so_far},
        )
    winner = verdict.winner
    if winner == "A":
        return Sentence(
            "decided",
            _("A, the campaign as it is, does better than every variant"),
            "; ".join(_comparison_words(c, metric, verdict) for c in verdict.comparisons)
            + ". "
            + _("Decided: keep the campaign as it is."),
        )
    chosen = next(c for c in verdict.comparisons if c.variant == winner)
    chance = (
        _("under 1 in 1,000")
        if chosen.p_value < 0.001
        else _("under 1 in 100")
        if chosen.p_value < 0.01
        else _("under 1 in 20")
    )
    return Sentence(
        "decided",
        _("%(variant)s wins") % {"variant": winner},
        _("%(words)s; a difference this large by chance alone: %(chance)s. Decided.")
        % {"words": _comparison_words(chosen, metric, verdict), "chance": chance},
    )
