"""Moves between agencies, in the services' manner (one transaction, the row locked, the move checked
against the workflow row and the actor's rights, one audit row, the control slip's rows, messages
in the outbox): the desk sends a dossier it received for another agency, the competent agency sends
the result back, and the receiving agency's counter takes either in (across-agencies-vn.md §1.2–1.4).

Where the dossier is lives in Dossier.transfer_state; who may act there, and when a transfer is due,
in dossiers.agencies. A transfer is its own move: a plain handover to another agency's officer stays
refused ("Chỉ chuyển hồ sơ cho cán bộ đang công tác tại cơ quan giải quyết").
"""

import datetime as dt

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from mocua.accounts.models import User
from mocua.errors import ConflictError, DomainError
from mocua.inputs import ensure_fits
from procedures.models import ClockStart

from . import agencies, clock, legs, notices, permissions
from .models import Dossier, DossierStep, DossierTransfer, TransferMode, TransferState
from .register import AGENCY_REGISTER_FIELDS, register_book_transfer
from .services import _finish_step, _iso, _lock, _move, _open_step
from .workflow import Status

NOT_HERE = "Hồ sơ không ở bước chuyển giữa các cơ quan."
BACK_NOTES = {Status.REFUSED: "Nhận văn bản từ chối để trao cho công dân", "": "Nhận kết quả để trả cho công dân"}


def _transit_step(dossier: Dossier, transfer: DossierTransfer, actor: User, now: dt.datetime) -> DossierStep:
    """The control slip's row for the journey (Mẫu 06): nobody holds the dossier until the receiving
    agency takes it in, by the same rule from the sending (agencies.transfer_due). Its figures are the
    receiving agency's: its counter must take it in by then."""
    due = agencies.transfer_due(now, transfer.mode, transfer.to_agency)
    dossier.holder, dossier.department, dossier.step_due_at = None, None, due
    return DossierStep.objects.create(
        dossier=dossier, step_index=dossier.step_index, step_name=f"Chuyển đến {transfer.to_agency.name}",
        from_user=actor, agency=transfer.to_agency, started_at=now, due_at=due, note=transfer.get_mode_display())


@transaction.atomic
def dossier_transfer(*, dossier: Dossier, actor: User, mode: str = TransferMode.ELECTRONIC, note: str = "",
                     expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Send the dossier from the desk to the competent agency, or its result back to the desk.

    Its own due time (agencies.transfer_due), from the intake for the dossier and from the approval for
    the result: the sending is judged on time or late against it, and so is the desk's intake step,
    which the sending finishes."""
    dossier = _lock(dossier, expected_version, stage_ok=True)  # a parallel leg's move: its own leg's checks
    now = now or timezone.now()
    if mode not in TransferMode.values:
        raise DomainError("Hình thức chuyển không hợp lệ.", field="mode")
    if dossier.leg_stage:  # one agency's part of a parallel stage, back to the lead
        return _send_part_back(dossier, actor, mode, note, now)
    leg, stage = None, []
    if dossier.legs_left and dossier.transfer_state in ("", TransferState.AT_AGENCY) and \
            dossier.status in (Status.RECEIVED, Status.PROCESSING):
        # A liên thông leg is done: on to the next stage's agency (or agencies), or back to the lead.
        leg, stage = legs.current(dossier), legs.next_stage(dossier)
        direction, source = DossierTransfer.Direction.LEG, dossier.leg_agency or dossier.agency
        target = stage[0].agency if stage else dossier.agency
    elif dossier.transfer_state == TransferState.AT_DESK:
        direction, source, target, start = (DossierTransfer.Direction.FORWARD, dossier.desk, dossier.agency,
                                            dossier.received_at)
    elif dossier.transfer_state == TransferState.AT_AGENCY and dossier.status in (Status.RESULT_READY, Status.REFUSED):
        # The result, or the written refusal after appraisal, goes back to the desk that hands it over.
        direction, source, target, start = (DossierTransfer.Direction.BACK, dossier.agency, dossier.desk,
                                            dossier.finished_at)
    else:
        raise ConflictError(NOT_HERE + " Chỉ chuyển hồ sơ tiếp nhận hộ cơ quan khác, hoặc kết quả của hồ sơ đó.",
                            code="not_transferable")
    if len(stage) > 1:
        return _send_to_stage(dossier, actor, mode, note, now, leg, stage, source)
    if leg is not None:  # sent when the leg is due: the leg's lateness is the sending agency's
        due = leg.due_at
    elif direction == DossierTransfer.Direction.LEG:  # the lead's work between legs has no leg of its own
        due = agencies.transfer_due(now, mode, source)
    else:
        due = agencies.transfer_due(start, mode, source)
    transfer = DossierTransfer(dossier=dossier, direction=direction, mode=mode, from_agency=source, to_agency=target,
                               sent_by=actor, sent_at=now, due_at=due, timeliness=clock.classify(now, due),
                               note=note.strip())
    ensure_fits(transfer, fields=("note",))
    # Set after the check (`changes`): who may send is read from where the dossier is now.
    state = TransferState.TO_DESK if direction == DossierTransfer.Direction.BACK else TransferState.TO_AGENCY
    changes = {"transfer_state": state}
    if direction == DossierTransfer.Direction.LEG:
        changes |= {"leg_agency": None if target == dossier.agency else target, "legs_left": dossier.legs_left - 1}
    _move(dossier, action="transfer", actor=actor, now=now, note=transfer.note, changes=changes,
          direction=direction, mode=mode, to_agency=target.pk, due_at=_iso(due))
    transfer.save()
    if leg is not None:
        legs.finish(leg, dossier, now)
    if direction == DossierTransfer.Direction.FORWARD:
        # The desk's intake step is due by the rule of the way it is sent (a paper one has a day).
        dossier.steps.filter(finished_at__isnull=True).update(due_at=due)
    _finish_step(dossier, now)
    _transit_step(dossier, transfer, actor, now)
    dossier.save(update_fields=["holder", "department", "step_due_at"])
    notices.counter_transfer_arriving(dossier, transfer)
    return dossier


@transaction.atomic
def dossier_receive_transfer(*, dossier: Dossier, actor: User, note: str = "", expected_version: int | None = None,
                             now: dt.datetime | None = None) -> Dossier:
    """The receiving agency's counter takes the dossier in: the competent agency into its own steps
    (the plan's first step; the time limit starts again now where the procedure counts from the
    competent agency's receipt), or the desk the result, to hand it to the citizen."""
    dossier = _lock(dossier, expected_version, stage_ok=True)  # a parallel leg's move: its own leg's checks
    now = now or timezone.now()
    if dossier.leg_stage:  # an agency of a parallel stage takes its copy in
        return _receive_in_stage(dossier, actor, note, now)
    if dossier.transfer_state not in (TransferState.TO_AGENCY, TransferState.TO_DESK):
        raise ConflictError(NOT_HERE + " Không có hồ sơ đang chuyển đến cơ quan của bạn.", code="not_in_transit")
    forward = dossier.transfer_state == TransferState.TO_AGENCY
    transfer = dossier.transfers.filter(received_at__isnull=True).order_by("-sent_at", "-pk").first()
    if transfer is not None and transfer.direction == DossierTransfer.Direction.LEG:
        return _receive_leg(dossier, transfer, actor, note, now)
    old_due = dossier.due_at
    if forward and dossier.procedure.clock_start == ClockStart.RECEIPT_BY_AGENCY:
        # HCMC 2449/QĐ-UBND, Thanh Hóa's system: the limit counts from the competent agency's receipt.
        dossier.legal_due_at = dossier.due_at = clock.dossier_due(dossier, now)
    state = TransferState.AT_AGENCY if forward else TransferState.BACK_AT_DESK
    _move(dossier, action="receive_transfer", actor=actor, now=now, note=note.strip(),
          fields=("legal_due_at", "due_at"), changes={"transfer_state": state}, old_due_at=_iso(old_due),
          new_due_at=_iso(dossier.due_at))
    if transfer is not None:
        transfer.received_by, transfer.received_at = actor, now
        transfer.save(update_fields=["received_by", "received_at"])
    _finish_step(dossier, now)
    if forward:  # the competent agency books it in its own register (Mẫu 07)
        register_book_transfer(dossier, now)
    # The competent agency starts its own process at its first step; the desk holds the result to hand
    # back, a step outside the time limit (judged against the appointment, never earlier than now).
    index = 0 if forward else dossier.step_index
    due = clock.step_due(dossier, 0, now) if forward else max(dossier.due_at, now)
    refusal = not forward and dossier.status == Status.REFUSED
    _open_step(dossier, index=index, actor=actor, to_user=actor, to_department=actor.department, now=now, due=due,
               name="Trao văn bản từ chối cho công dân" if refusal else None,
               note="Tiếp nhận hồ sơ chuyển đến" if forward else BACK_NOTES.get(dossier.status, BACK_NOTES[""]))
    dossier.save(update_fields=["step_index", "holder", "department", "step_due_at", *AGENCY_REGISTER_FIELDS])
    return dossier


def _receive_leg(dossier: Dossier, transfer: DossierTransfer, actor: User, note: str, now: dt.datetime) -> Dossier:
    """A leg's agency takes the dossier in (its leg starts now, due by its share), or the lead takes it
    back after the last leg (its own steps go on; a dossier received at its own desk is no longer
    "between agencies")."""
    leg = dossier.legs.filter(agency=transfer.to_agency, started_at__isnull=True).order_by("order").first()
    at_lead = dossier.leg_agency_id is None
    state = "" if at_lead and agencies.desk_of(dossier) == dossier.agency_id else TransferState.AT_AGENCY
    _move(dossier, action="receive_transfer", actor=actor, now=now, note=note.strip(),
          changes={"transfer_state": state}, leg=leg.name if leg else "")
    transfer.received_by, transfer.received_at = actor, now
    transfer.save(update_fields=["received_by", "received_at"])
    if at_lead:  # after a parallel stage: every leg's part came back to the lead, taken in together
        dossier.transfers.filter(received_at__isnull=True, to_agency_id=dossier.agency_id).update(
            received_by=actor, received_at=now)
    _finish_step(dossier, now)
    if leg is not None and not at_lead:
        legs.start(leg, dossier, now)
        due, name = leg.due_at, leg.name
    else:
        due, name = clock.step_due(dossier, dossier.step_index, now), "Nhận lại hồ sơ liên thông"
    _open_step(dossier, index=dossier.step_index, actor=actor, to_user=actor, to_department=actor.department,
               now=now, due=due, name=name, note="Tiếp nhận hồ sơ liên thông")
    dossier.save(update_fields=["step_index", "holder", "department", "step_due_at"])
    return dossier


# --------------------------------------------------------------------------- parallel legs

PARALLEL_ELECTRONIC = ("Các phần việc liên thông song song gửi và nhận hồ sơ điện tử cùng lúc "
                       "(Nghị định 61/2018/NĐ-CP, Điều 19 khoản 6 điểm b); không chuyển bản giấy.")


def _ensure_electronic(mode: str) -> None:
    if mode != TransferMode.ELECTRONIC:
        raise DomainError(PARALLEL_ELECTRONIC, field="mode", code="parallel_electronic")


def _stage_step_due(dossier: Dossier) -> None:
    """The dossier's step due while a parallel stage runs: the earliest of its agencies' open steps
    (the lists and the deadline scan read one due per dossier; each agency's is on its own step)."""
    dossier.step_due_at = dossier.steps.filter(finished_at__isnull=True).aggregate(due=Min("due_at"))["due"]


def _send_to_stage(dossier: Dossier, actor: User, mode: str, note: str, now: dt.datetime, leg, stage: list,
                   source) -> Dossier:
    """The stage before is done: the dossier goes to every agency of the parallel stage at once, one
    electronic transfer each (Decree 61/2018 Art 19(6)(b)), each agency's copy on its way."""
    _ensure_electronic(mode)
    due = leg.due_at if leg is not None else agencies.transfer_due(now, mode, source)
    sent = [DossierTransfer(dossier=dossier, direction=DossierTransfer.Direction.LEG, mode=mode, from_agency=source,
                            to_agency=part.agency, sent_by=actor, sent_at=now, due_at=due,
                            timeliness=clock.classify(now, due), note=note.strip()) for part in stage]
    ensure_fits(sent[0], fields=("note",))
    changes = {"transfer_state": TransferState.TO_AGENCY, "leg_agency": None, "leg_stage": stage[0].order,
               "legs_left": dossier.legs_left - 1}
    _move(dossier, action="transfer", actor=actor, now=now, note=sent[0].note, changes=changes,
          direction=DossierTransfer.Direction.LEG, mode=mode, to_agency=[part.agency_id for part in stage],
          due_at=_iso(due))
    DossierTransfer.objects.bulk_create(sent)
    if leg is not None:
        legs.finish(leg, dossier, now)
    _finish_step(dossier, now)
    for transfer in sent:
        _transit_step(dossier, transfer, actor, now)
    dossier.save(update_fields=["holder", "department", "step_due_at"])
    for transfer in sent:
        notices.counter_transfer_arriving(dossier, transfer)
    return dossier


def _receive_in_stage(dossier: Dossier, actor: User, note: str, now: dt.datetime) -> Dossier:
    """An agency of the parallel stage takes its copy in: its leg starts now, due by its share, held by
    the officer who took it in. The lead waits until every leg is back (409); anyone else may not (403)."""
    leg = legs.waiting_leg(dossier, actor.agency_id)
    if leg is None and actor.agency_id == dossier.agency_id:
        raise ConflictError("Các cơ quan phối hợp chưa gửi lại đủ phần việc liên thông song song; cơ quan chủ trì "
                            "nhận lại hồ sơ khi mọi phần việc đã xong.", code="legs_open")
    _move(dossier, action="receive_transfer", actor=actor, now=now, note=note.strip(),
          changes={"transfer_state": TransferState.AT_AGENCY}, leg=leg.name if leg else "")
    dossier.transfers.filter(received_at__isnull=True, direction=DossierTransfer.Direction.LEG,
                             to_agency_id=leg.agency_id).update(received_by=actor, received_at=now)
    _finish_step(dossier, now, agency_id=leg.agency_id)  # its copy's journey
    legs.start(leg, dossier, now, holder=actor)
    DossierStep.objects.create(dossier=dossier, step_index=dossier.step_index, step_name=leg.name, from_user=actor,
                               to_user=actor, to_department=actor.department, agency_id=leg.agency_id,
                               started_at=now, due_at=leg.due_at, note="Tiếp nhận hồ sơ liên thông")
    _stage_step_due(dossier)
    dossier.save(update_fields=["step_due_at"])
    return dossier


def hand_over_in_leg(*, dossier: Dossier, actor: User, to_user: User | None, to_department, note: str,
                     now: dt.datetime) -> Dossier:
    """services.dossier_hand_over in a parallel stage (the row locked there): the actor's agency hands
    its leg to another of its officers, who inherits the leg's due time (as in a sequential leg); the
    officer who holds it when the leg's time runs out owns its lateness."""
    permissions.ensure_allowed(actor, dossier, "hand_over")
    leg = legs.open_leg(dossier, actor.agency_id)
    if to_user is None and to_department is None:
        raise DomainError("Cần chọn cán bộ hoặc phòng ban nhận hồ sơ.", field="to_user")
    if to_user is not None and (to_user.agency_id != leg.agency_id or not to_user.is_active or not to_user.role):
        raise DomainError("Chỉ chuyển hồ sơ cho cán bộ của cơ quan đang giải quyết phần việc liên thông này.",
                          field="to_user", code="other_agency")
    department = to_department or (to_user.department if to_user else None)
    if department is not None and department.agency_id != leg.agency_id:
        raise DomainError("Chỉ chuyển hồ sơ cho phòng ban của cơ quan đang giải quyết phần việc liên thông này.",
                          field="to_department", code="other_agency")
    _move(dossier, action="hand_over", actor=actor, now=now, note=note, leg=leg.name,
          to_user=to_user.pk if to_user else None, to_department=department.pk if department else None)
    _finish_step(dossier, now, agency_id=leg.agency_id)
    step = DossierStep.objects.create(dossier=dossier, step_index=dossier.step_index, step_name=leg.name,
                                      from_user=actor, to_user=to_user, to_department=department,
                                      agency_id=leg.agency_id, started_at=now, due_at=leg.due_at, note=note)
    leg.holder = to_user
    leg.save(update_fields=["holder"])
    notices.officer_handed(dossier, step)
    return dossier


def _send_part_back(dossier: Dossier, actor: User, mode: str, note: str, now: dt.datetime) -> Dossier:
    """An agency of the parallel stage sends its part back to the lead: its leg is judged against its
    own due time, and so is the sending. The last part ends the stage: the dossier goes back to the
    lead, whose counter takes it in (then the next stage, or the approval)."""
    permissions.ensure_allowed(actor, dossier, "transfer")
    _ensure_electronic(mode)
    leg = legs.open_leg(dossier, actor.agency_id)
    transfer = DossierTransfer(dossier=dossier, direction=DossierTransfer.Direction.LEG, mode=mode,
                               from_agency=leg.agency, to_agency=dossier.agency, sent_by=actor, sent_at=now,
                               due_at=leg.due_at, timeliness=clock.classify(now, leg.due_at), note=note.strip())
    ensure_fits(transfer, fields=("note",))
    last = all(other.finished_at for other in legs.stage_legs(dossier) if other is not leg)
    changes = {"legs_left": dossier.legs_left - 1}
    if last:
        changes |= {"leg_stage": 0, "transfer_state": TransferState.TO_AGENCY}
    _move(dossier, action="transfer", actor=actor, now=now, note=transfer.note, changes=changes,
          direction=DossierTransfer.Direction.LEG, mode=mode, to_agency=dossier.agency_id, due_at=_iso(leg.due_at),
          leg=leg.name)
    transfer.save()
    legs.finish(leg, dossier, now)
    _finish_step(dossier, now, agency_id=leg.agency_id)
    if last:
        _transit_step(dossier, transfer, actor, now)
        notices.counter_transfer_arriving(dossier, transfer)
    else:
        _stage_step_due(dossier)
    dossier.save(update_fields=["holder", "department", "step_due_at"])
    return dossier
