"""Liên thông legs (issue 23, item 3; across-agencies-vn.md §2): a procedure with legs (ProcedureLeg)
runs them one after another, each the agency's own steps with its own due time from its share of the
time limit, never past the dossier's legal due time. The moves are transfers (dossiers.transfers): the
agency of a leg sends the dossier on to the next leg's, and the last one back to the competent agency,
which leads, approves and returns the result. Each leg is judged on time or late when it is sent on;
its lateness is that agency's (and, by the step log, the officer's whose step ran over).

The citizen keeps one dossier, one code and one appointment; Dossier.leg_agency says which agency
holds it now."""

import datetime as dt
from decimal import Decimal

from mocua import workcalendar
from procedures.models import TimeUnit

from . import clock
from .models import Dossier, DossierLeg, SyncState

SAME_DAY_CUTOFF = dt.time(15, 0)  # Decree 63/2024 Art 7: received after 15:00, counted from the next day


def leg_due(leg: DossierLeg, dossier: Dossier, start: dt.datetime) -> dt.datetime:
    """The leg's due time from `start`: its share in working days, 0 being the same working day (the
    next one after 15:00), on the leg agency's calendar; never past the dossier's legal due time."""
    if leg.days == 0:
        due = workcalendar.due_at(start, 1, TimeUnit.SAME_DAY, leg.agency, cutoff=SAME_DAY_CUTOFF)
    else:
        due = workcalendar.due_at(start, leg.days, TimeUnit.WORKING_DAYS, leg.agency)
    legal = dossier.legal_due_at
    return min(due, legal) if legal is not None else due


def plan(dossier: Dossier, now: dt.datetime) -> list[DossierLeg]:
    """At intake: the dossier's legs from its procedure's, the first (the lead's) started now; the
    legs written (none for a procedure without legs)."""
    rows = list(dossier.procedure.legs.all())
    if not rows:
        return []
    legs = [DossierLeg(dossier=dossier, order=row.order, name=row.name, agency_id=row.agency_id or dossier.agency_id,
                       days=row.days, sync_state=SyncState.PENDING if row.national_group else SyncState.NONE)
            for row in rows]
    first = legs[0]
    first.started_at, first.due_at = now, leg_due(first, dossier, now)
    legs = DossierLeg.objects.bulk_create(legs)
    # One send to each next leg, and one back to the lead when the last leg is another agency's.
    dossier.legs_left = len(legs) - 1 + (legs[-1].agency_id != dossier.agency_id)
    return legs


def current(dossier: Dossier) -> DossierLeg | None:
    return dossier.legs.filter(started_at__isnull=False, finished_at__isnull=True).select_related("agency").first()


def finish(leg: DossierLeg, dossier: Dossier, now: dt.datetime) -> None:
    """The leg's agency sends the dossier on: the leg is judged against its own due time."""
    leg.finished_at = now
    leg.timeliness = clock.classify(now, leg.due_at)
    leg.late_seconds = clock.late_seconds(now, leg.due_at, leg.agency)
    leg.save(update_fields=["finished_at", "timeliness", "late_seconds"])


def next_leg(dossier: Dossier, after: DossierLeg) -> DossierLeg | None:
    return dossier.legs.filter(order__gt=after.order).select_related("agency").order_by("order").first()


def start(leg: DossierLeg, dossier: Dossier, now: dt.datetime) -> None:
    """The leg's agency takes the dossier in: its time starts now."""
    leg.started_at, leg.due_at = now, leg_due(leg, dossier, now)
    leg.save(update_fields=["started_at", "due_at"])


def total_days(dossier: Dossier) -> Decimal:
    return sum((leg.days for leg in dossier.legs.all()), Decimal(0))
