"""Every domain operation on a dossier, one function each (`dossier_<verb>`).

Each one runs in one transaction, locks the dossier row, checks the move against the
workflow table and the actor's rights, mutates, writes one DossierEvent, and returns the
dossier or raises a DomainError subclass (nothing is changed then).
"""

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import BigIntegerField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from mocua.accounts.models import Absence, Department, User
from mocua.api import ConflictError, DomainError
from mocua.text import fold
from procedures.models import Channel, FeeChannel, ProcedureVariant

from . import clock, notices, permissions
from .models import (
    ApplicantKind,
    CodeCounter,
    Dossier,
    DossierDayFigures,
    DossierDocument,
    DossierEvent,
    DossierFee,
    DossierStep,
    Grain,
    IntakeGuidance,
    OfficerDayFigures,
    ReturnMethod,
    Timeliness,
)
from .stats import RATING_BAD, RATING_GOOD, late_step_q, papers_digitised, resolved_kind, resolved_kinds
from .validators import citizen_id_error, national_phone, normalise_phone, phone_error, tax_code_error
from .workflow import CLOCK_RUNNING, CLOCK_STOPPED, Status, ensure_action

# Unambiguous characters for the PIN printed on the receipt (no 0/O, 1/I/L).
PIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PIN_LENGTH = 8


# --------------------------------------------------------------------------- intake input


@dataclass
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    owner_kind: str = ApplicantKind.PERSON
    owner_name: str = ""
    owner_id_number: str = ""
    owner_tax_code: str = ""
    owner_representative: str = ""
    owner_address: str = ""

    def clean(self) -> "Applicant":
        """Refuse bad input with a message naming the field."""
        # One space between words: the whole-name search (selectors.NameKey) relies on it.
        self.name, self.phone = " ".join(self.name.split()), normalise_phone(self.phone)
        if not self.name:
            raise DomainError("Cần nhập họ tên người nộp hồ sơ.", field="applicant_name")
        checks = [("applicant_id_number", citizen_id_error(self.id_number)),
                  ("applicant_phone", phone_error(self.phone)),
                  ("owner_id_number", citizen_id_error(self.owner_id_number)),
                  ("owner_tax_code", tax_code_error(self.owner_tax_code))]
        for name, message in checks:
            if message:
                raise DomainError(message, field=name)
        if self.owner_kind == ApplicantKind.ORGANISATION and not self.owner_name.strip():
            raise DomainError("Cần nhập tên tổ chức là chủ hồ sơ.", field="owner_name")
        return self


@dataclass
class Paper:
    """One line of the intake checklist: a required paper or an extra one."""

    name: str
    form: str = "original"
    quantity: int = 1
    mandatory: bool = True
    provided: bool = True
    digitisation: str = DossierDocument.Digitisation.NONE


@dataclass
class Intake:
    variant: ProcedureVariant
    applicant: Applicant
    papers: list[Paper] = field(default_factory=list)
    channel: str = Channel.COUNTER
    fees_collected: dict[int, int] = field(default_factory=dict)  # variant fee pk → đồng collected
    return_method: str = ReturnMethod.COUNTER
    return_address: str = ""
    sets: int = 1
    note: str = ""


# --------------------------------------------------------------------------- helpers


def _lock(dossier: Dossier, expected_version: int | None = None) -> Dossier:
    """Re-read the row under a lock; refuse if someone moved it since the caller read it."""
    locked = Dossier.objects.select_for_update().select_related("agency").get(pk=dossier.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang và thử lại.",
                            code="stale_version")
    return locked


def _record(dossier: Dossier, *, action: str, to: str, actor: User | None, now: dt.datetime,
            note: str = "", from_status: str | None = None, **data) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier, action=action, from_status=dossier.status if from_status is None else from_status,
        to_status=to, actor=actor, at=now, note=note, data=data)


def _check(dossier: Dossier, action: str, actor: User) -> str:
    """The state the action leads to, once the move is legal and the actor may make it."""
    to = ensure_action(action, dossier.status)
    permissions.ensure_allowed(actor, dossier, action)
    return to


def _move(dossier: Dossier, *, action: str, actor: User, now: dt.datetime, note: str = "",
          fields: tuple[str, ...] = (), **data) -> Dossier:
    """Check the move and the right, write the audit row, change the status and save."""
    to = _check(dossier, action, actor)
    _record(dossier, action=action, to=to, actor=actor, now=now, note=note, **data)
    dossier.status = to
    dossier.version += 1
    dossier.save(update_fields=["status", "version", "updated_at", *fields])
    return dossier


def _required(text: str, message: str, field_name: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(message, field=field_name)
    return text


def _new_pin() -> str:
    return "".join(secrets.choice(PIN_ALPHABET) for _ in range(PIN_LENGTH))


def _next_code(agency, day: dt.date) -> str:
    """`{agency identifier}-{yyMMdd}-{NNNN}`; the upsert holds the counter row's lock until
    commit, so concurrent intakes at one agency get distinct numbers."""
    table = CodeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        number = cursor.fetchone()[0]
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def _search_text(dossier: Dossier) -> str:
    # The phone may be typed +84…/84… at the counter and 0… in the search box: keep both forms.
    parts = [dossier.code, dossier.applicant_name, dossier.owner_name, dossier.applicant_phone,
             national_phone(dossier.applicant_phone),
             dossier.applicant_id_number, dossier.owner_id_number, dossier.owner_tax_code]
    return fold(" ".join(p for p in parts if p))


def _judged_at(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """When handling ending now is judged on time or late: at the start of the pause if the clock
    is stopped (papers or money awaited; the 766 index takes the request date as the end of a
    pending supplement), so a withdrawal after a long wait is not the officer's lateness."""
    return dossier.paused_at if dossier.status in CLOCK_STOPPED and dossier.paused_at else now


def _finish_step(dossier: Dossier, now: dt.datetime, *, ends_handling: bool = False) -> None:
    """Finish the open step and add it to the leaders' figures (OfficerDayFigures) in this
    transaction. A move that ends handling (approve, refuse, withdraw, stop) has set the dossier's
    finished_at already (`_finish_dossier` first) and says so with `ends_handling`."""
    wanted = Q(finished_at__isnull=True)
    if ends_handling:  # read in the same query: steps that no longer count late (_counts_late)
        wanted |= Q(started_at__gte=dossier.finished_at, timeliness=Timeliness.LATE)
    found = list(dossier.steps.filter(wanted).order_by("-started_at", "-pk"))
    step = next((s for s in found if s.finished_at is None), None)
    if step is None:
        return
    for earlier in found:
        if earlier.finished_at is not None:
            _uncount_late(dossier, earlier)
    judged = _judged_at(dossier, now)
    step.finished_at = now
    step.timeliness = clock.classify(judged, step.due_at)
    step.late_seconds = clock.late_seconds(judged, step.due_at, dossier.agency)
    step.save(update_fields=["finished_at", "timeliness", "late_seconds"])
    _count_step(dossier, step, late=_counts_late(dossier, step))


def _counts_late(dossier: Dossier, step: DossierStep) -> bool:
    """stats.late_step_q on the rows as this transaction leaves them, which is how every later read
    finds them: a finished step's timeliness and late_seconds are never written again, and a
    dossier's finished_at is set once, by the move that ends handling (the states it leads to have
    no way back), and never moved; nothing changes a dossier's agency or procedure.

    - Handling goes on (hand over): finished_at is NULL. If handling ends later, it ends at or
      after now, so after the step began, and the step stays late; unless the step began at this
      very instant and handling ends at it too (a clock that did not tick between three moves, as
      in tests): the move that ends handling takes such steps back (_finish_step, ends_handling).
    - Handling ends in this move (approve, refuse, withdraw, stop, also while the clock is stopped,
      the step then judged at the pause by _judged_at): finished_at is now, and the step began
      before it, or began now and is not late.
    - Handling has ended (return): the only open step is the one opened when it ended, which began
      at finished_at: never late, as handing the result back is not an officer's delay.
    """
    return step.timeliness == Timeliness.LATE and (
        dossier.finished_at is None or step.started_at < dossier.finished_at)


def _grains(day: dt.date) -> list[tuple[str, str]]:
    """The two rows of a figures table that something on local `day` is added to, as (grain, day)
    in lock order: the day's row, then its month's (dated the first of the month).

    Every writer locks them in this order (in one statement, or the day row's first), so no
    deadlock: a move waiting for a month row already holds its day row, so between moves of one day
    the month rows add no lock cycle to those the day rows alone could make."""
    return [(Grain.DAY, connection.ops.adapt_datefield_value(day)),
            (Grain.MONTH, connection.ops.adapt_datefield_value(day.replace(day=1)))]


def _figures_keys(dossier: Dossier, step: DossierStep) -> list[list]:
    """The step's rows of OfficerDayFigures, day then month (_grains): grain, officer, day, agency,
    procedure, department."""
    day = timezone.localdate(step.finished_at, timezone.get_default_timezone())
    return [[grain, step.to_user_id or 0, first, dossier.agency_id, dossier.procedure_id, step.to_department_id or 0]
            for grain, first in _grains(day)]


def _add_to_figures(model, key: tuple[str, ...], counters: tuple[str, ...], rows: list[list]) -> None:
    """Add each of `rows` (grain, *key, *counter amounts) to its row of a figures table with one
    upsert, inserted if missing. It runs in the move's transaction, so a move that fails leaves the
    figures as they were; two moves adding to one row at once wait for each other on its lock (ON
    CONFLICT DO UPDATE), and each adds its share. VALUES rows are inserted, or their rows locked, in
    order: give them in the lock order of _grains. The same SQL runs on PostgreSQL and on SQLite
    (≥ 3.24) for the demo."""
    table = model._meta.db_table
    columns = ("grain", *key, *counters)
    values = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([values] * len(rows))} "
            f"ON CONFLICT (grain, {', '.join(key)}) DO UPDATE SET "
            + ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in counters),
            [value for row in rows for value in row])


def _count_step(dossier: Dossier, step: DossierStep, *, late: bool) -> None:
    """Add the step to its day and month rows of OfficerDayFigures (_add_to_figures)."""
    amounts = [1, int(late), step.late_seconds if late else 0]
    _add_to_figures(OfficerDayFigures, ("officer_id", "day", "agency_id", "procedure_id", "department_id"),
                    ("steps", "late_steps", "late_seconds"),
                    [[*key, *amounts] for key in _figures_keys(dossier, step)])


def _uncount_late(dossier: Dossier, step: DossierStep) -> None:
    """Take back the lateness of a step counted late when it was finished (its rows exist): one
    UPDATE per row, the day's first (the lock order of _grains)."""
    table = OfficerDayFigures._meta.db_table
    with connection.cursor() as cursor:
        for key in _figures_keys(dossier, step):
            cursor.execute(
                f"UPDATE {table} SET late_steps = late_steps - 1, late_seconds = late_seconds - %s WHERE grain = %s "
                f"AND officer_id = %s AND day = %s AND agency_id = %s AND procedure_id = %s AND department_id = %s",
                [step.late_seconds, *key])


def _open_step(dossier: Dossier, *, index: int, actor: User | None, to_user: User | None,
               to_department: Department | None, now: dt.datetime, due: dt.datetime,
               intended: User | None = None, note: str = "") -> DossierStep:
    plan = dossier.steps_plan
    name = plan[index]["name"] if index < len(plan) else "Xử lý hồ sơ"
    dossier.step_index, dossier.holder, dossier.department, dossier.step_due_at = index, to_user, to_department, due
    return DossierStep.objects.create(
        dossier=dossier, step_index=index, step_name=name, from_user=actor, to_user=to_user, intended_user=intended,
        to_department=to_department, started_at=now, due_at=due, note=note)


def _finish_dossier(dossier: Dossier, now: dt.datetime, *, ending: str) -> None:
    """Handling ends in the state `ending` (result_ready, refused, withdrawn, stopped): classify
    against the statutory due, and add a received dossier to Biểu 06's resolved figures
    (DossierDayFigures) in this transaction. The caller may not have set the status yet: `ending`
    is the one the dossier keeps (result_ready only goes on to returned, which counts the same).

    The 766 index counts a dossier with more than one supplement request as late.
    """
    dossier.finished_at = now
    if dossier.received_at is None:  # an online submission withdrawn before the counter accepted it
        dossier.timeliness = ""
        return
    if dossier.supplement_requests > 1:
        dossier.timeliness = Timeliness.LATE
    else:
        dossier.timeliness = clock.classify(_judged_at(dossier, now), dossier.legal_due_at)
    counters = [resolved_kind(ending, dossier.timeliness)]
    if ending in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        counters.append(ending)  # the counters are named as these statuses' values
        if ending != Status.REFUSED and dossier.timeliness == Timeliness.LATE:
            counters.append("closed_late")
    _count_dossier(dossier, now, *counters)


def _count_dossier(dossier: Dossier, moment: dt.datetime, *added: str) -> None:
    """Add one to each of `added` (counters) of the dossier's day and month rows of DossierDayFigures
    (its agency and procedure, the local day of `moment` and its month) in the move's transaction
    (_add_to_figures). Nothing changes a received dossier's agency, procedure or channel, nor its
    received_at, finished_at, returned_at or timeliness once set, so a dossier is added once on
    receipt, once when handling ends, once when its result is handed back and once when rated."""
    counters = DossierDayFigures.COUNTERS
    day = timezone.localdate(moment, timezone.get_default_timezone())
    amounts = [int(c in added) for c in counters]
    _add_to_figures(DossierDayFigures, ("day", "agency_id", "procedure_id"), counters,
                    [[grain, first, dossier.agency_id, dossier.procedure_id, *amounts]
                     for grain, first in _grains(day)])


FINISH_FIELDS = ("finished_at", "timeliness")


# --------------------------------------------------------------------------- intake


def _ensure_handles(actor: User, variant: ProcedureVariant) -> None:
    if not actor.agency.procedures.filter(pk=variant.procedure_id).exists():
        raise DomainError("Cơ quan của bạn không tiếp nhận thủ tục này.", field="variant", code="procedure_not_handled")


def _new_dossier(intake: Intake, agency, actor: User | None, now: dt.datetime, status: str) -> Dossier:
    variant, applicant = intake.variant, intake.applicant.clean()
    procedure = variant.procedure
    if intake.return_method == ReturnMethod.POST and not intake.return_address.strip():
        raise DomainError("Cần nhập địa chỉ nhận kết quả qua bưu chính.", field="return_address")
    steps = [{"name": s.name, "role": s.role, "department": s.department_name, "budget": str(s.budget)}
             for s in variant.steps.all()]
    online = intake.channel == Channel.ONLINE and variant.online_time_limit
    dossier = Dossier(
        code=_next_code(agency, timezone.localdate(now)), pin=_new_pin(), agency=agency,
        procedure=procedure, variant=variant, status=status, channel=intake.channel,
        procedure_name=procedure.name, variant_name=variant.name,
        time_limit=variant.online_time_limit if online else variant.time_limit, time_unit=variant.time_unit,
        same_day_cutoff=variant.same_day_cutoff, steps_plan=steps,
        applicant_name=applicant.name, applicant_id_number=applicant.id_number, applicant_phone=applicant.phone,
        applicant_email=applicant.email, applicant_address=applicant.address, owner_kind=applicant.owner_kind,
        owner_name=applicant.owner_name, owner_id_number=applicant.owner_id_number,
        owner_tax_code=applicant.owner_tax_code, owner_representative=applicant.owner_representative,
        owner_address=applicant.owner_address, sets=max(1, intake.sets), return_method=intake.return_method,
        return_address=intake.return_address, note=intake.note, created_by=actor,
    )
    dossier.search_text = _search_text(dossier)
    dossier.save()
    papers = DossierDocument.objects.bulk_create(
        DossierDocument(dossier=dossier, order=n, name=p.name, form=p.form, quantity=p.quantity,
                        mandatory=p.mandatory, provided=p.provided, digitisation=p.digitisation, added_by=actor)
        for n, p in enumerate(intake.papers, start=1))
    _loaded(dossier, documents=papers)
    return dossier


def _loaded(dossier: Dossier, **related: list) -> None:
    """Record rows this transaction wrote as the dossier's loaded relations (what prefetch_related
    would read back): the intake answers with them instead of reading them again, which was about
    40 % of an intake through the API."""
    cache = dossier.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        cache.pop(name, None)
        # As prefetch_related leaves it: the relation's queryset, evaluated. A filter or get() on it
        # still queries the database.
        queryset = getattr(dossier, name).get_queryset()
        queryset._result_cache, queryset._prefetch_done = list(rows), True
        cache[name] = queryset


def _copy_fees(dossier: Dossier, intake: Intake) -> None:
    wanted = {FeeChannel.ALL, intake.channel}
    fees = [f for f in intake.variant.fees.all() if f.channel in wanted]
    for fee in fees:
        collected = intake.fees_collected.get(fee.pk, 0)
        if collected < 0 or collected > fee.amount * 1000:
            raise DomainError(f"Số tiền đã thu của “{fee.name}” không hợp lệ.", field="fees")
    _loaded(dossier, fees=DossierFee.objects.bulk_create(
        DossierFee(dossier=dossier, kind=f.kind, name=f.name, amount=f.amount,
                   collected=intake.fees_collected.get(f.pk, 0)) for f in fees))


def _start_clock(dossier: Dossier, actor: User, now: dt.datetime) -> DossierStep:
    """The dossier is received now (at the counter, or an online submission accepted): its clock
    starts and it is added to Biểu 06's received figures (DossierDayFigures)."""
    dossier.received_at = now
    added = ["new_online" if dossier.channel == Channel.ONLINE else "new_offline"]
    if _papers_digitised(dossier):
        added.append("digitised")
    _count_dossier(dossier, now, *added)
    dossier.legal_due_at = dossier.due_at = clock.dossier_due(dossier, now)
    step = _open_step(dossier, index=0, actor=actor, to_user=actor, to_department=actor.department, now=now,
                      due=clock.step_due(dossier, 0, now), note="Tiếp nhận hồ sơ")
    dossier.save(update_fields=["received_at", "legal_due_at", "due_at", "step_index", "holder", "department",
                                "step_due_at"])
    return step


def _papers_digitised(dossier: Dossier) -> bool:
    """The 766 index's 4.2 (stats.papers_digitised, for one dossier): at least one paper handed in at
    intake, and each one scanned or reused. The papers are the ones just written at the counter
    (loaded, no query) or those of an online submission."""
    papers = [d for d in dossier.documents.all() if d.kind == DossierDocument.Kind.INTAKE and d.provided]
    return bool(papers) and all(d.digitisation != DossierDocument.Digitisation.NONE for d in papers)


def count_rating(dossier: Dossier, *, level: str, at: dt.datetime) -> None:
    """A rating given `at`, in the rating's transaction (ratings.services.rating_submit): a rating,
    maybe a good one, on the day it was given, and a "not satisfied" one on a dossier not late on
    the day its handling ended (the 766 index's 5.4 counts the period's resolved dossiers)."""
    _count_dossier(dossier, at, "rated", *(["rated_good"] if level in RATING_GOOD else []))
    if level == RATING_BAD and dossier.timeliness != Timeliness.LATE:
        _count_dossier(dossier, dossier.finished_at, "disliked")


@transaction.atomic
def dossier_receive(*, actor: User, intake: Intake) -> Dossier:
    """Accept a complete dossier at the counter (Mẫu 01): code, PIN, due time; the clock starts.
    The dossier comes back with its papers, fees, step and event loaded."""
    permissions.ensure_role(actor, "receive")
    _ensure_handles(actor, intake.variant)
    missing = [p.name for p in intake.papers if p.mandatory and not p.provided]
    if missing:
        raise DomainError("Hồ sơ còn thiếu giấy tờ bắt buộc: " + "; ".join(missing)
                          + ". Hãy chọn “Hướng dẫn bổ sung” (Mẫu 02).", field="papers", code="papers_missing")
    now = timezone.now()
    dossier = _new_dossier(intake, actor.agency, actor, now, Status.RECEIVED)
    _copy_fees(dossier, intake)
    step = _start_clock(dossier, actor, now)
    event = _record(dossier, action="receive", to=Status.RECEIVED, actor=actor, now=now, from_status="",
                    channel=intake.channel)
    _loaded(dossier, steps=[step], events=[event])
    notices.applicant_received(dossier, new=True)
    return dossier


@transaction.atomic
def intake_guidance_create(*, actor: User, variant: ProcedureVariant, applicant: Applicant,
                           missing_papers: list[str], reason: str = "") -> IntakeGuidance:
    """Papers missing at the counter: Mẫu 02 guidance. Nothing is received, no clock runs."""
    permissions.ensure_role(actor, "receive")
    _ensure_handles(actor, variant)
    applicant.clean()
    missing = [m.strip() for m in missing_papers if m and m.strip()]
    if not missing:
        raise DomainError("Cần ghi rõ giấy tờ phải bổ sung, hoàn thiện.", field="missing_papers")
    return IntakeGuidance.objects.create(
        agency=actor.agency, procedure=variant.procedure, variant_name=variant.name, applicant_name=applicant.name,
        applicant_phone=applicant.phone, applicant_email=applicant.email, applicant_address=applicant.address,
        missing_papers=missing, reason=reason.strip(), officer=actor)


@transaction.atomic
def dossier_refuse_intake(*, actor: User, intake: Intake, reason: str) -> Dossier:
    """Refuse to receive (Mẫu 03): outside the agency's competence or barred, with the reason."""
    permissions.ensure_role(actor, "receive")
    reason = _required(reason, "Cần nêu lý do từ chối tiếp nhận.", "reason")
    now = timezone.now()
    dossier = _new_dossier(intake, actor.agency, actor, now, Status.REFUSED)
    dossier.reason, dossier.finished_at = reason, now
    dossier.save(update_fields=["reason", "finished_at"])
    _count_dossier(dossier, now, "refused_at_intake")
    _record(dossier, action="refuse_intake", to=Status.REFUSED, actor=actor, now=now, note=reason, from_status="")
    return dossier


@transaction.atomic
def dossier_accept_online(*, dossier: Dossier, actor: User, expected_version: int | None = None) -> Dossier:
    """An online submission is complete: it is received now and its clock starts now."""
    dossier = _lock(dossier, expected_version)
    now = timezone.now()
    # The accepting officer is the dossier's counter officer: the result comes back to their desk.
    dossier.created_by = dossier.created_by or actor
    _move(dossier, action="accept_online", actor=actor, now=now, fields=("created_by",))
    _start_clock(dossier, actor, now)
    notices.applicant_received(dossier)
    return dossier


@transaction.atomic
def dossier_reject_online(*, dossier: Dossier, actor: User, reason: str,
                          expected_version: int | None = None) -> Dossier:
    """Refuse an online submission; the citizen reads the reason on the lookup page."""
    dossier = _lock(dossier, expected_version)
    reason = _required(reason, "Cần nêu lý do không tiếp nhận.", "reason")
    now = timezone.now()
    dossier.reason, dossier.finished_at = reason, now
    _move(dossier, action="reject_online", actor=actor, now=now, note=reason, fields=("reason", "finished_at"))
    _count_dossier(dossier, now, "refused_at_intake")
    notices.applicant_rejected(dossier)
    return dossier


# --------------------------------------------------------------------------- handling


def _resolve_target(actor: User, dossier: Dossier, to_user: User | None,
                    to_department: Department | None) -> tuple[User | None, User | None, Department | None]:
    """(receiver, intended receiver when substituted, department) of a handover."""
    if to_user is None and to_department is None:
        raise DomainError("Cần chọn cán bộ hoặc phòng ban nhận hồ sơ.", field="to_user")
    if to_user is not None:
        if to_user.agency_id != dossier.agency_id or not to_user.is_active or not to_user.role:
            raise DomainError("Chỉ chuyển hồ sơ cho cán bộ đang công tác tại cơ quan giải quyết.",
                              field="to_user", code="other_agency")
        today = timezone.localdate()
        absence = (Absence.objects.select_related("substitute")
                   .filter(user=to_user, starts_on__lte=today, ends_on__gte=today).first())
        if absence:
            return absence.substitute, to_user, absence.substitute.department or to_department
        return to_user, None, to_department or to_user.department
    if to_department.agency_id != dossier.agency_id:
        raise DomainError("Chỉ chuyển hồ sơ cho phòng ban của cơ quan giải quyết.", field="to_department",
                          code="other_agency")
    return None, None, to_department


@transaction.atomic
def dossier_hand_over(*, dossier: Dossier, actor: User, to_user: User | None = None,
                      to_department: Department | None = None, next_step: bool = True, note: str = "",
                      expected_version: int | None = None) -> Dossier:
    """Hand the dossier to the next step (new due time from its budget) or, with
    next_step=False, to another officer within the same step (a head assigning a specialist),
    who inherits the step's due time."""
    dossier = _lock(dossier, expected_version)
    receiver, intended, department = _resolve_target(actor, dossier, to_user, to_department)
    now = timezone.now()
    from_status = dossier.status
    _move(dossier, action="hand_over", actor=actor, now=now, note=note,
          to_user=receiver.pk if receiver else None, intended_user=intended.pk if intended else None,
          to_department=department.pk if department else None)
    index = dossier.step_index + 1 if (next_step or from_status == Status.RECEIVED) else dossier.step_index
    due = clock.step_due(dossier, index, now) if index != dossier.step_index else dossier.step_due_at
    _finish_step(dossier, now)
    step = _open_step(dossier, index=index, actor=actor, to_user=receiver, to_department=department, now=now,
                      due=due, intended=intended, note=note)
    dossier.save(update_fields=["step_index", "holder", "department", "step_due_at"])
    notices.officer_handed(dossier, step)
    return dossier


def _pause(dossier: Dossier, *, action: str, actor: User, reason: str, now: dt.datetime,
           fields: tuple[str, ...] = (), **data) -> Dossier:
    dossier.paused_at, dossier.reason = now, reason
    return _move(dossier, action=action, actor=actor, now=now, note=reason,
                 fields=("paused_at", "reason", *fields), **data)


def _resume(dossier: Dossier, *, action: str, actor: User, note: str, restart: bool) -> Dossier:
    """The clock runs again: the time left at the pause, or the whole limit where the law
    of the deployment says it restarts. The waiting time is kept for statistics."""
    now = timezone.now()
    paused_at, agency = dossier.paused_at or now, dossier.agency
    waited = clock.workcalendar.working_time_between(paused_at, now, agency)
    dossier.paused_seconds += int(waited.total_seconds())
    if restart:
        dossier.legal_due_at = clock.dossier_due(dossier, now)
        dossier.due_at = max(dossier.legal_due_at, dossier.due_at) if dossier.rescheduled_at else dossier.legal_due_at
    else:
        dossier.legal_due_at = clock.shift_after_pause(dossier.legal_due_at, paused_at, now, agency)
        dossier.due_at = clock.shift_after_pause(dossier.due_at, paused_at, now, agency)
    dossier.step_due_at = clock.shift_after_pause(dossier.step_due_at, paused_at, now, agency)
    dossier.steps.filter(finished_at__isnull=True).update(due_at=dossier.step_due_at)
    dossier.paused_at = None
    return _move(dossier, action=action, actor=actor, now=now, note=note,
                 fields=("paused_seconds", "legal_due_at", "due_at", "step_due_at", "paused_at"),
                 waited_seconds=int(waited.total_seconds()))


@transaction.atomic
def dossier_request_supplement(*, dossier: Dossier, actor: User, missing_papers: list[str], reason: str,
                               expected_version: int | None = None) -> Dossier:
    """Ask the citizen for missing papers (Mẫu 02); at most once during handling. The clock stops."""
    dossier = _lock(dossier, expected_version)
    missing = [m.strip() for m in missing_papers if m and m.strip()]
    if not missing:
        raise DomainError("Cần ghi rõ giấy tờ phải bổ sung.", field="missing_papers")
    reason = _required(reason, "Cần nêu lý do yêu cầu bổ sung.", "reason")
    if dossier.supplement_requests >= 1 and dossier.status == Status.PROCESSING:
        # Decree 61/2018, kept by Decree 118/2025: supplements are asked for only once.
        raise ConflictError("Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu lần thứ hai.",
                            code="supplement_once")
    dossier.missing_papers = missing
    dossier.supplement_requests += 1
    _check(dossier, "request_supplement", actor)
    _pause(dossier, action="request_supplement", actor=actor, reason=reason, now=timezone.now(),
           fields=("missing_papers", "supplement_requests"), missing=missing)
    notices.applicant_supplement(dossier)
    return dossier


@transaction.atomic
def dossier_receive_supplement(*, dossier: Dossier, actor: User, note: str = "",
                               expected_version: int | None = None) -> Dossier:
    """The papers arrived: the clock resumes (or restarts, per SUPPLEMENT_CLOCK)."""
    dossier = _lock(dossier, expected_version)
    _check(dossier, "receive_supplement", actor)
    DossierDocument.objects.bulk_create(
        DossierDocument(dossier=dossier, kind=DossierDocument.Kind.SUPPLEMENT, order=n, name=name, added_by=actor)
        for n, name in enumerate(dossier.missing_papers, start=1))
    return _resume(dossier, action="receive_supplement", actor=actor, note=note,
                   restart=clock.restarts_after_supplement())


@transaction.atomic
def dossier_request_payment(*, dossier: Dossier, actor: User, reason: str,
                            expected_version: int | None = None) -> Dossier:
    """Ask for payment of financial obligations (land tax, fees); the clock stops."""
    dossier = _lock(dossier, expected_version)
    reason = _required(reason, "Cần nêu nghĩa vụ tài chính phải thực hiện.", "reason")
    return _pause(dossier, action="request_payment", actor=actor, reason=reason,
                  now=timezone.now())


@transaction.atomic
def dossier_receive_payment(*, dossier: Dossier, actor: User, note: str = "",
                            expected_version: int | None = None) -> Dossier:
    """Obligations paid: the clock resumes where it stopped."""
    dossier = _lock(dossier, expected_version)
    return _resume(dossier, action="receive_payment", actor=actor, note=note, restart=False)


@transaction.atomic
def dossier_approve(*, dossier: Dossier, actor: User, result_summary: str = "",
                    expected_version: int | None = None) -> Dossier:
    """The leader approves the result: handling ends and the dossier goes back to the counter."""
    dossier = _lock(dossier, expected_version)
    now = timezone.now()
    _move(dossier, action="approve", actor=actor, now=now, note=result_summary)
    _finish_dossier(dossier, now, ending=dossier.status)  # result_ready, set by _move
    _finish_step(dossier, now, ends_handling=True)
    dossier.result_summary = result_summary.strip()
    counter = dossier.created_by if dossier.created_by and dossier.created_by.is_active else None
    last = len(dossier.steps_plan) - 1 if dossier.steps_plan else dossier.step_index + 1
    _open_step(dossier, index=max(last, dossier.step_index + 1), actor=actor, to_user=counter,
               to_department=counter.department if counter else None, now=now,
               due=max(clock.step_due(dossier, last, now), dossier.due_at), note="Trả kết quả")
    dossier.save(update_fields=[*FINISH_FIELDS, "result_summary", "step_index", "holder", "department",
                                "step_due_at"])
    notices.applicant_result_ready(dossier)
    return dossier


def _close(dossier: Dossier, *, action: str, actor: User, reason: str, message: str) -> Dossier:
    """End handling for good (refused, withdrawn, stopped), with the reason on record."""
    ending = _check(dossier, action, actor)
    now = timezone.now()
    dossier.reason = _required(reason, message, "reason")
    if dossier.status in CLOCK_STOPPED and dossier.paused_at:
        dossier.paused_seconds += int(clock.workcalendar.working_time_between(
            dossier.paused_at, now, dossier.agency).total_seconds())
    # Before _move: the step and the dossier are judged from the state they were in (_judged_at),
    # the Biểu 06 column from the state they end in.
    _finish_dossier(dossier, now, ending=ending)
    _finish_step(dossier, now, ends_handling=True)
    dossier.holder, dossier.step_due_at = None, None
    _move(dossier, action=action, actor=actor, now=now, note=dossier.reason,
          fields=("reason", *FINISH_FIELDS, "paused_seconds", "holder", "step_due_at"))
    if action in notices.CLOSED:
        notices.applicant_closed(dossier, action)
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None) -> Dossier:
    """Refuse after appraisal, with the written reason that goes back through the counter."""
    dossier = _lock(dossier, expected_version)
    return _close(dossier, action="refuse", actor=actor, reason=reason,
                  message="Cần nêu lý do từ chối giải quyết.")


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None) -> Dossier:
    """The citizen asks to withdraw the dossier (portal status 7)."""
    dossier = _lock(dossier, expected_version)
    return _close(dossier, action="withdraw", actor=actor, reason=reason,
                  message="Cần ghi nội dung đề nghị rút hồ sơ của công dân.")


@transaction.atomic
def dossier_stop(*, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None) -> Dossier:
    """The agency stops handling (Mẫu 05 of Circular 03/2025)."""
    dossier = _lock(dossier, expected_version)
    return _close(dossier, action="stop", actor=actor, reason=reason,
                  message="Cần nêu lý do dừng giải quyết hồ sơ.")


@transaction.atomic
def dossier_return(*, dossier: Dossier, actor: User, collected_by: str = "", collected_id_number: str = "",
                   postal_tracking: str = "", expected_version: int | None = None) -> Dossier:
    """Hand the result back: who collected it and their ID, or the postal tracking number."""
    dossier = _lock(dossier, expected_version)
    collected_by, postal_tracking = collected_by.strip(), postal_tracking.strip()
    if dossier.return_method == ReturnMethod.POST:
        _required(postal_tracking, "Cần nhập mã bưu gửi của kết quả.", "postal_tracking")
    elif not collected_by:
        raise DomainError("Cần nhập họ tên người nhận kết quả.", field="collected_by")
    if message := citizen_id_error(collected_id_number):
        raise DomainError(message, field="collected_id_number")
    now = timezone.now()
    dossier.collected_by, dossier.collected_id_number = collected_by, collected_id_number
    dossier.postal_tracking, dossier.returned_at = postal_tracking, now
    _move(dossier, action="return", actor=actor, now=now,
          fields=("collected_by", "collected_id_number", "postal_tracking", "returned_at"))
    _count_dossier(dossier, now, "returned")
    _finish_step(dossier, now)
    dossier.holder, dossier.step_due_at = None, None
    dossier.save(update_fields=["holder", "step_due_at"])
    return dossier


@transaction.atomic
def dossier_reschedule(*, dossier: Dossier, actor: User, new_due_at: dt.datetime, reason: str,
                       expected_version: int | None = None) -> Dossier:
    """Apologise and give a new appointment (Mẫu 04), once. The statutory due time is kept."""
    dossier = _lock(dossier, expected_version)
    permissions.ensure_allowed(actor, dossier, "reschedule")
    reason = _required(reason, "Cần nêu lý do chậm trả kết quả.", "reason")
    now = timezone.now()
    if dossier.status not in CLOCK_RUNNING | CLOCK_STOPPED:
        raise ConflictError("Chỉ hẹn lại với hồ sơ đang giải quyết.", code="invalid_transition")
    if dossier.rescheduled_at:
        raise ConflictError("Hồ sơ đã được hẹn lại một lần; chỉ được xin lỗi và hẹn lại một lần.",
                            code="reschedule_once")
    if new_due_at <= now or (dossier.due_at and new_due_at <= dossier.due_at):
        raise DomainError("Ngày hẹn mới phải sau thời điểm hiện tại và sau ngày hẹn cũ.", field="new_due_at")
    old = dossier.due_at
    dossier.due_at, dossier.rescheduled_at, dossier.version = new_due_at, now, dossier.version + 1
    _record(dossier, action="reschedule", to=dossier.status, actor=actor, now=now, note=reason,
            old_due_at=old.isoformat() if old else None, new_due_at=new_due_at.isoformat())
    dossier.reason = reason
    dossier.save(update_fields=["due_at", "rescheduled_at", "reason", "version", "updated_at"])
    notices.applicant_rescheduled(dossier)
    return dossier


# --------------------------------------------------------------------------- the leaders' step figures


def _sum_months(cursor, *, using: str, figures_model, key: tuple[str, ...], counters: tuple[str, ...]) -> int:
    """Add the month rows of a figures table, each the sum of its month's day rows: one INSERT …
    SELECT … GROUP BY over the day rows just written. Returns the number of rows. A model from
    before migration 0008 has no month rows: nothing to add."""
    if not any(f.name == "grain" for f in figures_model._meta.get_fields()):
        return 0
    months = (figures_model.objects.using(using).filter(grain=Grain.DAY).order_by()
              .values(*key, month=TruncMonth("day")).annotate(**{f"sum_{c}": Sum(c) for c in counters}))
    select_sql, params = months.query.sql_with_params()
    quote = connections[using].ops.quote_name
    columns = ", ".join(quote(c) for c in ("month", *key, *(f"sum_{c}" for c in counters)))
    cursor.execute(f"INSERT INTO {figures_model._meta.db_table} (grain, day, {', '.join(key)}, {', '.join(counters)}) "
                   f"SELECT %s, {columns} FROM ({select_sql}) months", [Grain.MONTH, *params])
    return cursor.rowcount


def officer_figures_rebuild(*, using: str = "default", step_model=DossierStep, figures_model=OfficerDayFigures) -> int:
    """Recompute OfficerDayFigures from the step log, with the predicate the leaders' reads use
    (stats.late_step_q): one DELETE, one INSERT … SELECT … GROUP BY for the day rows and one for the
    month rows (_sum_months), on PostgreSQL and SQLite. Returns the number of rows written.

    For rows written without the services (the bench seeders' COPY) and for operators
    (`manage.py rebuild_officer_figures`); migrations 0005 and 0008 pass their historical models. On
    PostgreSQL the table is locked against writers (not readers) until the caller's transaction
    ends, so that a step finished meanwhile is added after the rebuild, not lost or counted twice.
    """
    late = late_step_q()
    ids = {"output_field": BigIntegerField()}
    groups = (step_model.objects.using(using).filter(finished_at__isnull=False).order_by()
              .values(officer=Coalesce("to_user_id", Value(0), **ids),
                      local_day=TruncDate("finished_at", tzinfo=timezone.get_default_timezone()),
                      agency=F("dossier__agency_id"), procedure=F("dossier__procedure_id"),
                      department=Coalesce("to_department_id", Value(0), **ids))
              .annotate(n=Count("id"), late_n=Count("id", filter=late),
                        late_s=Coalesce(Sum("late_seconds", filter=late), Value(0), **ids)))
    select_sql, params = groups.query.sql_with_params()
    db = connections[using]
    table = figures_model._meta.db_table
    columns = ", ".join(db.ops.quote_name(c) for c in ("officer", "local_day", "agency", "procedure", "department",
                                                       "n", "late_n", "late_s"))
    with transaction.atomic(using=using), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            # The GROUP BY of a whole step log hashes in memory rather than spilling to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DELETE FROM {table}")
        # The day rows take grain's default (DAY), so this serves migration 0005's model too.
        cursor.execute(
            f"INSERT INTO {table} (officer_id, day, agency_id, procedure_id, department_id, steps, late_steps, "
            f"late_seconds) SELECT {columns} FROM ({select_sql}) groups", params)
        days = cursor.rowcount
        return days + _sum_months(cursor, using=using, figures_model=figures_model,
                                  key=("officer_id", "agency_id", "procedure_id", "department_id"),
                                  counters=("steps", "late_steps", "late_seconds"))


# --------------------------------------------------------------------------- Biểu 06's daily figures


def _figures_parts() -> list[tuple[Q, str, dict[str, Q]]]:
    """What DossierDayFigures counts, as (which dossiers, the moment whose local day they count on,
    {counter: condition}): the conditions stats.conditions gives each figure."""
    received = Q(received_at__isnull=False)
    online, closed = Q(channel=Channel.ONLINE), Q(status__in=(Status.WITHDRAWN, Status.STOPPED))
    return [
        (received, "received_at", {"new_online": online, "new_offline": ~online, "digitised": papers_digitised()}),
        (received & Q(finished_at__isnull=False), "finished_at", {
            **resolved_kinds(), **{status: Q(status=status) for status in (Status.REFUSED, Status.WITHDRAWN,
                                                                         Status.STOPPED)},
            "closed_late": closed & Q(timeliness=Timeliness.LATE),
            "disliked": Q(rating__level=RATING_BAD) & ~Q(timeliness=Timeliness.LATE)}),
        (received & Q(returned_at__isnull=False), "returned_at", {"returned": Q()}),
        (Q(received_at__isnull=True, status=Status.REFUSED, finished_at__isnull=False), "finished_at",
         {"refused_at_intake": Q()}),
        (received & Q(rating__isnull=False), "rating__created_at",
         {"rated": Q(), "rated_good": Q(rating__level__in=RATING_GOOD)}),
    ]


def report_figures_rebuild(*, using: str = "default", dossier_model=Dossier, figures_model=DossierDayFigures) -> int:
    """Recompute DossierDayFigures from the dossiers, with the conditions the leaders' pages read
    (received dossiers only for Biểu 06; stats.conditions): one DELETE, one INSERT … SELECT that sums
    per local day, agency and procedure the dossiers grouped by each day they count on (received,
    resolved, returned, refused at intake, rated: _figures_parts, UNION ALL), then the month rows
    from the day rows (_sum_months); on PostgreSQL and SQLite. Returns the number of rows.

    For rows written without the services (the bench seeders' COPY) and for operators
    (`manage.py rebuild_report_figures`); migrations 0007, 0008 and 0012 pass their historical
    models, and only the counters the model has are written. The table is locked against writers
    until the caller's transaction ends, as in officer_figures_rebuild.
    """
    zone = timezone.get_default_timezone()
    db = connections[using]
    quote = db.ops.quote_name
    has = {f.name for f in figures_model._meta.get_fields()}
    counters = [c for c in DossierDayFigures.COUNTERS if c in has]
    selects, params = [], []
    for n, (which, moment, rules) in enumerate(_figures_parts()):
        rules = {name: q for name, q in rules.items() if name in has}
        if not rules:  # a model from before migration 0012 (whose Dossier may know no rating)
            continue
        dossiers = dossier_model.objects.using(using).filter(which).order_by()
        groups = (dossiers.values("agency_id", "procedure_id", local_day=TruncDate(moment, tzinfo=zone))
                  .annotate(**{f"n_{name}": Count("id", filter=q) for name, q in rules.items()}))
        sql, part_params = groups.query.sql_with_params()
        columns = ", ".join(f"{quote(f'n_{c}') if c in rules else 0} AS {c}" for c in counters)
        selects.append(f"SELECT local_day, agency_id, procedure_id, {columns} FROM ({sql}) part{n}")
        params += part_params
    # A sum rather than an upsert of each part onto the others' rows: it needs no unique key, and
    # migration 0007's model (its backfill) knows only the key before migration 0008.
    flows = " UNION ALL ".join(selects)
    names = ", ".join(counters)
    with transaction.atomic(using=using), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {figures_model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DELETE FROM {figures_model._meta.db_table}")
        # The day rows take grain's default (DAY), as in officer_figures_rebuild.
        cursor.execute(
            f"INSERT INTO {figures_model._meta.db_table} (day, agency_id, procedure_id, {names}) "
            f"SELECT local_day, agency_id, procedure_id, {', '.join(f'SUM({c})' for c in counters)} "
            f"FROM ({flows}) flows GROUP BY local_day, agency_id, procedure_id", params)
        days = cursor.rowcount
        return days + _sum_months(cursor, using=using, figures_model=figures_model, key=("agency_id", "procedure_id"),
                                  counters=tuple(counters))


# --------------------------------------------------------------------------- files

SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
# The stored file keeps the uploaded name, and browsers and viewers go by its extension: a
# JPEG named .html would be served as a page, a PNG named .pdf fails to open.
EXTENSIONS = {"application/pdf": {".pdf"}, "image/jpeg": {".jpg", ".jpeg"}, "image/png": {".png"}}


def sniff(head: bytes) -> str:
    """The real type of an upload from its first bytes, whatever its name says."""
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), "")


@transaction.atomic
def dossier_attach(*, dossier: Dossier, actor: User, upload, name: str,
                   kind: str = DossierDocument.Kind.ATTACHMENT) -> DossierDocument:
    """Attach a scanned paper (PDF, JPEG, PNG) at any step, checked by content and size."""
    dossier = _lock(dossier)
    permissions.ensure_allowed(actor, dossier, "attach")
    content_type = check_upload(upload)
    name = _required(name, "Cần nhập tên giấy tờ.", "name")
    document = DossierDocument(dossier=dossier, kind=kind, name=name, added_by=actor, content_type=content_type,
                               digitisation=DossierDocument.Digitisation.SCANNED)
    document.file.save(upload.name or "tep", upload, save=False)
    document.save()
    _record(dossier, action="attach", to=dossier.status, actor=actor, now=timezone.now(), note=name,
            document=document.pk)
    return document


# --------------------------------------------------------------------------- online submission


def check_upload(upload, field_name: str = "file") -> str:
    """The real content type of a scanned paper (PDF, JPEG, PNG), or DomainError."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(f"Tệp “{upload.name}” quá lớn (tối đa {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB).",
                          field=field_name)
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if not content_type or os.path.splitext(upload.name or "")[1].lower() not in EXTENSIONS[content_type]:
        raise DomainError(f"Tệp “{upload.name}” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).",
                          field=field_name)
    return content_type


@transaction.atomic
def dossier_submit_online(*, variant: ProcedureVariant, agency, applicant: Applicant,
                          uploads: dict[int, object], return_method: str = ReturnMethod.COUNTER,
                          return_address: str = "", note: str = "") -> Dossier:
    """A citizen submits online: the dossier waits as "submitted" in the counter's queue and its
    clock starts only when an officer accepts it. `uploads` maps required-document pk → file."""
    procedure = variant.procedure
    if not procedure.accepts_online or not procedure.agencies.filter(pk=agency.pk).exists():
        raise DomainError("Thủ tục này không nhận hồ sơ trực tuyến tại cơ quan đã chọn.", field="agency")
    if not applicant.email and not applicant.phone:
        raise DomainError("Cần thư điện tử hoặc số điện thoại để nhận mã hồ sơ và thông báo.",
                          field="applicant_email")
    documents = list(variant.documents.all())
    kinds = {}
    for document in documents:
        upload = uploads.get(document.pk)
        if upload is None and document.mandatory:
            raise DomainError(f"Cần tải lên: {document.name}.", field=f"doc_{document.pk}", code="papers_missing")
        if upload is not None:
            kinds[document.pk] = check_upload(upload, f"doc_{document.pk}")
    now = timezone.now()
    intake = Intake(variant=variant, applicant=applicant, channel=Channel.ONLINE, return_method=return_method,
                    return_address=return_address, note=note)
    dossier = _new_dossier(intake, agency, None, now, Status.SUBMITTED)
    dossier.submitted_at = now
    dossier.save(update_fields=["submitted_at"])
    _copy_fees(dossier, intake)
    for order, document in enumerate(documents, start=1):
        upload = uploads.get(document.pk)
        paper = DossierDocument(dossier=dossier, order=order, name=document.name, form=document.form,
                                quantity=document.quantity, mandatory=document.mandatory, provided=upload is not None,
                                digitisation=DossierDocument.Digitisation.SCANNED if upload else
                                DossierDocument.Digitisation.NONE, content_type=kinds.get(document.pk, ""))
        if upload is not None:
            paper.file.save(upload.name, upload, save=False)
        paper.save()
    _record(dossier, action="submit_online", to=Status.SUBMITTED, actor=None, now=now, from_status="")
    notices.applicant_submitted(dossier)
    return dossier
