"""Deadline arithmetic for a dossier: its due time, its steps' due times, pauses, lateness.

All working-time arithmetic goes through mocua.workcalendar; this module only decides which
amount and unit apply to a dossier or a step.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from mocua import workcalendar
from procedures.models import TimeUnit

from .models import Dossier, Timeliness
from .workflow import CLOCK_STOPPED, OPEN, Status


def dossier_due(dossier: Dossier, start: dt.datetime) -> dt.datetime:
    """The statutory due time of the whole dossier, counted from `start`."""
    return workcalendar.due_at(start, dossier.time_limit, dossier.time_unit, dossier.agency,
                               cutoff=dossier.same_day_cutoff or dt.time(15, 0))


def appointment(variant, agency, start: dt.datetime) -> dt.datetime:
    """The appointment a counter intake of `variant` would get if accepted at `start` (the summary
    shown before the accept is confirmed): the same rule as dossier_due, nothing saved."""
    return workcalendar.due_at(start, variant.time_limit, variant.time_unit, agency,
                               cutoff=variant.same_day_cutoff or dt.time(15, 0))


def _office_day(agency) -> Decimal:
    (m_start, m_end), (a_start, a_end) = workcalendar.office_hours(agency)
    seconds = sum((dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).seconds
                  for start, end in ((m_start, m_end), (a_start, a_end)))
    return Decimal(seconds) / 3600


def _planned_due(dossier: Dossier, budget: Decimal, start: dt.datetime) -> dt.datetime:
    """The end of a step's own budget from `start`, in the limit's unit. Day shares are counted as
    office hours (0.5 day = half an office day), so that consecutive steps add up in order."""
    if dossier.time_unit in (TimeUnit.CALENDAR_DAYS, TimeUnit.WORKING_HOURS):
        return workcalendar.due_at(start, budget, dossier.time_unit, dossier.agency)
    return workcalendar.due_at(start, budget * _office_day(dossier.agency), TimeUnit.WORKING_HOURS, dossier.agency)


def _need(dossier: Dossier, budgets: list[Decimal]) -> dt.timedelta:
    """The time the steps' budgets ask for: elapsed time for calendar days, office time otherwise."""
    total = sum(budgets, Decimal(0))
    if dossier.time_unit == TimeUnit.CALENDAR_DAYS:
        return dt.timedelta(seconds=float(total * 86400))
    hours = total if dossier.time_unit == TimeUnit.WORKING_HOURS else total * _office_day(dossier.agency)
    return dt.timedelta(seconds=float(hours * 3600))


def step_due(dossier: Dossier, index: int, start: dt.datetime) -> dt.datetime:
    """Due time of step `index` of the dossier's plan, started at `start`: never past the dossier's
    legal due time, so that a late dossier always has a late step (issue 21, item 1).

    A step gets its own budget when the budgets of the steps left (this one and those after it)
    fit in the time left before the legal due time. When they do not (same-day procedures, a
    dossier received late in the day, time lost in earlier steps), the steps left share the office
    time that remains in proportion to their budgets, and the last one ends at the legal due time.
    A step that starts after the legal due time has its own budget: the dossier's lateness is the
    step's that held it when the legal due time passed (due by then, finished after it); the next
    officers are judged on their own work (and the dossier is on their desk as overdue meanwhile).
    """
    legal = dossier.legal_due_at or dossier.due_at
    plan = dossier.steps_plan
    if not plan or legal is None:
        return legal
    last = len(plan) - 1
    budgets = [Decimal(str(step["budget"])) for step in plan]
    own = budgets[min(index, last)]
    left_budgets = budgets[index:] if index <= last else [own]
    planned = _planned_due(dossier, own, start)
    if start >= legal:
        return planned
    if dossier.time_unit == TimeUnit.CALENDAR_DAYS:
        left = legal - start
    else:
        left = workcalendar.working_time_between(start, legal, dossier.agency)
    if _need(dossier, left_budgets) <= left:
        return min(planned, legal)
    if index >= last:
        return legal
    # Shared: this step's part of the office time that remains.
    remaining = workcalendar.working_time_between(start, legal, dossier.agency)
    share = remaining * float(own / sum(left_budgets, Decimal(0)))
    return min(workcalendar.add_working_time(start, share, dossier.agency), legal)


def classify(finished: dt.datetime, due: dt.datetime | None) -> str:
    """Early: finished on a day before the due day; on time: by the due time; late: after it."""
    if due is None:
        return Timeliness.ON_TIME
    if finished > due:
        return Timeliness.LATE
    if timezone.localtime(finished).date() < timezone.localtime(due).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def late_seconds(finished: dt.datetime, due: dt.datetime, agency) -> int:
    if finished <= due:
        return 0
    return int(workcalendar.working_time_between(due, finished, agency).total_seconds())


def shift_after_pause(moment: dt.datetime | None, paused_at: dt.datetime, now: dt.datetime,
                      agency) -> dt.datetime | None:
    """Resume a stopped clock: the working time left at the pause is counted again from now."""
    if moment is None or moment <= paused_at:
        return moment  # already overdue when the clock stopped: it stays so
    left = workcalendar.working_time_between(paused_at, moment, agency)
    return workcalendar.add_working_time(workcalendar.next_opening(now, agency), left, agency)


def restarts_after_supplement() -> bool:
    return settings.SUPPLEMENT_CLOCK == "restart"


def deadline_state(dossier: Dossier, now: dt.datetime, agency) -> str:
    """How the officer's lists colour a dossier: on_track, due_soon, late, paused, uncollected, or ""."""
    return deadline_states([dossier], now, agency)[0]


def due_soon_horizon() -> dt.timedelta:
    return dt.timedelta(hours=settings.DUE_SOON_WORKING_HOURS)


def used_share(budget: dt.timedelta, left: dt.timedelta) -> float:
    """The share of a step's own budget already used (0 when it has none)."""
    seconds = budget.total_seconds()
    return (seconds - left.total_seconds()) / seconds if seconds > 0 else 0.0


def due_soon(now: dt.datetime, started: dt.datetime | None, due: dt.datetime, agency) -> bool:
    """The bell's rule: ALERT_DUE_SOON_SHARE of the step's own budget used, or at most
    DUE_SOON_WORKING_HOURS of office time left. A step whose whole budget is shorter than that
    (a same-day dossier, a short step) would be "due soon" the moment it starts: only its share
    rule applies to it (issue 22, item 8)."""
    left = workcalendar.working_time_between(now, due, agency)
    if started is None or due <= started:
        return left <= due_soon_horizon()
    budget = workcalendar.working_time_between(started, due, agency)
    if used_share(budget, left) >= settings.ALERT_DUE_SOON_SHARE:
        return True
    return budget > due_soon_horizon() and left <= due_soon_horizon()


def deadline_states(dossiers: list[Dossier], now: dt.datetime, agency) -> list[str]:
    """deadline_state of each dossier (of one agency), with the work calendar read once: a dossier is
    due soon when its due time is within DUE_SOON_WORKING_HOURS of office time from now, that is no
    later than one horizon computed for the whole page; a step whose whole budget fits in that horizon
    only by its share rule (due_soon), so a brand-new same-day intake is not flagged."""
    states, horizon, short = [], None, []
    for dossier in dossiers:
        due = dossier.step_due_at or dossier.due_at
        if dossier.status in CLOCK_STOPPED:
            # Stopped after its due time: it stays late while the citizen is awaited.
            late = due is not None and dossier.paused_at is not None and dossier.paused_at > due
            states.append("late" if late else "paused")
        elif dossier.status == Status.RESULT_READY:
            # The result waits for the citizen: past the appointment it is flagged, not plain (item 8).
            states.append("uncollected" if dossier.due_at is not None and now > dossier.due_at else "")
        elif dossier.status not in OPEN or due is None:
            states.append("")
        elif now > due:
            states.append("late")
        else:
            if horizon is None:
                horizon = workcalendar.working_time_horizon(now, due_soon_horizon(), agency)
            states.append("due_soon" if due <= horizon else "on_track")
            started = dossier.step_started_at if dossier.step_due_at else dossier.received_at
            if due <= horizon and started is not None and started < due:
                short.append((len(states) - 1, started, due))
    if short:  # the few rows inside the horizon: was their whole budget inside it too?
        spans = [(started, due) for _, started, due in short] + [(now, due) for _, _, due in short]
        times = workcalendar.working_times_between(spans, agency)
        for (row, _, _), budget, left in zip(short, times[:len(short)], times[len(short):], strict=True):
            if budget <= due_soon_horizon() and used_share(budget, left) < settings.ALERT_DUE_SOON_SHARE:
                states[row] = "on_track"
    return states
