"""One-stop across agencies: which agency resolves a procedure received at a desk, when a transfer
between agencies is due, and which agency's officers may act on a dossier while it travels.

A desk (a commune's or the province's one-stop centre) may receive any procedure of its province's
catalogue (Decree 118/2025; the province's list of procedures received regardless of place is, in
this first phase, the whole catalogue of the province). The catalogue's `Procedure.agencies` at the
procedure's level are the agencies that resolve it: the desk itself when it is one of them (nothing
moves), the only one when there is one, else the officer chooses among them (a commune procedure
received at the province centre: the applicant's commune). Reads only the models: the services,
the transfers and the permissions ask here.
"""

import datetime as dt

from django.db.models import Q

from mocua import workcalendar
from mocua.accounts.models import Agency
from mocua.accounts.selectors import province_agency_ids
from mocua.errors import DomainError
from procedures.models import Procedure, TimeUnit
from procedures.selectors import receivable_by

from . import clock, legs
from .models import Dossier, DossierTransfer, TransferMode, TransferState
from .workflow import Status


def desk_of(dossier: Dossier) -> int:
    """The id of the agency that received the dossier (its own agency when the row has no desk)."""
    return dossier.desk_id or dossier.agency_id


def competent_choices(desk: Agency, procedure: Procedure) -> list[Agency]:
    """The agencies that may resolve `procedure` received at `desk`: [desk] when it resolves it
    itself, else the active agencies of the desk's province that the catalogue names at the
    procedure's level, by name. Empty: the desk's province does not have the procedure."""
    named = list(procedure.agencies.filter(is_active=True).order_by("name"))
    if any(agency.pk == desk.pk for agency in named):
        return [desk]
    province = set(province_agency_ids(desk.pk))
    return [agency for agency in named if agency.pk in province and agency.level == procedure.level]


def receivable_procedures(desk_id: int):
    """The ids of the procedures a desk may receive (procedures.selectors.receivable_by), as a subquery."""
    return Procedure.objects.filter(receivable_by(desk_id)).values("pk")


def ensure_receivable(desk: Agency, procedure: Procedure) -> None:
    if not competent_choices(desk, procedure):
        raise DomainError("Cơ quan của bạn không tiếp nhận thủ tục này.", field="variant", code="procedure_not_handled")


def competent_agency(desk: Agency, procedure: Procedure, chosen: Agency | None = None) -> Agency:
    """The agency that resolves `procedure` received at `desk`; `chosen` counts only where the
    catalogue leaves a choice (several agencies), and must then be one of them."""
    choices = competent_choices(desk, procedure)
    if not choices:
        raise DomainError("Cơ quan của bạn không tiếp nhận thủ tục này.", field="variant", code="procedure_not_handled")
    if len(choices) == 1:
        return choices[0]
    if chosen is None or chosen.pk not in {agency.pk for agency in choices}:
        raise DomainError("Cần chọn cơ quan có thẩm quyền giải quyết hồ sơ.", field="competent_agency",
                          code="competent_agency_required")
    return chosen


def transfer_due(start: dt.datetime, mode: str, agency) -> dt.datetime:
    """When a dossier (or its result) received or ready at `start` must be sent on. Electronic: at
    once, that is within the same working day, or the next one when it came after 15:00 (Decree
    61/2018 Art 18; Cao Bằng 1948 and Bắc Ninh 1490 under Decree 118/2025). Paper: within one working
    day (the 2025 provincial processes), the day of intake not counted."""
    if mode == TransferMode.ELECTRONIC:
        return workcalendar.due_at(start, 1, TimeUnit.SAME_DAY, agency, cutoff=dt.time(15, 0))
    return workcalendar.due_at(start, 1, TimeUnit.WORKING_DAYS, agency)


def intake_state(dossier: Dossier, now: dt.datetime) -> tuple[str, dt.datetime]:
    """(transfer_state, due time of the intake step) of a dossier received now. Received for another
    agency, it waits at the desk, which must send it on by the electronic rule (transfer_due; a paper
    transfer, chosen when sending, gets the paper rule then); else the plan's first step's due."""
    if dossier.desk_id in (None, dossier.agency_id):
        return "", clock.step_due(dossier, 0, now)
    return TransferState.AT_DESK, transfer_due(now, TransferMode.ELECTRONIC, dossier.desk)


def counter_officer(dossier: Dossier):
    """Who gets the result back after the approval: the officer who received the dossier, or, for
    one sent here from another agency's desk, the officer who took it in here (they send it back)."""
    officer = dossier.created_by
    if dossier.transfer_state == TransferState.AT_AGENCY:
        last = (DossierTransfer.objects.filter(dossier=dossier, direction=DossierTransfer.Direction.FORWARD)
                .select_related("received_by").order_by("-sent_at", "-pk").first())
        officer = last.received_by if last else None
    return officer if officer is not None and officer.is_active else None


def handling_agency(dossier: Dossier) -> int:
    """The id of the agency handling the dossier: the competent agency, or the agency of the liên
    thông leg the dossier is at or on its way to (Dossier.leg_agency, dossiers.legs)."""
    return dossier.leg_agency_id or dossier.agency_id


def holding_agency(dossier: Dossier, user=None) -> int:
    """The id of the agency whose officers hold a step opened now (DossierStep.agency): the desk while
    the dossier waits there to be sent and once the result is back, else the handling agency; in a
    parallel stage, `user`'s agency when it works a leg of it (its hand-overs stay among its officers)."""
    if user is not None and legs.open_leg(dossier, getattr(user, "agency_id", None)) is not None:
        return user.agency_id
    if dossier.transfer_state in (TransferState.AT_DESK, TransferState.BACK_AT_DESK):
        return desk_of(dossier)
    return handling_agency(dossier)


# What the desk's officers may do while the dossier is with the desk (before it leaves, and once the
# result is back): nothing of the competent agency's handling.
DESK_ACTIONS = {
    TransferState.AT_DESK: {"transfer", "withdraw", "attach"},
    TransferState.BACK_AT_DESK: {"return", "hand_letter", "confirm_delivery", "attach", "hand_refusal"},
}


# What the agency of a parallel leg may do on its own leg once it has taken its copy in: work it among
# its officers, attach its papers, send its part back. Anything else waits until the stage is done.
LEG_ACTIONS = {"hand_over", "attach", "transfer"}


def acting_agencies(dossier: Dossier, action: str) -> set[int]:
    """The ids of the agencies whose officers may take `action` on the dossier now (the permission
    check asks here). Several only in a parallel stage: each agency on its own leg (taking its copy in,
    then LEG_ACTIONS), the lead nothing until every leg is back; else acting_agency's one."""
    if dossier.leg_stage:
        stage = legs.stage_legs(dossier)
        if action == "receive_transfer":
            return {leg.agency_id for leg in stage if not leg.started_at}
        if action in LEG_ACTIONS:
            return {leg.agency_id for leg in stage if leg.started_at and not leg.finished_at}
        return set()
    agency = acting_agency(dossier, action)
    return set() if agency is None else {agency}


def acting_agency(dossier: Dossier, action: str) -> int | None:
    """The id of the agency whose officers may take `action` on the dossier now, or None (nobody:
    the dossier is on its way, or the action does not fit where it is). Outside a parallel stage
    (acting_agencies).

    A dossier resolved where it was received ("" state) is its agency's, as always. One received for
    another agency is the desk's until it is sent, nobody's while it travels except the receiving
    agency's (to take it in), the competent agency's while handled there, which sends the result
    back; the desk's again once the result is back, to hand it to the citizen."""
    state = dossier.transfer_state
    if action == "receive_transfer":
        return {TransferState.TO_AGENCY: handling_agency(dossier), TransferState.TO_DESK: desk_of(dossier)}.get(state)
    if state in DESK_ACTIONS:
        return desk_of(dossier) if action in DESK_ACTIONS[state] else None
    if state in (TransferState.TO_AGENCY, TransferState.TO_DESK):
        return None
    if state == TransferState.AT_AGENCY:
        # The result goes back to the desk that received the dossier, which hands it over.
        if action in ("return", "confirm_delivery", "hand_letter", "hand_refusal"):
            return None
        # A refusal after appraisal goes back like a result.
        if action == "transfer" and dossier.status not in (Status.RESULT_READY, Status.REFUSED) and \
                not dossier.legs_left:
            return None  # nothing to send on before the result, but a liên thông leg
        return handling_agency(dossier)
    # A liên thông dossier at its lead, with legs to run, is sent on to the next leg (dossiers.legs).
    return None if action == "transfer" and not dossier.legs_left else dossier.agency_id


def reads(user, dossier: Dossier) -> bool:
    """Whether the officer may read the dossier: the competent agency's officers, the desk's, those of
    the liên thông leg it is at or on its way to (to take it in; every leg of a parallel stage), and
    those of an agency whose leg has started (it keeps reading what it did). The same rule as
    selectors.dossier_readable_for_officer."""
    if not getattr(user, "is_officer", False):
        return False
    return user.agency_id in (dossier.agency_id, desk_of(dossier), dossier.leg_agency_id) or dossier.legs.filter(
        Q(started_at__isnull=False) | Q(order=dossier.leg_stage), agency_id=user.agency_id).exists()
