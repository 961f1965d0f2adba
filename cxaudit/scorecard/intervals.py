"""95% confidence intervals for shares and means.

Shares use the Wilson score interval (Wilson 1927, "Probable inference, the
law of succession, and statistical inference", JASA 22:209-212). Unlike the
textbook p ± z·sqrt(p(1 − p)/n), it stays inside [0, 1] and does not shrink
to zero width when every answer is the same, which matters for the small
samples cultural institutions collect. Means use the normal approximation
mean ± z·s/sqrt(n) with the sample standard deviation s.

The Wilson interval is a few lines, so it is written here rather than taken
from a statistics package that would bring SciPy along.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Two-sided 95% quantile of the standard normal distribution.
Z_95 = 1.96


@dataclass(frozen=True)
class Interval:
    """The ends of a 95% interval, in the unit of the estimate."""

    low: float
    high: float


def wilson_interval(hits: int, trials: int, z: float = Z_95) -> Interval:
    """Return the Wilson score interval of the share ``hits / trials``, as fractions from 0 to 1.

    :raises ValueError: when ``trials`` is not positive or ``hits`` is outside 0..trials.
    """
    if trials <= 0:
        raise ValueError(f"the Wilson interval needs at least one trial, got {trials}")
    if not 0 <= hits <= trials:
        raise ValueError(f"hits must be from 0 to {trials}, got {hits}")

    share = hits / trials
    z_squared = z * z
    centre = (share + z_squared / (2 * trials)) / (1 + z_squared / trials)
    half_width = (z / (1 + z_squared / trials)) * math.sqrt(
        share * (1 - share) / trials + z_squared / (4 * trials * trials)
    )
    # Rounding can put an end a hair outside [0, 1] when the share is 0 or 1.
    return Interval(low=max(0.0, centre - half_width), high=min(1.0, centre + half_width))


def mean_margin(count: int, total: float, total_of_squares: float, z: float = Z_95) -> float | None:
    """Return the half-width of the 95% interval of a mean, or None with fewer than two values.

    The mean and the sample variance come from the count, the sum and the
    sum of squares, which the database can return without loading any row.
    """
    if count < 2:
        return None
    mean = total / count
    # Rounding can push the variance a hair below zero when every value is the same.
    variance = max(0.0, (total_of_squares - count * mean * mean) / (count - 1))
    return z * math.sqrt(variance / count)
