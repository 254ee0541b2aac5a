"""Liên thông legs (issue 23, item 3; across-agencies-vn.md §2): a procedure with legs (ProcedureLeg)
runs them stage after stage, each leg the agency's own steps with its own due time from its share of
the time limit, never past the dossier's legal due time. The moves are transfers (dossiers.transfers):
the agency of a leg sends the dossier on to the next stage's, and the last one back to the competent
agency, which leads, approves and returns the result. Each leg is judged on time or late when it is
sent on; its lateness is that agency's (and, by the step log, the officer's whose step ran over).

Legs sharing an order run in parallel (electronic: the dossier goes to all their agencies at once,
Decree 61/2018 Art 19(6)(b)): Dossier.leg_stage names the stage, each agency takes its copy in, works
it among its own officers (DossierLeg.holder) and sends its part back to the lead; the lead takes the
dossier back, and sends it to a next stage, only once every leg of the stage is done.

The citizen keeps one dossier, one code and one appointment; Dossier.leg_agency says which agency
holds it now, or the stage's legs not yet sent back (holding_names) while they run in parallel."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from mocua import workcalendar
from procedures.models import TimeUnit

from . import clock
from .models import Dossier, DossierLeg, SyncState, Timeliness

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
    legs written (none for a procedure without legs). Sorted here: the intake's variant may come with
    its legs prefetched (procedures.catalogue.intake_variant)."""
    rows = sorted(dossier.procedure.legs.all(), key=lambda row: (row.order, row.pk))
    if not rows:
        return []
    sizes = Counter(row.order for row in rows)
    legs = [DossierLeg(dossier=dossier, order=row.order, parallel=sizes[row.order] > 1, name=row.name,
                       agency_id=row.agency_id or dossier.agency_id, days=row.days,
                       sync_state=SyncState.PENDING if row.national_group else SyncState.NONE)
            for row in rows]
    first = legs[0]
    first.started_at, first.due_at = now, leg_due(first, dossier, now)
    legs = DossierLeg.objects.bulk_create(legs)
    dossier.legs_left = sends(legs, dossier.agency_id)
    return legs


def sends(legs: list[DossierLeg], lead_id: int) -> int:
    """The sends a dossier's legs take: one to each stage after the first (to all of a parallel stage's
    agencies at once), one back to the lead from each leg of a parallel stage, and one back from the
    last leg when it is alone and another agency's."""
    stages = sorted(Counter(leg.order for leg in legs).items())
    count = len(stages) - 1 + sum(size for _, size in stages if size > 1)
    last = [leg for leg in legs if leg.order == stages[-1][0]]
    return count + (len(last) == 1 and last[0].agency_id != lead_id)


def current(dossier: Dossier) -> DossierLeg | None:
    """The sequential leg under way (outside a parallel stage)."""
    return dossier.legs.filter(started_at__isnull=False, finished_at__isnull=True).select_related("agency").first()


def stage_legs(dossier: Dossier) -> list[DossierLeg]:
    """The legs of the parallel stage under way, [] outside one. Kept on the instance: the permission
    checks of one page or one move ask several times (the page's prefetched legs cost no query)."""
    if not dossier.leg_stage:
        return []
    cached = dossier.__dict__.get("_stage_legs")
    if cached is None or cached[0] != dossier.leg_stage:
        cached = (dossier.leg_stage, [leg for leg in dossier.legs.all() if leg.order == dossier.leg_stage])
        dossier._stage_legs = cached
    return cached[1]


def open_leg(dossier: Dossier, agency_id: int | None) -> DossierLeg | None:
    """The agency's leg of the parallel stage, taken in and not yet sent back."""
    return next((leg for leg in stage_legs(dossier) if leg.agency_id == agency_id and leg.started_at
                 and not leg.finished_at), None)


def waiting_leg(dossier: Dossier, agency_id: int | None) -> DossierLeg | None:
    """The agency's leg of the parallel stage, sent to it and not yet taken in."""
    return next((leg for leg in stage_legs(dossier) if leg.agency_id == agency_id and not leg.started_at), None)


def next_stage(dossier: Dossier) -> list[DossierLeg]:
    """The legs of the first stage not yet started (one leg, or a parallel stage's), [] when none is left."""
    rows = list(dossier.legs.filter(started_at__isnull=True).select_related("agency").order_by("order", "pk"))
    return [leg for leg in rows if leg.order == rows[0].order] if rows else []


def holding_names(dossier: Dossier) -> list[str]:
    """The agencies that hold the dossier now, for the citizen: the sequential leg's, or each leg of the
    parallel stage not yet sent back (a query, only then)."""
    if dossier.leg_stage:
        return list(DossierLeg.objects.filter(dossier_id=dossier.pk, order=dossier.leg_stage, finished_at__isnull=True)
                    .order_by("pk").values_list("agency__name", flat=True))
    return [dossier.leg_agency.name] if dossier.leg_agency_id else []


def finish(leg: DossierLeg, dossier: Dossier, now: dt.datetime) -> None:
    """The leg's agency sends the dossier on: the leg is judged against its own due time."""
    leg.finished_at, leg.holder = now, None
    leg.timeliness = clock.classify(now, leg.due_at)
    leg.late_seconds = clock.late_seconds(now, leg.due_at, leg.agency)
    leg.save(update_fields=["finished_at", "timeliness", "late_seconds", "holder"])


def start(leg: DossierLeg, dossier: Dossier, now: dt.datetime, holder=None) -> None:
    """The leg's agency takes the dossier in: its time starts now (a parallel leg's `holder` with it)."""
    leg.started_at, leg.due_at, leg.holder = now, leg_due(leg, dossier, now), holder
    leg.save(update_fields=["started_at", "due_at", "holder"])


def total_days(dossier: Dossier) -> Decimal:
    return sum((leg.days for leg in dossier.legs.all()), Decimal(0))


# The dossier page's words for where a leg stands (page_rows).
LEG_STATES = {
    Timeliness.EARLY: ("Trước hạn", "early"), Timeliness.ON_TIME: ("Đúng hạn", "on_time"),
    Timeliness.LATE: ("Quá hạn", "late"), "overdue": ("Đang quá hạn", "late"),
    "running": ("Đang giải quyết", ""), "sent": ("Đang chuyển đến", ""), "waiting": ("Chưa đến lượt", ""),
}


def page_rows(dossier: Dossier, now: dt.datetime) -> list[DossierLeg]:
    """The dossier page's legs (the selector's prefetched rows: no query), each with `state_label`,
    `state_class` and, when late, `late_label` (working time past its due)."""
    rows = list(dossier.legs.all())
    for leg in rows:
        if leg.finished_at:
            state = leg.timeliness
        elif leg.started_at:
            state = "overdue" if leg.due_at and now > leg.due_at else "running"
        elif leg.order == dossier.leg_stage or (dossier.transfer_state == "to_agency"
                                               and leg.agency_id == dossier.leg_agency_id):
            state = "sent"
        else:
            state = "waiting"
        leg.state_label, leg.state_class = LEG_STATES.get(state, ("", ""))
        hours, minutes = divmod(leg.late_seconds // 60, 60)
        leg.late_label = (f"{hours} giờ {minutes} phút" if hours else f"{minutes} phút") if leg.late_seconds else ""
    return rows
