"""Every operation on a feedback item, one function each (`feedback_<verb>`), and the yearly targets
(`target_set`).

Each runs in one transaction, locks the row, checks the move against the workflow table and the
actor's right, judges it against its own due time (a move after it marks the item late, which the
766 index counts), mutates, writes one FeedbackEvent, writes the messages it causes to the outbox,
and returns the item or raises a DomainError subclass (nothing is changed then). Each takes an
optional `now`, as dossiers.services do: the demo replays moves at past moments with it.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.uploads import check_upload
from dossiers.validators import normalise_phone, phone_error
from dossiers.workflow import Status as DossierStatus
from mocua.accounts.models import Agency, Role, User
from mocua.accounts.selectors import figures_scope
from mocua.errors import ConflictError, DomainError, ForbiddenError
from procedures.models import Procedure

from . import anonymise, deadlines, notices
from .models import Feedback, FeedbackEvent, Source, Subject, TargetEvent, UnitTarget
from .workflow import ACTIONS, Category, Reaction, Status, ensure_action

# The tracking code's random part: unambiguous characters (as a dossier's PIN), 31^8 ≈ 8.5 × 10^11.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_RANDOM = 8
MAX_TITLE, MAX_TEXT = 200, 5000
MANAGERS = (Role.HEAD, Role.LEADER)
DENIED = "Bạn không có quyền thực hiện thao tác này với phản ánh, kiến nghị."


@dataclass
class Sender:
    """Who sends a feedback: Decree 20/2008 Art 7 asks for a name, an address and a way to answer."""

    name: str
    phone: str = ""
    email: str = ""
    address: str = ""

    def clean(self) -> "Sender":
        self.name, self.phone = " ".join((self.name or "").split()), normalise_phone(self.phone)
        self.email, self.address = (self.email or "").strip(), " ".join((self.address or "").split())
        if not self.name:
            raise DomainError("Cần nhập họ tên người gửi phản ánh.", field="sender_name")
        if message := phone_error(self.phone):
            raise DomainError(message, field="sender_phone")
        if not self.phone and not self.email:
            raise DomainError("Cần số điện thoại hoặc thư điện tử để nhận kết quả trả lời.", field="sender_phone")
        if not self.address:
            raise DomainError("Cần nhập địa chỉ người gửi phản ánh.", field="sender_address")
        return self


# --------------------------------------------------------------------------- helpers


def new_code(now: dt.datetime) -> str:
    """`PA-{yyMMdd}-{8 random characters}`: unguessable, unlike a dossier's code, because it is the
    only key the citizen holds (the tracking page is rate-limited besides)."""
    while True:
        code = f"PA-{timezone.localdate(now):%y%m%d}-" + "".join(secrets.choice(CODE_ALPHABET)
                                                                 for _ in range(CODE_RANDOM))
        if not Feedback.objects.filter(code=code).exists():
            return code


def _text(value: str, message: str, field: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > limit:
        raise DomainError(f"Nội dung tối đa {limit} ký tự.", field=field)
    return value


def _lock(item: Feedback, expected_version: int | None = None) -> Feedback:
    locked = Feedback.objects.select_for_update().select_related("agency").get(pk=item.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại trang và thử lại.",
                            code="stale_version")
    return locked


def _record(item: Feedback, *, action: str, to: str, actor: User | None, now: dt.datetime, note: str = "",
            from_status: str | None = None, **data) -> FeedbackEvent:
    return FeedbackEvent.objects.create(
        feedback=item, action=action, from_status=item.status if from_status is None else from_status,
        to_status=to, actor=actor, at=now, note=note, data=data)


def may(user, item: Feedback, action: str) -> bool:
    """An officer of the unit holding the item; heads and leaders for the managers' moves."""
    row = ACTIONS[action]
    if row.by_citizen or not getattr(user, "is_officer", False) or user.agency_id != item.agency_id:
        return False
    return user.role in MANAGERS if row.managers_only else user.role != Role.ADMIN


def _move(item: Feedback, *, action: str, actor: User | None, now: dt.datetime, note: str = "",
          fields: tuple[str, ...] = (), changes: dict | None = None, by_citizen: bool = False, **data) -> Feedback:
    """Check the move and the right, judge it against its due time, write the audit row, change the
    status and save `fields`. `changes` are set after the check (an action allowed once reads them).
    While the clock is stopped a move is judged at the pause."""
    to = ensure_action(action, item)
    if not by_citizen and not may(actor, item, action):
        raise ForbiddenError(DENIED)
    for name, value in (changes or {}).items():
        setattr(item, name, value)
    judged = item.paused_at if item.clock_stopped and item.paused_at else now
    late = deadlines.is_late(item, ACTIONS[action].deadline, judged)
    item.late = item.late or late
    _record(item, action=action, to=to, actor=actor, now=now, note=note, late=late, **data)
    item.status, item.version = to, item.version + 1
    item.save(update_fields=["status", "version", "late", "updated_at", *fields, *(changes or {})])
    return item


def _officer_of(item: Feedback, user: User | None, field: str) -> User:
    if user is None or not user.is_active or user.agency_id != item.agency_id or not user.role:
        raise DomainError("Chỉ giao cho cán bộ đang công tác tại đơn vị.", field=field, code="other_agency")
    return user


# --------------------------------------------------------------------------- receiving


def _new_item(*, agency: Agency, subject: str, title: str, content: str, sender: Sender, now: dt.datetime,
              **fields) -> Feedback:
    item = Feedback(code=new_code(now), agency=agency, subject=subject, title=title, content=content,
                    sender_name=sender.name, sender_phone=sender.phone, sender_email=sender.email,
                    sender_address=sender.address, created_at=now, **fields)
    deadlines.start_clock(item, now)
    item.save()
    return item


def _about(subject: str, agency: Agency | None, dossier: Dossier | None,
           procedure: Procedure | None) -> tuple[Agency, Dossier | None, Procedure | None]:
    """(receiving unit, dossier, procedure) of a new feedback: a dossier's goes to the unit that
    received it, a procedure's to a unit that handles it, a unit's to that unit."""
    if subject == Subject.DOSSIER:
        if dossier is None:
            raise DomainError("Cần mã hồ sơ và mã tra cứu đúng của hồ sơ được phản ánh.", field="dossier_code")
        return dossier.agency, dossier, dossier.procedure
    if agency is None or not agency.is_active:
        raise DomainError("Cần chọn cơ quan, đơn vị tiếp nhận phản ánh.", field="agency")
    if subject == Subject.PROCEDURE:
        if procedure is None:
            raise DomainError("Cần chọn thủ tục hành chính được phản ánh.", field="procedure")
        if not procedure.agencies.filter(pk=agency.pk).exists():
            raise DomainError("Đơn vị đã chọn không giải quyết thủ tục này.", field="agency")
        return agency, None, procedure
    if subject != Subject.UNIT:
        raise DomainError("Cần chọn nội dung phản ánh về hồ sơ, thủ tục hay đơn vị.", field="subject")
    return agency, None, None


@transaction.atomic
def feedback_send(*, subject: str, title: str, content: str, sender: Sender, agency: Agency | None = None,
                  dossier: Dossier | None = None, procedure: Procedure | None = None, upload=None,
                  source: str = Source.PORTAL, now: dt.datetime | None = None) -> Feedback:
    """A citizen sends a feedback (the public page, or another system through the API). A dossier's
    must come with the dossier proven by its code and PIN (the caller's lookup). The clock starts now;
    the citizen gets the tracking code, the unit's heads and leaders a message."""
    agency, dossier, procedure = _about(subject, agency, dossier, procedure)
    title = _text(title, "Cần nhập tiêu đề phản ánh.", "title", MAX_TITLE)
    content = _text(content, "Cần nhập nội dung phản ánh, kiến nghị.", "content")
    sender.clean()
    content_type = check_upload(upload, "attachment") if upload is not None else ""
    now = now or timezone.now()
    item = _new_item(agency=agency, subject=subject, title=title, content=content, sender=sender, now=now,
                     dossier=dossier, procedure=procedure, source=source, attachment_type=content_type)
    if upload is not None:
        item.attachment.save(upload.name or "tep", upload, save=False)
        item.save(update_fields=["attachment"])
    _record(item, action="send", to=Status.RECEIVED, actor=None, now=now, from_status="", source=source)
    notices.citizen_received(item)
    notices.unit_received(item)
    return item


def _rating_head(dossier: Dossier) -> User | None:
    """The head of the department that handled the dossier (its last officer's who has one), else
    the unit's leader: who answers for the dissatisfaction."""
    steps = list(dossier.steps.order_by("-started_at", "-pk").values_list("to_department_id", flat=True))
    if dossier.status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED):
        steps = steps[1:]  # the last step hands the result back at the counter; the department handled it
    departments = [d for d in steps if d]
    heads = {u.department_id: u for u in User.objects.filter(
        agency_id=dossier.agency_id, is_active=True, role=Role.HEAD, department_id__in=departments).order_by("-pk")}
    head = next((heads[d] for d in departments if d in heads), None)
    return head or User.objects.filter(agency_id=dossier.agency_id, is_active=True,
                                       role=Role.LEADER).order_by("pk").first()


def feedback_open_from_rating(*, dossier: Dossier, reason: str, now: dt.datetime | None = None) -> Feedback:
    """A "not satisfied" rating with its reason opens a feedback about the dossier, assigned to the
    head (the 766 index counts it as feedback). Runs in the caller's transaction (ratings.services.
    rating_submit, which holds the dossier's lock); one per dossier (feedback_one_per_rating)."""
    now = now or timezone.now()
    sender = Sender(name=dossier.applicant_name, phone=dossier.applicant_phone, email=dossier.applicant_email,
                    address=dossier.applicant_address or dossier.owner_address)
    try:
        with transaction.atomic():
            item = _new_item(agency=dossier.agency, subject=Subject.DOSSIER, sender=sender, now=now,
                             title=f"Không hài lòng với việc giải quyết hồ sơ {dossier.code}"[:MAX_TITLE],
                             content=_text(reason, "Xin cho biết lý do không hài lòng.", "reason"),
                             dossier=dossier, procedure=dossier.procedure, source=Source.RATING,
                             assignee=_rating_head(dossier))
    except IntegrityError as exc:
        raise ConflictError("Hồ sơ này đã có phản ánh từ đánh giá.", code="already_opened") from exc
    _record(item, action="open_from_rating", to=Status.RECEIVED, actor=None, now=now, from_status="",
            dossier=dossier.code)
    notices.citizen_received(item)
    notices.unit_received(item)
    return item


# --------------------------------------------------------------------------- the unit's moves


@transaction.atomic
def feedback_assign(*, item: Feedback, actor: User, to_user: User, expected_version: int | None = None,
                    now: dt.datetime | None = None) -> Feedback:
    """A head or leader gives the item to an officer of the unit; the officer is told."""
    item = _lock(item, expected_version)
    item.assignee = _officer_of(item, to_user, "to_user")
    _move(item, action="assign", actor=actor, now=now or timezone.now(), fields=("assignee",), to_user=to_user.pk)
    notices.assigned(item)
    return item


@transaction.atomic
def feedback_classify(*, item: Feedback, actor: User, category: str, note: str = "",
                      expected_version: int | None = None, now: dt.datetime | None = None) -> Feedback:
    """Classify a received item as the unit's to handle (about a rule or procedure, or about an
    officer's conduct); one outside the unit's competence is forwarded instead (feedback_forward).
    The officer who classifies an unassigned item takes it."""
    item = _lock(item, expected_version)
    if category not in (Category.RULE, Category.CONDUCT):
        raise DomainError("Chọn phân loại: quy định, thủ tục hành chính hoặc hành vi của cán bộ. Phản ánh không "
                          "thuộc thẩm quyền thì chuyển cơ quan có thẩm quyền.", field="category")
    now = now or timezone.now()
    item.category, item.classified_at = category, now
    item.assignee = item.assignee or actor
    return _move(item, action="classify", actor=actor, now=now, note=(note or "").strip(), category=category,
                 fields=("category", "classified_at", "assignee"))


def _forward_into(item: Feedback, agency: Agency, now: dt.datetime) -> Feedback:
    """The receiving unit's own item: the same feedback, its clock starting at the forwarding."""
    sender = Sender(item.sender_name, item.sender_phone, item.sender_email, item.sender_address)
    copy = _new_item(agency=agency, subject=item.subject, title=item.title, content=item.content, sender=sender,
                     now=now, dossier=item.dossier, procedure=item.procedure,
                     source=Source.FORWARDED, forwarded_from=item, attachment=item.attachment,
                     attachment_type=item.attachment_type)
    _record(copy, action="receive_forwarded", to=Status.RECEIVED, actor=None, now=now, from_status="",
            forwarded_from=item.code)
    notices.unit_received(copy)
    return copy


@transaction.atomic
def feedback_forward(*, item: Feedback, actor: User, reason: str, to_agency: Agency | None = None,
                     to_body: str = "", expected_version: int | None = None,
                     now: dt.datetime | None = None) -> Feedback:
    """Outside the unit's competence: forward it (Decree 20/2008 Art 9, within 5 working days) to a
    unit on the portal, which receives it as its own item with its own clock, or to a body named in
    words. The citizen is told where it went."""
    item = _lock(item, expected_version)
    reason = _text(reason, "Cần nêu lý do chuyển (vì sao không thuộc thẩm quyền).", "reason")
    if to_agency is not None and (to_agency.pk == item.agency_id or not to_agency.is_active):
        raise DomainError("Chọn một cơ quan, đơn vị khác đang hoạt động.", field="to_agency")
    to_body = to_agency.name if to_agency is not None else " ".join((to_body or "").split())
    if not to_body:
        raise DomainError("Cần chọn hoặc ghi tên cơ quan có thẩm quyền nhận phản ánh.", field="to_agency")
    now = now or timezone.now()
    item.category, item.classified_at, item.finished_at = Category.OUTSIDE, now, now
    item.reason, item.forwarded_to_body = reason, to_body[:255]
    copy = _forward_into(item, to_agency, now) if to_agency is not None else None
    _move(item, action="forward", actor=actor, now=now, note=reason, to_body=item.forwarded_to_body,
          copy=copy.code if copy else None,
          fields=("category", "classified_at", "finished_at", "reason", "forwarded_to_body"))
    notices.citizen_forwarded(item, copy)
    return item


@transaction.atomic
def feedback_refuse(*, item: Feedback, actor: User, reason: str, expected_version: int | None = None,
                    now: dt.datetime | None = None) -> Feedback:
    """Refuse to receive it (not a feedback under Decree 20/2008 Art 7, or a complaint or denunciation,
    which follow their own law), with the reason the citizen reads."""
    item = _lock(item, expected_version)
    now = now or timezone.now()
    item.reason = _text(reason, "Cần nêu lý do từ chối tiếp nhận.", "reason")
    item.finished_at = now
    _move(item, action="refuse", actor=actor, now=now, note=item.reason, fields=("reason", "finished_at"))
    notices.citizen_moved(item, "refuse")
    return item


@transaction.atomic
def feedback_request_info(*, item: Feedback, actor: User, question: str, expected_version: int | None = None,
                          now: dt.datetime | None = None) -> Feedback:
    """Ask the citizen for more (once); the answer's clock stops until it arrives."""
    item = _lock(item, expected_version)
    now = now or timezone.now()
    question = _text(question, "Cần nêu thông tin đề nghị công dân bổ sung.", "question")
    _move(item, action="request_info", actor=actor, now=now, note=question,
          changes={"info_question": question, "info_requested_at": now, "paused_at": now})
    notices.citizen_moved(item, "request_info")
    return item


@transaction.atomic
def feedback_receive_info(*, item: Feedback, reply: str, actor: User | None = None,
                          expected_version: int | None = None, now: dt.datetime | None = None) -> Feedback:
    """The extra information arrived: sent by the citizen on the tracking page (no actor), or taken
    down by an officer of the unit (by phone, at the counter). The answer's clock runs again."""
    item = _lock(item, expected_version)
    reply = _text(reply, "Cần nhập thông tin bổ sung.", "reply")
    now = now or timezone.now()
    ensure_action("receive_info", item)  # the state first: only a stopped clock can resume
    waited = deadlines.resume(item, now)
    _move(item, action="receive_info", actor=actor, now=now, note=reply, by_citizen=actor is None,
          waited_seconds=waited, changes={"info_reply": reply, "info_received_at": now},
          fields=("answer_due_at", "paused_at", "paused_seconds"))
    notices.info_arrived(item)
    return item


@transaction.atomic
def feedback_answer(*, item: Feedback, actor: User, answer: str, expected_version: int | None = None,
                    now: dt.datetime | None = None) -> Feedback:
    """Answer the citizen (766: "chờ công khai", within 15 working days); the answer is theirs to
    read on the tracking page at once, and is to be published within 2 more working days."""
    item = _lock(item, expected_version)
    now = now or timezone.now()
    item.answer = _text(answer, "Cần nhập nội dung trả lời.", "answer")
    ensure_action("answer", item)  # the state first: resuming the clock below needs a legal move
    if item.paused_at:  # answered while still waiting for the citizen: the wait ends here
        deadlines.resume(item, now)
    item.answered_at = item.finished_at = now
    deadlines.start_publishing(item, now)
    _move(item, action="answer", actor=actor, now=now,
          fields=("answer", "answered_at", "finished_at", "publish_due_at", "paused_at", "paused_seconds",
                  "answer_due_at"))
    notices.citizen_moved(item, "answer")
    return item


def known_names(item: Feedback) -> list[str]:
    """The people of the story whose names must not be published: the sender, the dossier's
    applicant and owner, and the unit's officers (a complaint about conduct names them)."""
    names = [item.sender_name]
    if item.dossier_id:
        names += [item.dossier.applicant_name, item.dossier.owner_name, item.dossier.owner_representative]
    names += [u.full_name for u in User.objects.filter(agency_id=item.agency_id).exclude(full_name="")
              .only("full_name")]
    return [n for n in names if n]


@transaction.atomic
def feedback_publish(*, item: Feedback, actor: User, public_question: str, public_answer: str,
                     expected_version: int | None = None, now: dt.datetime | None = None) -> Feedback:
    """Publish the answer on the procedure's page (or the unit's published answers), anonymised: a
    text that still names a person or holds a phone, an e-mail, an ID number or a dossier code is
    refused, naming what is left."""
    item = _lock(item, expected_version)
    question = _text(public_question, "Cần nhập nội dung phản ánh để công khai.", "public_question")
    answer = _text(public_answer, "Cần nhập nội dung trả lời để công khai.", "public_answer")
    names = known_names(item)
    for field, text in (("public_question", question), ("public_answer", answer)):
        left = list(dict.fromkeys(anonymise.leftovers(text, names)))
        if left:
            raise DomainError("Nội dung công khai còn thông tin cá nhân, cần ẩn: " + "; ".join(left[:5]) + ".",
                              field=field, code="personal_data")
    now = now or timezone.now()
    item.public_question, item.public_answer, item.published_at = question, answer, now
    return _move(item, action="publish", actor=actor, now=now,
                 fields=("public_question", "public_answer", "published_at"))


@transaction.atomic
def feedback_react(*, item: Feedback, reaction: str, now: dt.datetime | None = None) -> Feedback:
    """The citizen says whether the answer satisfies them, once (766 indicator 5.3)."""
    item = _lock(item)
    if reaction not in Reaction.values:
        raise DomainError("Chọn hài lòng hoặc không hài lòng.", field="reaction")
    ensure_action("react", item)
    now = now or timezone.now()
    item.reaction, item.reacted_at = reaction, now
    _record(item, action="react", to=item.status, actor=None, now=now, reaction=reaction)
    item.version += 1
    item.save(update_fields=["reaction", "reacted_at", "version", "updated_at"])
    return item


# --------------------------------------------------------------------------- targets


def _percent(name: str, value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not 0 <= number <= 100:
        raise DomainError("Chỉ tiêu là tỷ lệ phần trăm từ 0 đến 100.", field=name)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def target_set(*, actor: User, agency: Agency, year: int, values: dict, now: dt.datetime | None = None) -> UnitTarget:
    """A leader sets a unit's yearly targets (a unit of their scope); blank values mean no target.
    The audit row keeps the values before and after."""
    if not getattr(actor, "is_officer", False) or actor.role != Role.LEADER:
        raise ForbiddenError("Chỉ lãnh đạo cơ quan được giao chỉ tiêu cho đơn vị.")
    if agency.pk not in figures_scope(actor).ids:
        raise ForbiddenError("Đơn vị không thuộc phạm vi quản lý của bạn.")
    if not 2000 <= year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100.", field="year")
    cleaned = {name: _percent(name, values.get(name)) for name in UnitTarget.METRICS}
    now = now or timezone.now()
    target, _ = UnitTarget.objects.select_for_update().get_or_create(
        agency=agency, year=year, defaults={"updated_at": now, "set_by": actor})
    before = {name: str(getattr(target, name)) if getattr(target, name) is not None else None
              for name in UnitTarget.METRICS}
    for name, value in cleaned.items():
        setattr(target, name, value)
    target.set_by, target.updated_at = actor, now
    target.save()
    TargetEvent.objects.create(target=target, actor=actor, at=now, data={
        "before": before, "after": {name: str(v) if v is not None else None for name, v in cleaned.items()}})
    return target
