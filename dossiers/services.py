"""Every domain operation on a dossier, one function each: intake (`dossier_receive`,
`intake_guidance_create`, …) and the lifecycle (`dossier_<action>` of each row of dossiers.workflow).

Each one runs in one transaction, locks the dossier row, checks the move against the workflow
table and the actor's rights, mutates, writes one DossierEvent, adds to the summary tables
(dossiers.figures), writes the messages it causes to the outbox, and returns the dossier or raises
a DomainError subclass (nothing is changed then). Each takes an optional `now`, the moment the move
happens (the current time by default): the demo's history replays moves at past moments with it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mocua.accounts.models import Absence, Department, User
from mocua.errors import ConflictError, DomainError
from mocua.inputs import ensure_fits
from mocua.text import fold
from procedures.models import Channel, FeeChannel, PostalClock, ProcedureVariant

from . import agencies, clock, figures, legs, letters, notices, permissions, pins
from .models import (
    ApplicantKind,
    CodeCounter,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierFee,
    DossierStep,
    IntakeGuidance,
    RegisterCounter,
    ReturnMethod,
    Timeliness,
)
from .register import next_number
from .uploads import check_upload
from .validators import (
    MAX_MISSING_PAPERS,
    MAX_PAPERS,
    citizen_id_error,
    national_phone,
    normalise_phone,
    phone_error,
    tax_code_error,
)
from .workflow import CLOCK_STOPPED, Status, ensure_action

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
    # By post (Decision 45/2016 Art 7): the consignment number, when the hand-over record with the post
    # was signed, the postmark. The clock starts at the one the procedure names (_postal_start).
    intake_tracking: str = ""
    handover_signed_at: dt.datetime | None = None
    postmark_date: dt.date | None = None
    competent_agency: object | None = None  # an Agency, where the catalogue leaves the choice (agencies)


# --------------------------------------------------------------------------- helpers


def _lock(dossier: Dossier, expected_version: int | None = None, *, stage_ok: bool = False) -> Dossier:
    """Re-read the row under a lock; refuse if someone moved it since the caller read it. `stage_ok`:
    a move on one's own parallel liên thông leg, which the other agencies' moves do not touch."""
    locked = Dossier.objects.select_for_update().select_related("agency").get(pk=dossier.pk)
    if stage_ok and locked.leg_stage:
        return locked
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang và thử lại.",
                            code="stale_version")
    return locked


def _record(dossier: Dossier, *, action: str, to: str, actor: User | None, now: dt.datetime,
            note: str = "", from_status: str | None = None, **data) -> DossierEvent:
    event = DossierEvent(
        dossier=dossier, action=action, from_status=dossier.status if from_status is None else from_status,
        to_status=to, actor=actor, at=now, note=note, data=data)
    ensure_fits(event, fields=("note",))
    event.save()
    return event


def _check(dossier: Dossier, action: str, actor: User) -> str:
    """The state the action leads to, once the move is legal and the actor may make it."""
    to = ensure_action(action, dossier)
    permissions.ensure_allowed(actor, dossier, action)
    return to


def _move(dossier: Dossier, *, action: str, actor: User, now: dt.datetime, note: str = "",
          fields: tuple[str, ...] = (), changes: dict | None = None, **data) -> Dossier:
    """Check the move and the right, write the audit row, change the status and save `fields`.
    `changes` are set after the check: the fields an action allowed once reads (workflow.Once)."""
    to = _check(dossier, action, actor)
    for name, value in (changes or {}).items():
        setattr(dossier, name, value)
    ensure_fits(dossier, fields=(*fields, *(changes or {})))
    _record(dossier, action=action, to=to, actor=actor, now=now, note=note, **data)
    dossier.status = to
    dossier.version += 1
    dossier.save(update_fields=["status", "version", "updated_at", *fields, *(changes or {})])
    return dossier


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _required(text: str, message: str, field_name: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(message, field=field_name)
    return text


def _missing_papers(lines: list[str], message: str) -> list[str]:
    """The papers asked for (Mẫu 02), one a line: at least one, at most MAX_MISSING_PAPERS, each a
    paper's name (a line of text, as long as a paper's name may be)."""
    missing = [m.strip() for m in lines if m and m.strip()]
    if not missing:
        raise DomainError(message, field="missing_papers")
    if len(missing) > MAX_MISSING_PAPERS:
        raise DomainError(f"Tối đa {MAX_MISSING_PAPERS} giấy tờ cần bổ sung.", field="missing_papers",
                          code="too_many")
    for name in missing:
        ensure_fits(DossierDocument(name=name), fields=("name",))
    return missing


def _next_code(agency, day: dt.date) -> str:
    """`{agency identifier}-{yyMMdd}-{NNNN}`."""
    return f"{agency.code}-{day:%y%m%d}-{next_number(CodeCounter, agency.pk, 'day', day):04d}"


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


def _finish_step(dossier: Dossier, now: dt.datetime, *, ends_handling: bool = False,
                 agency_id: int | None = None) -> None:
    """Finish the open step and add it to the leaders' figures (OfficerDayFigures) in this
    transaction. A move that ends handling (approve, refuse, withdraw, stop) has set the dossier's
    finished_at already (`_finish_dossier` first) and says so with `ends_handling`. `agency_id`: the
    open step of that agency, in a stage of parallel liên thông legs (one open step per agency)."""
    wanted = Q(finished_at__isnull=True)
    if ends_handling:  # read in the same query: steps that no longer count late (figures.step_counts_late)
        wanted |= Q(started_at__gte=dossier.finished_at, timeliness=Timeliness.LATE)
    if agency_id is not None:
        wanted &= Q(agency_id=agency_id)
    found = list(dossier.steps.filter(wanted).order_by("-started_at", "-pk"))
    step = next((s for s in found if s.finished_at is None), None)
    if step is None:
        return
    for earlier in found:
        if earlier.finished_at is not None:
            figures.uncount_late(dossier, earlier)
    judged = _judged_at(dossier, now)
    step.finished_at = now
    step.timeliness = clock.classify(judged, step.due_at)
    step.late_seconds = clock.late_seconds(judged, step.due_at, dossier.agency)
    step.save(update_fields=["finished_at", "timeliness", "late_seconds"])
    figures.count_step(dossier, step, late=figures.step_counts_late(dossier, step))


def _open_step(dossier: Dossier, *, index: int, actor: User | None, to_user: User | None,
               to_department: Department | None, now: dt.datetime, due: dt.datetime,
               intended: User | None = None, note: str = "", name: str | None = None) -> DossierStep:
    plan = dossier.steps_plan
    name = name or (plan[index]["name"] if index < len(plan) else "Xử lý hồ sơ")
    dossier.step_index, dossier.holder, dossier.department = index, to_user, to_department
    dossier.step_due_at, dossier.step_started_at = due, now
    return DossierStep.objects.create(
        dossier=dossier, step_index=index, step_name=name, from_user=actor, to_user=to_user, intended_user=intended,
        to_department=to_department, agency_id=agencies.holding_agency(dossier), started_at=now, due_at=due,
        note=note)


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
    counters = [figures.resolved_kind(ending, dossier.timeliness)]
    if ending in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        counters.append(ending)  # the counters are named as these statuses' values
        if ending in figures.CLOSED_ON_TIME and dossier.timeliness == Timeliness.LATE:
            counters.append("closed_late")  # on time in Biểu 06, late for the 766 index
    elif dossier.procedure.result_is_paper:  # result_ready: 4.1's denominator (figures.e_result_q)
        counters.append("paper_results")
    figures.count_dossier(dossier, now, *counters)


FINISH_FIELDS = ("finished_at", "timeliness")
STEP_FIELDS = ("step_index", "holder", "department", "step_due_at", "step_started_at")  # what _open_step sets


# --------------------------------------------------------------------------- intake


def _new_dossier(intake: Intake, agency, actor: User | None, now: dt.datetime, status: str, desk=None) -> Dossier:
    variant, applicant = intake.variant, intake.applicant.clean()
    procedure = variant.procedure
    if intake.return_method == ReturnMethod.POST and not intake.return_address.strip():
        raise DomainError("Cần nhập địa chỉ nhận kết quả qua bưu chính.", field="return_address")
    if len(intake.papers) > MAX_PAPERS:
        raise DomainError(f"Một hồ sơ có tối đa {MAX_PAPERS} thành phần giấy tờ.", field="papers", code="too_many")
    steps = [{"name": s.name, "role": s.role, "department": s.department_name, "budget": str(s.budget)}
             for s in variant.steps.all()]
    online = intake.channel == Channel.ONLINE and variant.online_time_limit
    pin = pins.new_pin()
    dossier = Dossier(
        code=_next_code(desk or agency, timezone.localdate(now)), pin_hash=pins.pin_hash(pin),
        # Clear at rest only until the counter's receipt is first issued (pins.py); an online
        # submission shows it on its page and in its message, a refusal at the counter has no
        # receipt: neither stores it.
        pin=pin if status == Status.RECEIVED and intake.channel != Channel.ONLINE else "", agency=agency,
        desk=desk or agency,
        procedure=procedure, variant=variant, status=status, channel=intake.channel,
        procedure_name=procedure.name, variant_name=variant.name,
        time_limit=variant.online_time_limit if online else variant.time_limit, time_unit=variant.time_unit,
        same_day_cutoff=variant.same_day_cutoff, steps_plan=steps,
        applicant_name=applicant.name, applicant_id_number=applicant.id_number, applicant_phone=applicant.phone,
        applicant_email=applicant.email, applicant_address=applicant.address, owner_kind=applicant.owner_kind,
        owner_name=applicant.owner_name, owner_id_number=applicant.owner_id_number,
        owner_tax_code=applicant.owner_tax_code, owner_representative=applicant.owner_representative,
        owner_address=applicant.owner_address, sets=max(1, intake.sets), return_method=intake.return_method,
        return_address=intake.return_address, note=intake.note, created_by=actor, created_at=now,
        **_postal_intake(intake, now),
    )
    dossier.search_text = _search_text(dossier)
    ensure_fits(dossier)
    papers = [DossierDocument(dossier=dossier, order=n, name=p.name, form=p.form, quantity=p.quantity,
                              mandatory=p.mandatory, provided=p.provided, digitisation=p.digitisation, added_by=actor,
                              added_at=now)
              for n, p in enumerate(intake.papers, start=1)]
    for paper in papers:
        ensure_fits(paper, fields=("name",))
    dossier.save()
    dossier.new_pin = pin
    _loaded(dossier, documents=DossierDocument.objects.bulk_create(papers))
    return dossier


def _postal_intake(intake: Intake, now: dt.datetime) -> dict:
    """The postal fields of a dossier handed in by post, checked: neither moment after now."""
    if intake.channel != Channel.POST:
        return {}
    if intake.handover_signed_at and intake.handover_signed_at > now:
        raise DomainError("Thời điểm ký biên bản giao nhận không được sau thời điểm hiện tại.",
                          field="handover_signed_at")
    if intake.postmark_date and intake.postmark_date > timezone.localdate(now):
        raise DomainError("Ngày dấu bưu điện không được sau ngày hôm nay.", field="postmark_date")
    return {"intake_tracking": " ".join(intake.intake_tracking.split()),
            "handover_signed_at": intake.handover_signed_at, "postmark_date": intake.postmark_date}


def _postal_start(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """When a postal dossier's time limit starts: the postmark's day where the procedure says so, else
    the signing of the hand-over record (Decision 45/2016 Art 7), else the intake itself. The due-time
    arithmetic moves a start outside office hours to the next opening."""
    if dossier.channel != Channel.POST:
        return now
    if dossier.procedure.postal_clock == PostalClock.POSTMARK and dossier.postmark_date:
        return timezone.make_aware(dt.datetime.combine(dossier.postmark_date, dt.time(0, 0)))
    return dossier.handover_signed_at or now


def _loaded(dossier: Dossier, **related: list) -> None:
    """Record rows this transaction wrote as the dossier's loaded relations (what prefetch_related
    would read back): the intake answers with them instead of reading them again (six queries; about
    30 % of an API intake's CPU, docs/benchmarks.md "Issue 19"). Django keeps prefetched rows in
    `_prefetched_objects_cache`; this sets what a prefetch would have set."""
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
        DossierFee(dossier=dossier, kind=f.kind, name=f.name, amount=f.amount, unit=f.unit,
                   collected=intake.fees_collected.get(f.pk, 0)) for f in fees))


def _start_clock(dossier: Dossier, actor: User, now: dt.datetime) -> DossierStep:
    """The dossier is received now (at the counter, or an online submission accepted): its clock
    starts and it is added to Biểu 06's received figures (DossierDayFigures)."""
    dossier.received_at, dossier.register_year = now, timezone.localdate(now).year
    # Mẫu 07 is the book of the desk that received it (its receipt, Mẫu 01, prints this number).
    dossier.register_number = next_number(RegisterCounter, dossier.desk_id or dossier.agency_id, "year",
                                          dossier.register_year)
    added = ["new_online" if dossier.channel == Channel.ONLINE else "new_offline"]
    if dossier.channel == Channel.POST:
        added.append("new_post")
    if figures.dossier_papers_digitised(dossier):
        added.append("digitised")
    figures.count_dossier(dossier, now, *added)
    dossier.legal_due_at = dossier.due_at = clock.dossier_due(dossier, _postal_start(dossier, now))
    dossier.transfer_state, due = agencies.intake_state(dossier, now)
    _loaded(dossier, legs=legs.plan(dossier, now))  # a liên thông procedure's legs, the lead's started
    step = _open_step(dossier, index=0, actor=actor, to_user=actor, to_department=actor.department, now=now,
                      due=due, note="Tiếp nhận hồ sơ")
    dossier.save(update_fields=["received_at", "register_year", "register_number", "legal_due_at", "due_at",
                                *STEP_FIELDS, "transfer_state", "legs_left"])
    return step


@transaction.atomic
def dossier_receive(*, actor: User, intake: Intake, now: dt.datetime | None = None) -> Dossier:
    """Accept a complete dossier at the counter (Mẫu 01): code, PIN, due time; the clock starts.
    The dossier comes back with its papers, fees, step and event loaded."""
    permissions.ensure_role(actor, "receive")
    agency = agencies.competent_agency(actor.agency, intake.variant.procedure, intake.competent_agency)
    missing = [p.name for p in intake.papers if p.mandatory and not p.provided]
    if missing:
        raise DomainError("Hồ sơ còn thiếu giấy tờ bắt buộc: " + "; ".join(missing)
                          + ". Hãy chọn “Hướng dẫn bổ sung” (Mẫu 02).", field="papers", code="papers_missing")
    now = now or timezone.now()
    dossier = _new_dossier(intake, agency, actor, now, Status.RECEIVED, desk=actor.agency)
    _copy_fees(dossier, intake)
    step = _start_clock(dossier, actor, now)
    event = _record(dossier, action="receive", to=Status.RECEIVED, actor=actor, now=now, from_status="",
                    channel=intake.channel)
    _loaded(dossier, steps=[step], events=[event], results=[])  # a dossier just received has no result
    notices.applicant_received(dossier, new=True)
    return dossier


@transaction.atomic
def intake_guidance_create(*, actor: User, variant: ProcedureVariant, applicant: Applicant,
                           missing_papers: list[str], reason: str = "") -> IntakeGuidance:
    """Papers missing at the counter: Mẫu 02 guidance. Nothing is received, no clock runs."""
    permissions.ensure_role(actor, "receive")
    agencies.ensure_receivable(actor.agency, variant.procedure)
    applicant.clean()
    missing = _missing_papers(missing_papers, "Cần ghi rõ giấy tờ phải bổ sung, hoàn thiện.")
    guidance = IntakeGuidance(
        agency=actor.agency, procedure=variant.procedure, variant_name=variant.name, applicant_name=applicant.name,
        applicant_phone=applicant.phone, applicant_email=applicant.email, applicant_address=applicant.address,
        missing_papers=missing, reason=reason.strip(), officer=actor)
    ensure_fits(guidance)
    guidance.save()
    return guidance


@transaction.atomic
def dossier_refuse_intake(*, actor: User, intake: Intake, reason: str, now: dt.datetime | None = None) -> Dossier:
    """Refuse to receive (Mẫu 03): outside the agency's competence or barred, with the reason."""
    permissions.ensure_role(actor, "receive")
    reason = _required(reason, "Cần nêu lý do từ chối tiếp nhận.", "reason")
    now = now or timezone.now()
    dossier = _new_dossier(intake, actor.agency, actor, now, Status.REFUSED)
    dossier.reason, dossier.finished_at = reason, now
    dossier.save(update_fields=["reason", "finished_at"])
    figures.count_dossier(dossier, now, "refused_at_intake")
    _record(dossier, action="refuse_intake", to=Status.REFUSED, actor=actor, now=now, note=reason, from_status="")
    return dossier


@transaction.atomic
def dossier_accept_online(*, dossier: Dossier, actor: User, expected_version: int | None = None,
                          now: dt.datetime | None = None) -> Dossier:
    """An online submission is complete: it is received now and its clock starts now."""
    dossier = _lock(dossier, expected_version)
    now = now or timezone.now()
    # The accepting officer is the dossier's counter officer: the result comes back to their desk.
    dossier.created_by = dossier.created_by or actor
    _move(dossier, action="accept_online", actor=actor, now=now, fields=("created_by",))
    _start_clock(dossier, actor, now)
    notices.applicant_received(dossier)
    return dossier


@transaction.atomic
def dossier_reject_online(*, dossier: Dossier, actor: User, reason: str,
                          expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Refuse an online submission; the citizen reads the reason on the lookup page."""
    dossier = _lock(dossier, expected_version)
    reason = _required(reason, "Cần nêu lý do không tiếp nhận.", "reason")
    now = now or timezone.now()
    dossier.reason, dossier.finished_at = reason, now
    _move(dossier, action="reject_online", actor=actor, now=now, note=reason, fields=("reason", "finished_at"))
    figures.count_dossier(dossier, now, "refused_at_intake")
    notices.applicant_rejected(dossier)
    return dossier


# --------------------------------------------------------------------------- handling


def _resolve_target(dossier: Dossier, to_user: User | None, to_department: Department | None,
                    now: dt.datetime) -> tuple[User | None, User | None, Department | None]:
    """(receiver, intended receiver when substituted, department) of a handover."""
    if to_user is None and to_department is None:
        raise DomainError("Cần chọn cán bộ hoặc phòng ban nhận hồ sơ.", field="to_user")
    if to_user is not None:
        if to_user.agency_id != agencies.handling_agency(dossier) or not to_user.is_active or not to_user.role:
            raise DomainError("Chỉ chuyển hồ sơ cho cán bộ đang công tác tại cơ quan giải quyết.",
                              field="to_user", code="other_agency")
        today = timezone.localdate(now)
        # Only a substitute of the dossier's agency, active, with a role: an absence naming anyone
        # else (entered before Absence.clean refused it) hands the dossier to the named officer.
        absence = (Absence.objects.select_related("substitute")
                   .filter(user=to_user, starts_on__lte=today, ends_on__gte=today,
                           substitute__agency_id=dossier.agency_id, substitute__is_active=True)
                   .exclude(substitute__role="").first())
        if absence:
            return absence.substitute, to_user, absence.substitute.department or to_department
        return to_user, None, to_department or to_user.department
    if to_department.agency_id != agencies.handling_agency(dossier):
        raise DomainError("Chỉ chuyển hồ sơ cho phòng ban của cơ quan giải quyết.", field="to_department",
                          code="other_agency")
    return None, None, to_department


@transaction.atomic
def dossier_hand_over(*, dossier: Dossier, actor: User, to_user: User | None = None,
                      to_department: Department | None = None, next_step: bool = True, note: str = "",
                      expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Hand the dossier to the next step (new due time from its budget) or, with
    next_step=False, to another officer within the same step (a head assigning a specialist),
    who inherits the step's due time."""
    dossier = _lock(dossier, expected_version, stage_ok=True)
    now = now or timezone.now()
    if dossier.leg_stage:  # parallel liên thông legs: inside the actor's agency's own leg
        from .transfers import hand_over_in_leg  # transfers imports this module

        return hand_over_in_leg(dossier=dossier, actor=actor, to_user=to_user, to_department=to_department,
                                note=note, now=now)
    receiver, intended, department = _resolve_target(dossier, to_user, to_department, now)
    from_status = dossier.status
    _move(dossier, action="hand_over", actor=actor, now=now, note=note,
          to_user=receiver.pk if receiver else None, intended_user=intended.pk if intended else None,
          to_department=department.pk if department else None)
    index = dossier.step_index + 1 if (next_step or from_status == Status.RECEIVED) else dossier.step_index
    # Inside a liên thông leg the agency's officers share the leg's time (dossiers.legs): the step inherits it.
    fresh = index != dossier.step_index and not dossier.leg_agency_id
    due = clock.step_due(dossier, index, now) if fresh else dossier.step_due_at
    _finish_step(dossier, now)
    step = _open_step(dossier, index=index, actor=actor, to_user=receiver, to_department=department, now=now,
                      due=due, intended=intended, note=note)
    dossier.save(update_fields=list(STEP_FIELDS))
    notices.officer_handed(dossier, step)
    return dossier


def _pause(dossier: Dossier, *, action: str, actor: User, reason: str, now: dt.datetime, **data) -> Dossier:
    dossier.paused_at, dossier.reason = now, reason
    return _move(dossier, action=action, actor=actor, now=now, note=reason, fields=("paused_at", "reason"), **data)


def _resume(dossier: Dossier, *, action: str, actor: User, note: str, restart: bool, now: dt.datetime) -> Dossier:
    """The clock runs again: the time left at the pause, or the whole limit where the law
    of the deployment says it restarts. The waiting time is kept for statistics."""
    paused_at, agency = dossier.paused_at or now, dossier.agency
    waited = clock.workcalendar.working_time_between(paused_at, now, agency)
    dossier.paused_seconds += int(waited.total_seconds())
    old_due = dossier.due_at
    if restart:
        dossier.legal_due_at = clock.dossier_due(dossier, now)
        dossier.due_at = max(dossier.legal_due_at, dossier.due_at) if dossier.rescheduled_at else dossier.legal_due_at
    else:
        dossier.legal_due_at = clock.shift_after_pause(dossier.legal_due_at, paused_at, now, agency)
        dossier.due_at = clock.shift_after_pause(dossier.due_at, paused_at, now, agency)
    # A step already late when the clock stopped stays late (shift_after_pause keeps its moment);
    # else it gets the time it had left, within the dossier's legal due time (clock.step_due).
    step_due = clock.shift_after_pause(dossier.step_due_at, paused_at, now, agency)
    if step_due is not None and dossier.step_due_at is not None and dossier.step_due_at > paused_at:
        step_due = min(step_due, dossier.legal_due_at)
    # The step's time left is its budget from now on ("due soon" is judged on it, clock.py).
    dossier.step_due_at, dossier.step_started_at, dossier.paused_at = step_due, now, None
    dossier.steps.filter(finished_at__isnull=True).update(due_at=dossier.step_due_at)
    _move(dossier, action=action, actor=actor, now=now, note=note,
          fields=("paused_seconds", "legal_due_at", "due_at", "step_due_at", "step_started_at", "paused_at"),
          waited_seconds=int(waited.total_seconds()), old_due_at=_iso(old_due), new_due_at=_iso(dossier.due_at))
    if dossier.due_at != old_due:
        notices.applicant_new_appointment(dossier, restarted=restart)
    return dossier


@transaction.atomic
def dossier_request_supplement(*, dossier: Dossier, actor: User, missing_papers: list[str], reason: str,
                               expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Ask the citizen for missing papers (Mẫu 02); at most once during handling. The clock stops."""
    dossier = _lock(dossier, expected_version)
    missing = _missing_papers(missing_papers, "Cần ghi rõ giấy tờ phải bổ sung.")
    reason = _required(reason, "Cần nêu lý do yêu cầu bổ sung.", "reason")
    # Allowed once (the workflow row): counted after the check.
    _pause(dossier, action="request_supplement", actor=actor, reason=reason, now=now or timezone.now(),
           changes={"missing_papers": missing, "supplement_requests": dossier.supplement_requests + 1},
           missing=missing)
    notices.applicant_supplement(dossier)
    return dossier


@transaction.atomic
def dossier_receive_supplement(*, dossier: Dossier, actor: User, note: str = "",
                               expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """The papers arrived: the clock resumes (or restarts, per SUPPLEMENT_CLOCK)."""
    dossier = _lock(dossier, expected_version)
    _check(dossier, "receive_supplement", actor)
    now = now or timezone.now()
    DossierDocument.objects.bulk_create(
        DossierDocument(dossier=dossier, kind=DossierDocument.Kind.SUPPLEMENT, order=n, name=name, added_by=actor,
                        added_at=now)
        for n, name in enumerate(dossier.missing_papers, start=1))
    return _resume(dossier, action="receive_supplement", actor=actor, note=note,
                   restart=clock.restarts_after_supplement(), now=now)


@transaction.atomic
def dossier_request_payment(*, dossier: Dossier, actor: User, reason: str,
                            expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Ask for payment of financial obligations (land tax, fees); the clock stops."""
    dossier = _lock(dossier, expected_version)
    reason = _required(reason, "Cần nêu nghĩa vụ tài chính phải thực hiện.", "reason")
    return _pause(dossier, action="request_payment", actor=actor, reason=reason, now=now or timezone.now())


@transaction.atomic
def dossier_receive_payment(*, dossier: Dossier, actor: User, note: str = "",
                            expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Obligations paid: the clock resumes where it stopped."""
    dossier = _lock(dossier, expected_version)
    return _resume(dossier, action="receive_payment", actor=actor, note=note, restart=False,
                   now=now or timezone.now())


@transaction.atomic
def dossier_approve(*, dossier: Dossier, actor: User, result_summary: str = "",
                    expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """The leader approves the result: handling ends and the dossier goes back to the counter."""
    dossier = _lock(dossier, expected_version)
    now = now or timezone.now()
    if dossier.legs_left:  # liên thông: the lead approves once every leg is done (dossiers.legs)
        raise ConflictError("Hồ sơ liên thông chưa được các cơ quan phối hợp giải quyết xong.", code="legs_left")
    _move(dossier, action="approve", actor=actor, now=now, note=result_summary)
    _finish_dossier(dossier, now, ending=dossier.status)  # result_ready, set by _move
    _finish_step(dossier, now, ends_handling=True)
    dossier.result_summary = result_summary.strip()
    counter = agencies.counter_officer(dossier)
    last = len(dossier.steps_plan) - 1 if dossier.steps_plan else dossier.step_index + 1
    _open_step(dossier, index=max(last, dossier.step_index + 1), actor=actor, to_user=counter,
               to_department=counter.department if counter else None, now=now,
               due=max(clock.step_due(dossier, last, now), dossier.due_at), note="Trả kết quả")
    dossier.save(update_fields=[*FINISH_FIELDS, "result_summary", *STEP_FIELDS])
    notices.applicant_result_ready(dossier)
    notices.counter_result_ready(dossier)
    letters.applicant_letter(dossier)  # a congratulation or condolence letter, when the procedure has one
    return dossier


def _close(dossier: Dossier, *, action: str, actor: User, reason: str, message: str, now: dt.datetime) -> Dossier:
    """End handling for good (refused, withdrawn, stopped), with the reason on record."""
    ending = _check(dossier, action, actor)
    dossier.reason = _required(reason, message, "reason")
    if dossier.status in CLOCK_STOPPED and dossier.paused_at:
        dossier.paused_seconds += int(clock.workcalendar.working_time_between(
            dossier.paused_at, now, dossier.agency).total_seconds())
    # Before _move: the step and the dossier are judged from the state they were in (_judged_at),
    # the Biểu 06 column from the state they end in.
    _finish_dossier(dossier, now, ending=ending)
    _finish_step(dossier, now, ends_handling=True)
    dossier.holder, dossier.step_due_at, dossier.step_started_at = None, None, None
    _move(dossier, action=action, actor=actor, now=now, note=dossier.reason,
          fields=("reason", *FINISH_FIELDS, "paused_seconds", "holder", "step_due_at", "step_started_at"))
    if action in notices.CLOSED:
        notices.applicant_closed(dossier, action)
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None,
                   now: dt.datetime | None = None) -> Dossier:
    """Refuse after appraisal, with the written reason that goes back through the counter."""
    dossier = _lock(dossier, expected_version)
    return _close(dossier, action="refuse", actor=actor, reason=reason,
                  message="Cần nêu lý do từ chối giải quyết.", now=now or timezone.now())


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None,
                     now: dt.datetime | None = None) -> Dossier:
    """The citizen asks to withdraw the dossier (portal status 7)."""
    dossier = _lock(dossier, expected_version)
    return _close(dossier, action="withdraw", actor=actor, reason=reason,
                  message="Cần ghi nội dung đề nghị rút hồ sơ của công dân.", now=now or timezone.now())


@transaction.atomic
def dossier_stop(*, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None,
                 now: dt.datetime | None = None) -> Dossier:
    """The agency stops handling (Mẫu 05 of Circular 03/2025)."""
    dossier = _lock(dossier, expected_version)
    return _close(dossier, action="stop", actor=actor, reason=reason,
                  message="Cần nêu lý do dừng giải quyết hồ sơ.", now=now or timezone.now())


def handed_to(dossier: Dossier, collected_by: str, collected_id_number: str, postal_tracking: str,
              what: str) -> tuple[str, str]:
    """Who takes a paper (`what`: the result, the written refusal) from the desk: the postal tracking
    number when it goes by post, else the collector's name, and a valid ID number when one is given;
    (collected_by, postal_tracking) stripped."""
    collected_by, postal_tracking = collected_by.strip(), postal_tracking.strip()
    if dossier.return_method == ReturnMethod.POST:
        _required(postal_tracking, f"Cần nhập mã bưu gửi của {what}.", "postal_tracking")
    elif not collected_by:
        raise DomainError(f"Cần nhập họ tên người nhận {what}.", field="collected_by")
    if message := citizen_id_error(collected_id_number):
        raise DomainError(message, field="collected_id_number")
    return collected_by, postal_tracking


@transaction.atomic
def dossier_return(*, dossier: Dossier, actor: User, collected_by: str = "", collected_id_number: str = "",
                   postal_tracking: str = "", expected_version: int | None = None,
                   now: dt.datetime | None = None) -> Dossier:
    """Hand the result back: who collected it and their ID, or the postal tracking number."""
    dossier = _lock(dossier, expected_version)
    collected_by, postal_tracking = handed_to(dossier, collected_by, collected_id_number, postal_tracking, "kết quả")
    now = now or timezone.now()
    dossier.collected_by, dossier.collected_id_number = collected_by, collected_id_number
    dossier.postal_tracking, dossier.returned_at = postal_tracking, now
    _move(dossier, action="return", actor=actor, now=now,
          fields=("collected_by", "collected_id_number", "postal_tracking", "returned_at"))
    figures.count_dossier(dossier, now, "returned")
    _finish_step(dossier, now)
    dossier.holder, dossier.step_due_at, dossier.step_started_at = None, None, None
    dossier.save(update_fields=["holder", "step_due_at", "step_started_at"])
    return dossier


@transaction.atomic
def dossier_attach(*, dossier: Dossier, actor: User, upload, name: str,
                   kind: str = DossierDocument.Kind.ATTACHMENT, now: dt.datetime | None = None) -> DossierDocument:
    """Attach a scanned paper (PDF, JPEG, PNG) at any step, checked by content and size."""
    dossier = _lock(dossier)
    _check(dossier, "attach", actor)
    content_type = check_upload(upload)
    name = _required(name, "Cần nhập tên giấy tờ.", "name")
    now = now or timezone.now()
    document = DossierDocument(dossier=dossier, kind=kind, name=name, added_by=actor, content_type=content_type,
                               digitisation=DossierDocument.Digitisation.SCANNED, added_at=now)
    ensure_fits(document, fields=("name",))
    document.file.save(upload.name or "tep", upload, save=False)
    document.save()
    _record(dossier, action="attach", to=dossier.status, actor=actor, now=now, note=name,
            document=document.pk)
    return document


# --------------------------------------------------------------------------- online submission


@transaction.atomic
def dossier_submit_online(*, variant: ProcedureVariant, agency, applicant: Applicant,
                          uploads: dict[int, object], return_method: str = ReturnMethod.COUNTER,
                          return_address: str = "", note: str = "", now: dt.datetime | None = None) -> Dossier:
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
    now = now or timezone.now()
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
                                DossierDocument.Digitisation.NONE, content_type=kinds.get(document.pk, ""),
                                added_at=now)
        if upload is not None:
            paper.file.save(upload.name, upload, save=False)
        paper.save()
    _record(dossier, action="submit_online", to=Status.SUBMITTED, actor=None, now=now, from_status="")
    notices.applicant_submitted(dossier)
    notices.counter_submission_waiting(dossier)
    return dossier


# --------------------------------------------------------------------------- ratings


def dossier_record_rating(*, dossier: Dossier, level: str, channel: str, at: dt.datetime) -> None:
    """A citizen rated the dossier (ratings.services.rating_submit, which holds the dossier's row
    lock in its transaction): the audit row, and the rating added to the summary tables."""
    figures.count_rating(dossier, level=level, at=at)
    _record(dossier, action="rate", to=dossier.status, actor=None, now=at, level=level, channel=channel)
