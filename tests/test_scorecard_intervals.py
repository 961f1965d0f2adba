"""Wilson and mean intervals, and how often the NPS and Wilson intervals cover the true value."""

from __future__ import annotations

import math
import random

import pytest

from cxaudit.scorecard.intervals import mean_margin, wilson_interval
from cxaudit.scorecard.nps import NpsCounts, nps_from_counts

SAMPLES = 2000


def wilson_by_hand(hits: int, trials: int) -> tuple[float, float]:
    """(p + z²/2n ± z·sqrt(p(1 − p)/n + z²/4n²)) / (1 + z²/n), as Wilson (1927) writes it."""
    z = 1.96
    p = hits / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    denominator = 1 + z * z / trials
    return (centre - spread) / denominator, (centre + spread) / denominator


@pytest.mark.parametrize(("hits", "trials"), [(3, 6), (3, 4), (2, 5), (45, 100), (1, 30)])
def test_wilson_matches_formula(hits, trials):
    low, high = wilson_by_hand(hits, trials)
    interval = wilson_interval(hits, trials)

    assert interval.low == pytest.approx(low)
    assert interval.high == pytest.approx(high)


def test_wilson_published_values():
    # 3 of 4: 0.3006 to 0.9544; 2 of 5: 0.1176 to 0.7693.
    assert wilson_interval(3, 4).low == pytest.approx(0.3006, abs=1e-4)
    assert wilson_interval(3, 4).high == pytest.approx(0.9544, abs=1e-4)
    assert wilson_interval(2, 5).low == pytest.approx(0.1176, abs=1e-4)
    assert wilson_interval(2, 5).high == pytest.approx(0.7693, abs=1e-4)


def test_wilson_all_or_none_keeps_width():
    none = wilson_interval(0, 10)
    every = wilson_interval(10, 10)

    assert none.low == 0.0
    assert none.high == pytest.approx(0.2775, abs=1e-4)
    assert every.low == pytest.approx(0.7225, abs=1e-4)
    assert every.high == 1.0


def test_wilson_single_trial():
    interval = wilson_interval(1, 1)

    assert interval.low == pytest.approx(0.2065, abs=1e-4)
    assert interval.high == 1.0


@pytest.mark.parametrize(("hits", "trials"), [(0, 0), (-1, 5), (6, 5)])
def test_wilson_rejects_impossible_counts(hits, trials):
    with pytest.raises(ValueError):
        wilson_interval(hits, trials)


def test_mean_margin_by_hand():
    # Scores 7, 5, 6, 2: mean 5, sample variance (4 + 0 + 1 + 9) / 3 = 14/3.
    margin = mean_margin(4, 20, 49 + 25 + 36 + 4)

    assert margin == pytest.approx(1.96 * math.sqrt(14 / 3 / 4))
    assert margin == pytest.approx(2.117, abs=1e-3)


def test_mean_margin_needs_two_values():
    assert mean_margin(1, 4, 16) is None


def test_mean_margin_equal_values_is_zero():
    assert mean_margin(3, 15, 75) == pytest.approx(0.0)


def test_nps_interval_covers_true_value():
    # True shares 50% promoters, 30% passives, 20% detractors: NPS 30.
    rng = random.Random(20261204)
    true_nps = 30.0
    covered = 0
    for _sample in range(SAMPLES):
        groups = rng.choices(["promoter", "passive", "detractor"], weights=[50, 30, 20], k=100)
        result = nps_from_counts(
            NpsCounts(
                promoters=groups.count("promoter"),
                passives=groups.count("passive"),
                detractors=groups.count("detractor"),
            )
        )
        covered += result.low <= true_nps <= result.high

    coverage = covered / SAMPLES
    assert 0.93 <= coverage <= 0.97, coverage


def test_wilson_interval_covers_true_share():
    rng = random.Random(4122026)
    true_share = 0.3
    covered = 0
    for _sample in range(SAMPLES):
        hits = sum(rng.random() < true_share for _answer in range(50))
        interval = wilson_interval(hits, 50)
        covered += interval.low <= true_share <= interval.high

    coverage = covered / SAMPLES
    assert 0.93 <= coverage <= 0.97, coverage
