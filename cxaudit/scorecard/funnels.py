"""Funnels: how many visits reached each step of a funnel, in order, within a period.

A session (one browser tab) counts at step k when it reached step 1, then
step 2 at the same time or later, and so on up to step k, with every event in
the period. Each session counts once per step however often it repeats one.
The completion rate is the share of sessions at the first step that reached
the last, with its 95% Wilson interval.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from cxaudit.extensions import db
from cxaudit.models import Funnel, FunnelEvent, Survey
from cxaudit.scorecard.intervals import wilson_interval
from cxaudit.scorecard.nps import SMALL_SAMPLE_THRESHOLD
from cxaudit.scorecard.periods import Period


@dataclass(frozen=True)
class FunnelStep:
    """Sessions that reached one step, and how many of the previous step's sessions did not.

    ``drop_off`` and ``drop_off_share`` (percent of the previous step) are None for the first step.
    """

    step: str
    sessions: int
    drop_off: int | None
    drop_off_share: float | None


@dataclass(frozen=True)
class FunnelFigures:
    """A funnel's step counts in one period and its completion rate in percent with the 95% Wilson interval."""

    steps: list[FunnelStep]
    started: int
    completed: int
    completion_rate: float
    low: float
    high: float
    small_sample: bool

    @property
    def small_sample_threshold(self) -> int:
        return SMALL_SAMPLE_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        for key in ("completion_rate", "low", "high"):
            values[key] = round(values[key], 2)
        for step in values["steps"]:
            if step["drop_off_share"] is not None:
                step["drop_off_share"] = round(step["drop_off_share"], 2)
        values["confidence_level"] = 0.95
        values["small_sample_threshold"] = SMALL_SAMPLE_THRESHOLD
        return values


@dataclass(frozen=True)
class FunnelResult:
    """One funnel in the period and the previous period. A figure is None when no session started the funnel."""

    name: str
    steps: list[str]
    current: FunnelFigures | None
    previous: FunnelFigures | None

    @property
    def change(self) -> float | None:
        """The completion rate minus the previous period's, in percentage points."""
        if self.current is None or self.previous is None:
            return None
        return self.current.completion_rate - self.previous.completion_rate

    def to_dict(self) -> dict[str, Any]:
        change = self.change
        return {
            "name": self.name,
            "steps": self.steps,
            "current": self.current.to_dict() if self.current else None,
            "previous": self.previous.to_dict() if self.previous else None,
            "change": None if change is None else round(change, 2),
        }


def count_sessions_per_step(survey_ids: list[int], steps: list[str], period: Period) -> list[int]:
    """Return, for each step, the sessions of the surveys that reached it after the steps before it, in ``period``.

    Each step is a common table expression holding, per session, the
    earliest time it reached that step after the previous step's time. The
    earliest times keep every later step reachable, so the counts are those
    of an in-order match.

    The survey ids are values, not a subquery, so SQLite reads the first
    step's events from ix_funnel_event_survey_step; with a subquery it read
    every event of the deployment in session order.
    """
    if not survey_ids:
        return [0] * len(steps)
    reached = None
    per_step = []
    for index, step in enumerate(steps):
        event = aliased(FunnelEvent)
        # After the first step, the session is the previous step's, which the join makes equal to
        # the event's. Grouping by it makes SQLite read the previous step's sessions and look up
        # their events, instead of reading every event in session order.
        session = event.session_id if reached is None else reached.c.session_id
        query = select(session.label("session_id"), func.min(event.occurred_at).label("reached_at")).where(
            event.step == step,
            event.survey_id.in_(survey_ids),
            event.occurred_at >= period.start,
            event.occurred_at < period.end,
        )
        if reached is not None:
            query = query.join(
                reached, (reached.c.session_id == event.session_id) & (event.occurred_at >= reached.c.reached_at)
            )
        reached = query.group_by(session).cte(f"step_{index}")
        per_step.append(reached)

    counts = select(*(select(func.count()).select_from(cte).scalar_subquery() for cte in per_step))
    return [int(count) for count in db.session.execute(counts).one()]


def funnel_figures(steps: list[str], counts: list[int]) -> FunnelFigures | None:
    """Return the figures for the step ``counts``, or None when no session reached the first step."""
    started = counts[0]
    if started == 0:
        return None

    rows = [FunnelStep(step=steps[0], sessions=started, drop_off=None, drop_off_share=None)]
    for step, before, sessions in zip(steps[1:], counts[:-1], counts[1:], strict=True):
        drop_off = before - sessions
        rows.append(
            FunnelStep(
                step=step,
                sessions=sessions,
                drop_off=drop_off,
                drop_off_share=100 * drop_off / before if before else None,
            )
        )

    completed = counts[-1]
    interval = wilson_interval(completed, started)
    return FunnelFigures(
        steps=rows,
        started=started,
        completed=completed,
        completion_rate=100 * completed / started,
        low=100 * interval.low,
        high=100 * interval.high,
        small_sample=started < SMALL_SAMPLE_THRESHOLD,
    )


def build_funnels(institution_id: int, period: Period, with_previous: bool = True) -> list[FunnelResult]:
    """Return every funnel of the institution, by name, in ``period`` and the previous period.

    ``with_previous=False`` leaves the previous period out (``previous`` is None), for the benchmark.
    """
    funnels = db.session.scalars(
        select(Funnel).where(Funnel.institution_id == institution_id).order_by(Funnel.name)
    ).all()
    if not funnels:
        return []
    previous_period = period.previous()
    survey_ids = list(db.session.scalars(select(Survey.id).where(Survey.institution_id == institution_id)))
    results = []
    for funnel in funnels:
        steps = list(funnel.steps)
        results.append(
            FunnelResult(
                name=funnel.name,
                steps=steps,
                current=funnel_figures(steps, count_sessions_per_step(survey_ids, steps, period)),
                previous=(
                    funnel_figures(steps, count_sessions_per_step(survey_ids, steps, previous_period))
                    if with_previous
                    else None
                ),
            )
        )
    return results
